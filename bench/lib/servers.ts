// Starts the servers under test as child processes on 127.0.0.1, so their CPU and memory can be read
// from /proc without the load generator's own work mixed in.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const HOST = '127.0.0.1'

export interface ServerChild {
  name: 'sori' | 'stock' | 'floor' | 'relay'
  /** what the figures call it: the name, or for a second Sori (run.ts --against) `sori@<folder>` */
  label: string
  pid: number
  port: number
  /** a short label of what it stores to: sqlite, postgres, leveldb */
  storage: string
  /** stderr and stdout lines, kept for the report when something goes wrong */
  log: string[]
  /** Runs a full GC in the server (SIGUSR2, see server-probe.cjs) and returns its memory use after it, in bytes. */
  liveMemory(): Promise<LiveMemory>
  /** How long the server's event loop was held up since the last call, and by GC (server-probe.cjs). */
  pauses(): Promise<Pauses>
  stop(): Promise<void>
}

export interface LiveMemory {
  rss: number
  /** V8 heap committed (heapUsed is what is live in it) */
  heapTotal: number
  heapUsed: number
  external: number
  arrayBuffers: number
  /** V8 space name → [committed, used] bytes */
  spaces: Record<string, [number, number]>
}

/** Event-loop delay (ms) of a 2 ms timer, and the GC pauses, over one window. */
export interface Pauses {
  loopP50: number
  loopP99: number
  loopMax: number
  /** the share of the window the event loop was running (not waiting for I/O) */
  loopBusy: number
  /** the share of the window the main thread was on a core (NaN where /proc is missing) */
  mainOnCpu: number
  /** every collection, and of them the full (mark-compact) ones */
  gc: { count: number; totalMs: number; maxMs: number; majorCount: number }
}

const live = new Set<ChildProcess>()
/** Kills `child` with the benchmark (exit, Ctrl-C) if nothing stopped it first; for helpers the bench starts itself. */
export function killOnExit(child: ChildProcess): void {
  live.add(child)
  child.once('exit', () => live.delete(child))
}
// A benchmark that throws or is interrupted must not leave servers behind.
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL')
})
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    for (const c of live) c.kill('SIGKILL')
    process.exit(130)
  })
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, HOST, () => {
      const addr = s.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      s.close(() => resolve(port))
    })
  })
}

