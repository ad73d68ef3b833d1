// run.ts --nodes N: Sori as N server processes on one Postgres schema and one Redis (docs/scaling.md), next
// to one node on its own, in the same run. On a 2-core machine this measures what several nodes cost
// per message over one (the relay hop, Redis, the fence in every commit), not how they scale.
//
// The Redis is a private redis-server on a free port, without persistence, so that its CPU and its
// `INFO commandstats` count this run's nodes only.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { freePort, HOST, killOnExit, startSori, type ServerChild } from '../lib/servers.ts'
import type { ChatSpec } from './load.ts'

export interface RedisChild {
  pid: number
  port: number
  url: string
  stop(): Promise<void>
}

/** One reading of the Redis's counters (`INFO commandstats stats`). */
export interface RedisSample {
  /** calls per command, e.g. evalsha, get, publish */
  calls: Map<string, number>
  netIn: number
  netOut: number
  /** bytes of this reading's own request and reply, which the next reading's counters include in part */
  ownIn: number
  ownOut: number
}

/** What Redis did between two readings, without the readings themselves. */
export interface RedisDelta {
  calls: number
  /** commands by calls, most first */
  byCommand: Array<[string, number]>
  bytes: number
}

/** A redis-server of the bench's own: free port, no snapshots, no append-only file. */
export async function startRedisServer(): Promise<RedisChild> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'sori-bench-redis-'))
  const args = ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning']
  const child = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] })
  killOnExit(child)
  let err = ''
  child.stderr!.on('data', (b: Buffer) => {
    err = (err + b.toString()).slice(-2000)
  })
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve)
    child.once('error', (e) => reject(new Error(`redis-server: ${e.message} (apt-get install redis-server)`)))
  })
  await spawned
  const until = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${err}`)
    try {
      await redisInfo(port)
      break
    } catch (e) {
      if (Date.now() > until) throw new Error(`redis-server on port ${port} did not answer ${err}`, { cause: e })
      await new Promise((r) => setTimeout(r, 100))
    }
  }
  return {
    pid: child.pid!,
    port,
    url: `redis://${HOST}:${port}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
        await exited
        clearTimeout(timer)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * `INFO commandstats stats` over a fresh connection (Redis 7 takes several sections). A raw socket, so
 * that the bench knows the exact bytes of its own request and reply and can take them out of the counts.
 */
export function redisInfo(port: number): Promise<RedisSample> {
  const request = 'INFO commandstats stats\r\n'
  return new Promise((resolve, reject) => {
    const s = connect(port, HOST)
    let buf = Buffer.alloc(0)
    s.setTimeout(5_000, () => {
      s.destroy()
      reject(new Error('INFO timed out'))
    })
    s.on('error', reject)
    s.on('connect', () => s.write(request))
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d])
      const eol = buf.indexOf('\r\n')
      if (eol < 0) return
      if (buf[0] !== 0x24 /* $ */) {
        s.destroy()
        reject(new Error(`INFO: ${buf.toString().trim()}`))
        return
      }
      const len = Number(buf.subarray(1, eol).toString())
      const total = eol + 2 + len + 2
      if (buf.length < total) return
      s.destroy()
      const text = buf.subarray(eol + 2, eol + 2 + len).toString()
      const calls = new Map<string, number>()
      for (const m of text.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) calls.set(m[1], Number(m[2]))
      const stat = (key: string) => Number(new RegExp(`^${key}:(\\d+)`, 'm').exec(text)?.[1] ?? NaN)
      resolve({
        calls,
        netIn: stat('total_net_input_bytes'),
        netOut: stat('total_net_output_bytes'),
        ownIn: Buffer.byteLength(request),
        ownOut: total,
      })
    })
  })
}

/**
 * Between readings `a` and `b`: the counters include `a`'s reply (written after `a` read them), `b`'s
 * request (read before `b` ran) and `a`'s own INFO call (counted once it ended); those are the bench's.
 */
export function redisDelta(a: RedisSample, b: RedisSample): RedisDelta {
  const byCommand: Array<[string, number]> = []
  for (const [cmd, n] of b.calls) {
    const d = n - (a.calls.get(cmd) ?? 0) - (cmd === 'info' ? 1 : 0)
    if (d > 0) byCommand.push([cmd, d])
  }
  byCommand.sort((x, y) => y[1] - x[1])
  return {
    calls: byCommand.reduce((s, [, n]) => s + n, 0),
    byCommand,
    bytes: b.netIn - a.netIn - b.ownIn + (b.netOut - a.netOut - a.ownOut),
  }
}

export interface NodesUnderTest {
  /** every node; a chat member's `node` indexes this */
  servers: ServerChild[]
  redis: RedisChild
  stop(): Promise<void>
}

/**
 * `n` Sori nodes on the Postgres schema `databaseUrl` and a private Redis, each with its own address. They
 * start one after the other: each runs the migrations (under a lock) before it listens.
 */
export async function startNodes(n: number, databaseUrl: string): Promise<NodesUnderTest> {
  const redis = await startRedisServer()
  const prefix = `bench${randomBytes(4).toString('hex')}:`
  const servers: ServerChild[] = []
  try {
    for (let i = 0; i < n; i++) {
      const port = await freePort()
      const env = { REDIS_URL: redis.url, SORI_REDIS_PREFIX: prefix, SORI_NODE_ADDRESS: `${HOST}:${port}` }
      servers.push(await startSori(databaseUrl, undefined, { port, env, label: `sori node ${i + 1}` }))
    }
  } catch (e) {
    for (const s of servers) await s.stop()
    await redis.stop()
    throw e
  }
  return {
    servers,
    redis,
    async stop() {
      for (const s of servers) await s.stop()
      await redis.stop()
    },
  }
}

/**
 * Where chat `i`'s members connect with `n` nodes, so that every message crosses a relay: the chat's home
 * goes to node k = i mod n (the node whose API created the chat, and where member 0's socket opens
 * first, before the others: a home belongs to the node that first loads it). Member m connects to node
 * (k + m) mod n; only members on another node than k write, so each message comes in through a relay and
 * reaches receivers on the home node and on the others.
 */
export function place(spec: ChatSpec, i: number, n: number): ChatSpec {
  const k = i % n
  return {
    ...spec,
    first: 0,
    members: spec.members.map((m, mi) => {
      const node = (k + mi) % n
      return { ...m, node, writes: mi > 0 && node !== k }
    }),
  }
}

/**
 * The same chat as a balancer that routes `/sync/<doc>` by home would place it (`--routed`): the same
 * writers, every socket on the home's node, so nothing is relayed.
 */
export function routed(spec: ChatSpec, i: number, n: number): ChatSpec {
  const p = place(spec, i, n)
  return { ...p, members: p.members.map((m) => ({ ...m, node: i % n })) }
}

/** The same chat on one node: the same writers and the same order of connecting, every socket on node 0. */
export const onOneNode = (spec: ChatSpec): ChatSpec => ({ ...spec, members: spec.members.map((m) => ({ ...m, node: 0 })) })