async function waitForPort(port: number, child: ChildProcess, log: string[], timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log.join('')}`)
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, HOST)
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`server did not listen on ${HOST}:${port} within ${timeoutMs} ms:\n${log.join('')}`)
}

/**
 * A server run under another program (bench:instructions runs it under valgrind): `prefix` is that
 * program and its arguments, before node's path. Without the probe (server-probe.cjs), whose timers
 * would add work that grows with the wall-clock time, not with the load.
 */
export interface Wrapper {
  prefix: string[]
}

async function start(
  name: ServerChild['name'],
  label: string,
  cwd: string,
  storage: string,
  args: string[],
  env: Record<string, string>,
  cleanup: () => void,
  fixedPort?: number,
  wrapper?: Wrapper,
): Promise<ServerChild> {
  const port = fixedPort ?? (await freePort())
  // BENCH_PROFILE_DIR=<dir>: the server writes a V8 CPU profile there when it stops (for finding hot spots)
  const prof = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.BENCH_PROFILE_DIR, label)}`] : []
  const gc = wrapper ? [] : ['--expose-gc', '--require', join(ROOT, 'bench', 'lib', 'server-probe.cjs')]
  // BENCH_SERVER_CPUS=<list>: run the server on those cores only (taskset), see pinGenerator
  const pin = process.env.BENCH_SERVER_CPUS
  const [cmd, pre] = wrapper
    ? [wrapper.prefix[0], [...wrapper.prefix.slice(1), process.execPath]]
    : pin
      ? ['taskset', ['-c', pin, process.execPath]]
      : [process.execPath, []]
  // BENCH_SERVER_NODE_FLAGS="--flag ...": extra Node/V8 flags for both servers (e.g. to try GC settings on both alike)
  // BENCH_SORI_NODE_FLAGS="--flag ...": extra flags for this checkout's Sori only (not stock, not --against's), to compare
  const own = label === 'sori' || label.startsWith('sori node') ? (process.env.BENCH_SORI_NODE_FLAGS ?? '') : ''
  const flags = `${process.env.BENCH_SERVER_NODE_FLAGS ?? ''} ${own}`.split(/\s+/).filter(Boolean)
  const child = spawn(cmd, [...pre, ...flags, ...gc, ...prof, ...args], {
    cwd,
    env: { ...process.env, ...env, PORT: String(port), HOST },
    // the IPC channel carries server-probe.cjs's pause figures
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  live.add(child)
  const log: string[] = []
  const keep = (b: Buffer) => {
    log.push(b.toString())
    if (log.length > 200) log.shift()
  }
  let memWaiter: ((m: LiveMemory) => void) | null = null
  // BENCH_SERVER_OUT=<file>: the server's stdout and stderr appended there as they come (with
  // BENCH_SORI_NODE_FLAGS=--trace-gc-nvp, what each collection found; server-probe.cjs marks the windows)
  const out = process.env.BENCH_SERVER_OUT
  if (out) {
    child.stdout!.on('data', (b: Buffer) => appendFileSync(out, b))
    child.stderr!.on('data', (b: Buffer) => appendFileSync(out, b))
  }
  child.stdout!.on('data', (b: Buffer) => {
    const m = /BENCH_MEM (\{.*\})/.exec(b.toString())
    if (m && memWaiter) memWaiter(JSON.parse(m[1]) as LiveMemory)
    else keep(b)
  })
  child.stderr!.on('data', (b: Buffer) => {
    // BENCH_STALLS=1: the probe's stall lines go to the bench's stderr as they come (server-probe.cjs)
    if (process.env.BENCH_STALLS)
      for (const l of b.toString().split('\n')) if (l.startsWith('BENCH_STALL')) process.stderr.write(`${l}\n`)
    keep(b)
  })
  try {
    // under valgrind a server takes minutes to start
    await waitForPort(port, child, log, wrapper ? 900_000 : 60_000)
  } catch (e) {
    child.kill('SIGKILL')
    live.delete(child)
    cleanup()
    throw e
  }
  return {
    name,
    label,
    pid: child.pid!,
    port,
    storage,
    log,
    liveMemory() {
      return new Promise((resolve, reject) => {
        // a heap snapshot of a few hundred MB takes minutes to write
        const limit = process.env.BENCH_HEAP_SNAPSHOT_DIR ? 300_000 : 30_000
        const timer = setTimeout(() => reject(new Error(`${name} did not report its memory`)), limit)
        memWaiter = (m) => {
          clearTimeout(timer)
          memWaiter = null
          resolve(m)
        }
        child.kill('SIGUSR2')
      })
    },
    pauses() {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          child.off('message', on)
          reject(new Error(`${name} did not report its pauses`))
        }, 10_000)
        const on = (m: unknown) => {
          if (typeof m !== 'object' || m === null || !('pauses' in m)) return
          clearTimeout(timer)
          child.off('message', on)
          resolve((m as { pauses: Pauses }).pauses)
        }
        child.on('message', on)
        child.send('pauses')
      })
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
        await exited
        clearTimeout(timer)
      }
      live.delete(child)
      cleanup()
    },
  }
}

/**
 * BENCH_SORI_DIR=<checkout>: run that checkout's server instead of this one's (with this bench and its
 * load generator), to compare two builds of Sori on the same machine in the same way.
 */
const soriDir = (): string => process.env.BENCH_SORI_DIR || ROOT

/** For run.ts --nodes: a port chosen in advance (a node's address goes into its env), more env, another label. */
export interface SoriNodeOptions {
  port?: number
  env?: Record<string, string>
  label?: string
  /** run under another program (bench:instructions) */
  wrapper?: Wrapper
}

/**
 * Sori's server (server/main.ts) with a fresh SQLite file, or with `databaseUrl` (postgres://...) as given.
 * Run as `npm start` runs it, from the bundle scripts/build-server.mjs makes, but by `node` directly (npm would
 * add processes between us and the server); a checkout from before the bundle runs as `node --import tsx`.
 * `checkout`: another checkout of Sori to run instead (its node_modules installed or linked), labelled
 * `sori@<its folder's name>`. `node`: one node of several (delivery/nodes.ts).
 */
export async function startSori(databaseUrl?: string, checkout?: string, node?: SoriNodeOptions): Promise<ServerChild> {
  const dir = mkdtempSync(join(tmpdir(), 'sori-bench-'))
  const url = databaseUrl ?? join(dir, 'sori.db')
  // main.ts builds the PWA when its static folder has no index.html; the bench needs no app, so give it a stand-in
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>bench</title>')
  const storage = url.startsWith('postgres') ? 'postgres' : 'sqlite'
  // the bench signs up hundreds of users from 127.0.0.1
  // SORI_METRICS: GET /api/metrics, how long the server held updates (load.ts reads it per window)
  // SORI_BLOB_DIR: media and uploads in progress in the temp folder, whatever the database
  const env = {
    DATABASE_URL: url,
    SORI_STATIC: dir,
    NODE_ENV: 'production',
    SORI_SIGNUPS_PER_HOUR: '0',
    // one account makes every group of the load (thousands of members each)
    SORI_GROUPS_PER_HOUR: '0',
    SORI_GROUP_ADDS_PER_HOUR: '0',
    SORI_METRICS: '1',
    SORI_BLOB_DIR: join(dir, 'blobs'),
    ...node?.env,
  }
  const label = node?.label ?? (checkout ? `sori@${basename(checkout)}` : 'sori')
  const cwd = checkout ?? soriDir()
  // as `npm start` runs it: the bundle (scripts/build-server.mjs); a checkout from before the bundle, through tsx
  const bundle = existsSync(join(cwd, 'scripts', 'build-server.mjs'))
    ? execFileSync(process.execPath, ['scripts/build-server.mjs'], { cwd, encoding: 'utf8' }).trim()
    : null
  const args = bundle ? ['--enable-source-maps', bundle] : ['--import', 'tsx', 'server/main.ts']
  const cleanup = () => rmSync(dir, { recursive: true, force: true })
  return start('sori', label, cwd, storage, args, env, cleanup, node?.port, node?.wrapper)
}

/**
 * The stock y-websocket@1.5.4 server (bin/utils.js) with y-leveldb persistence in a fresh folder, or
 * (`memory`) keeping its documents in memory only, as bin/server.js does without YPERSISTENCE.
 */
export async function startStock(memory = false, wrapper?: Wrapper): Promise<ServerChild> {
  if (memory)
    return start(
      'stock',
      'stock',
      ROOT,
      'memory',
      ['bench/delivery/stock-server.cjs'],
      { YPERSISTENCE: '' },
      () => {},
      undefined,
      wrapper,
    )
  const dir = mkdtempSync(join(tmpdir(), 'stock-bench-'))
  return start(
    'stock',
    'stock',
    ROOT,
    'leveldb',
    ['bench/delivery/stock-server.cjs'],
    { YPERSISTENCE: join(dir, 'leveldb') },
    () => rmSync(dir, { recursive: true, force: true }),
  )
}

/** The delivery floor: forwards every update frame to the other sockets on its path and does nothing else. */
export async function startRelay(): Promise<ServerChild> {
  return start('relay', 'relay', ROOT, 'none', ['bench/delivery/relay-server.cjs'], {}, () => {})
}

/** A bare ws server that only holds sockets (bench/memory/floor-server.cjs): what Node + ws cost by themselves. */
export async function startFloor(): Promise<ServerChild> {
  return start('floor', 'floor', ROOT, 'none', ['bench/memory/floor-server.cjs'], {}, () => {})
}
