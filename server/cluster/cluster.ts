// One node of several (docs/scaling.md): nodes share Postgres and Redis. Every document belongs to a home
// (a chat with its pages, an inbox, a channel with its pages), and one node at a time owns a home: it alone
// loads, validates and commits its documents. Other nodes relay a client's socket to the owner
// (relay.ts) and send it calls (`run`, `tellEach`) for the server's own writes.
//
// Redis holds what may be lost and rebuilt: who is alive (a key per node with a short expiry), who owns
// a home (a lease naming the node, valid while that node is alive), sockets per user and the messages
// between nodes. Postgres holds the truth: `homes.epoch` moves at every takeover, and each group commit
// checks the epochs of its homes in its own transaction (`fence`), so a node that lost a home while
// paused or cut off from Redis commits nothing more for it.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Db, Queryable } from '../db/db.ts'
import { statementChunks } from '../db/chunks.ts'
import { logger } from '../log.ts'
import { Keys } from './keys.ts'

const log = logger('cluster')

/** Takes the lease when it is free or names a dead node; returns the owner it leaves (maybe this node). */
const ACQUIRE = `
local v = redis.call('GET', KEYS[1])
if v and v ~= ARGV[1] and redis.call('EXISTS', ARGV[2] .. v) == 1 then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
return ARGV[1]`

/** Deletes the lease if it still names this node. */
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`

/** Renews a lease of this node, or sets it again after Redis lost it; 0 when another node holds it now. */
const REASSERT = `
local v = redis.call('GET', KEYS[1])
if not v then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`

/** Forgets a node whose address refuses connections (its process is gone), if the key still names it. */
const FORGET = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) redis.call('ZREM', KEYS[2], ARGV[2]) return 1 end return 0`

type ClusterRedis = Redis & {
  acquireHome(lease: string, node: string, nodePrefix: string, ttl: number): Promise<string>
  releaseHome(lease: string, node: string): Promise<number>
  reassertHome(lease: string, node: string, ttl: number): Promise<number>
  forgetNode(nodeKey: string, nodes: string, address: string, node: string): Promise<number>
}

export interface ClusterOptions {
  redisUrl: string
  /** key and channel prefix (SORI_REDIS_PREFIX) */
  prefix: string
  /** host:port where other nodes reach this one (SORI_NODE_ADDRESS) */
  address: string
  db: Db
  /** heartbeat period, ms; a node is dead `deadMs` after its last beat */
  beatMs?: number
  deadMs?: number
  /** lease expiry, ms: renewed every third of it while the home is owned (a lease nobody deletes still goes) */
  leaseMs?: number
  /** how long a call to another node may take, ms */
  callTimeoutMs?: number
}

/** Where a home is served: here, or at another node's address. */
export type Route = { local: true } | { local: false; node: string; address: string }

const LOCAL: Route = { local: true }

/** A call (server write) for a home another node owns; what it resolves with goes back to the caller. */
type Handler = (args: string[]) => Promise<string | void>

interface CallMessage {
  t: 'call'
  id: number
  from: string
  home: string
  op: string
  args: string[]
}
interface ReplyMessage {
  t: 'reply'
  id: number
  /** ok, moved (the node does not own the home now) or an error text */
  result: 'ok' | 'moved' | string
  /** what the handler returned */
  value?: string
}
interface AllMessage {
  t: 'all'
  from: string
  op: string
  args: string[]
}
type Message = CallMessage | ReplyMessage | AllMessage

/** A home this node thought it owned has another owner (a fence or a lease said so). */
export type LostListener = (homes: string[]) => void

interface Answer {
  result: string
  value?: string
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export class Cluster {
  /** this process; a restarted node is a new node */
  readonly node = randomUUID()
  readonly keys: Keys
  private readonly redis: ClusterRedis
  private readonly sub: Redis
  /** home → the epoch this node acquired it with */
  private owned = new Map<string, number>()
  private acquiring = new Map<string, Promise<Route>>()
  private handlers = new Map<string, Handler>()
  private broadcasts = new Map<string, Handler>()
  private calls = new Map<number, { resolve(r: Answer): void; timer: NodeJS.Timeout }>()
  private nextCall = 1
  private timers: NodeJS.Timeout[] = []
  private releases = new Set<Promise<unknown>>()
  /** this node's open sockets per user (the engine's count, `countSockets`), and the users whose count Redis has not seen yet */
  private sockets: ReadonlyMap<string, number> = new Map()
  private dirtySockets = new Set<string>()
  private lostListeners: LostListener[] = []
  private readyListeners: Array<() => void> = []
  private started = false
  private closed = false
  private readonly beatMs: number
  private readonly deadMs: number
  private readonly leaseMs: number
  private readonly callTimeoutMs: number

  constructor(private opts: ClusterOptions) {
    this.keys = new Keys(opts.prefix)
    this.beatMs = opts.beatMs ?? 500
    this.deadMs = opts.deadMs ?? 2000
    this.leaseMs = opts.leaseMs ?? 60_000
    this.callTimeoutMs = opts.callTimeoutMs ?? 10_000
    const common = {
      lazyConnect: true,
      // a command while Redis is away fails at once: the caller refuses or falls back, it does not hang
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 1000) + Math.floor(Math.random() * 100),
    }
    this.redis = new Redis(opts.redisUrl, { ...common, enableAutoPipelining: true }) as ClusterRedis
    this.sub = new Redis(opts.redisUrl, { ...common, enableOfflineQueue: true })
    this.redis.defineCommand('acquireHome', { numberOfKeys: 1, lua: ACQUIRE })
    this.redis.defineCommand('releaseHome', { numberOfKeys: 1, lua: RELEASE })
    this.redis.defineCommand('reassertHome', { numberOfKeys: 1, lua: REASSERT })
    this.redis.defineCommand('forgetNode', { numberOfKeys: 2, lua: FORGET })
    for (const r of [this.redis, this.sub]) r.on('error', (e: Error) => log.error('redis', e, { node: this.node }))
  }

  get address(): string {
    return this.opts.address
  }

  /** Set once the server listens, when it was not configured (a port picked by the system). */
  set address(address: string) {
    this.opts.address = address
  }

  /** Whether this node takes part yet (start() ran): before, it owns nothing and routes nothing. */
  get ready(): boolean {
    return this.started && !this.closed
  }

  /** Connects to Redis (before the node serves anything). */
  async connect(): Promise<void> {
    await this.redis.connect()
    await this.sub.connect()
    this.sub.on('message', (channel: string, text: string) => this.onMessage(channel, text))
    await this.sub.subscribe(this.keys.inbox(this.node), this.keys.all)
  }

  /** Joins: this node is alive from now on and may own homes. */
  async start(): Promise<void> {
    if (!this.opts.address) throw new Error('a node needs the address the others reach it at')
    await this.beat()
    this.started = true
    // after Redis came back (it keeps nothing): this node's liveness, leases and socket counts again
    this.redis.on('ready', () => {
      if (!this.started || this.closed) return
      void this.restore()
    })
    this.timers.push(setInterval(() => void this.beat().catch(() => {}), this.beatMs))
    this.timers.push(setInterval(() => void this.reassert(), this.leaseMs / 3))
    this.timers.push(setInterval(() => void this.flushSockets().catch(() => {}), 250))
    for (const t of this.timers) t.unref()
  }

  /** Called with homes this node no longer owns: their documents must go (their sockets reconnect). */
  onLost(fn: LostListener): void {
    this.lostListeners.push(fn)
  }

  /** Called when Redis is reachable again after an outage (what was sent meanwhile may be lost). */
  onReconnect(fn: () => void): void {
    this.readyListeners.push(fn)
  }

  /**
   * Where `home` is served. A home without a live owner is acquired by this node: the lease in Redis,
   * then a new epoch in Postgres (which waits for any commit of the previous owner in flight).
   */
  route(home: string): Promise<Route> {
    if (this.owned.has(home)) return Promise.resolve(LOCAL)
    let p = this.acquiring.get(home)
    if (!p) {
      p = this.acquire(home).finally(() => this.acquiring.delete(home))
      this.acquiring.set(home, p)
    }
    return p
  }

  private async acquire(home: string): Promise<Route> {
    if (!this.ready) throw new NotOwner(home, '')
    const lease = this.keys.home(home)
    for (let attempt = 0; ; attempt++) {
      const owner = await this.redis.acquireHome(lease, this.node, this.keys.nodePrefix, this.leaseMs)
      if (owner === this.node) {
        if (this.owned.has(home)) return LOCAL
        let epoch: number
        try {
          const row = await this.opts.db.get<{ epoch: number | string }>(
            'INSERT INTO homes (home, epoch) VALUES (?, 1) ON CONFLICT (home) DO UPDATE SET epoch = homes.epoch + 1 RETURNING epoch',
            [home],
          )
          epoch = Number(row?.epoch)
        } catch (e) {
          await this.redis.releaseHome(lease, this.node).catch(() => 0)
          throw e
        }
        this.owned.set(home, epoch)
        return LOCAL
      }
      const address = await this.redis.get(this.keys.node(owner))
      if (address) return { local: false, node: owner, address }
      // the owner's liveness just expired: the next try takes the lease
      if (attempt >= 3) throw new Error(`home ${home}: owner ${owner} is neither alive nor replaceable`)
    }
  }

  /** Owns `home`, acquiring it if nobody does; throws when another node owns it. */
  async ensureOwned(home: string): Promise<void> {
    const r = await this.route(home)
    if (!r.local) throw new NotOwner(home, r.node)
  }

  /**
   * A relay to `node` at `address` was refused (nothing listens there: its process is gone). Forgets
   * the node now rather than when its liveness expires, so that its homes are taken over at once. Safe
   * even if it were wrong: a takeover moves the epoch, and the old owner's commits are then refused.
   */
  async unreachable(node: string, address: string): Promise<void> {
    await this.redis.forgetNode(this.keys.node(node), this.keys.nodes, address, node).catch(() => 0)
  }

  /** The home's documents are all gone from memory: another node may own it now. */
  release(home: string): void {
    if (!this.owned.delete(home)) return
    const p = this.redis
      .releaseHome(this.keys.home(home), this.node)
      .catch((e: Error) => log.error('releasing a home failed', e, { home }))
      .finally(() => this.releases.delete(p))
    this.releases.add(p)
  }

  /**
   * Inside a group commit's transaction: the homes (of `homes`) whose epoch moved since this node
   * acquired them. `FOR SHARE` waits for a takeover in flight and keeps one from starting until the commit ends.
   */
  async fence(q: Queryable, homes: string[]): Promise<string[]> {
    const stale: string[] = []
    const seen = new Map<string, number>()
    for (const part of statementChunks('postgres', homes, 512)) {
      const rows = await q.all<{ home: string; epoch: number | string }>(
        `SELECT home, epoch FROM homes WHERE home IN (${part.map(() => '?').join(', ')}) FOR SHARE`,
        part,
      )
      for (const r of rows) seen.set(r.home, Number(r.epoch))
    }
    for (const h of homes) {
      const mine = this.owned.get(h)
      if (mine === undefined || seen.get(h) !== mine) stale.push(h)
    }
    return stale
  }

  /** These homes have another owner now: forget them and tell the engine. */
  lost(homes: string[]): void {
    const gone = homes.filter((h) => this.owned.delete(h))
    if (gone.length === 0) return
    log.info('homes taken over by another node', { homes: gone.length })
    for (const fn of this.lostListeners) fn(gone)
  }

  /** Registers what a call for a home does on its owner. */
  handle(op: string, fn: Handler): void {
    this.handlers.set(op, fn)
  }

  /** Registers what a broadcast does on every node. */
  handleAll(op: string, fn: Handler): void {
    this.broadcasts.set(op, fn)
  }

  /**
   * Runs `op` on the owner of `home`: here if this node owns it or nobody does (it acquires it then), else
   * on the owner, waiting for it to finish. Retried when the owner moved or died meanwhile.
   */
  async run(home: string, op: string, args: string[]): Promise<string | void> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.route(home)
      if (r.local) return this.local(op, args)
      const { result, value } = await this.call(r.node, { home, op, args })
      if (result === 'ok') return value
      if (result !== 'moved' && result !== 'gone') throw new Error(`${op} on ${r.node} failed: ${result}`)
      if (attempt >= 10) throw new Error(`${op}: the owner of ${home} kept moving`)
      if (result === 'gone') await this.unreachable(r.node, r.address)
      await sleep(20 + Math.random() * 80)
    }
  }

  /**
   * Runs `op` on the owners of `homes`, for those some node owns, without waiting for them: one MGET for
   * the leases, and `args` is made only for owned homes (what it would carry to a home no node holds is
   * read from Postgres when the home loads).
   */
  async tellEach(homes: string[], op: string, args: (home: string) => Promise<string[]>): Promise<void> {
    const remote: string[] = []
    for (const h of homes) {
      if (this.owned.has(h)) await this.local(op, await args(h))
      else remote.push(h)
    }
    for (let i = 0; i < remote.length; i += 512) {
      const part = remote.slice(i, i + 512)
      const owners = await this.redis.mget(part.map((h) => this.keys.home(h)))
      for (const [j, owner] of owners.entries()) {
        if (!owner || owner === this.node) continue
        const m: CallMessage = { t: 'call', id: 0, from: this.node, home: part[j], op, args: await args(part[j]) }
        await this.redis.publish(this.keys.inbox(owner), JSON.stringify(m))
      }
    }
  }

  /** Runs `op` on every node (this one at once, the others through Redis). */
  async broadcast(op: string, args: string[]): Promise<void> {
    const m: AllMessage = { t: 'all', from: this.node, op, args }
    try {
      await this.redis.publish(this.keys.all, JSON.stringify(m))
    } catch (e) {
      log.error('broadcast failed', e, { op })
    }
    const fn = this.broadcasts.get(op)
    if (fn) await fn(args)
  }

  private local(op: string, args: string[]): Promise<string | void> {
    const fn = this.handlers.get(op)
    if (!fn) return Promise.reject(new Error(`no handler for ${op}`))
    return fn(args)
  }

  /** result 'ok' (with the handler's value), 'moved', 'gone' (no node listens: it died) or an error text. */
  private async call(node: string, c: { home: string; op: string; args: string[] }): Promise<Answer> {
    const id = this.nextCall++
    const m: CallMessage = { t: 'call', id, from: this.node, ...c }
    const answer = new Promise<Answer>((resolve) => {
      const timer = setTimeout(() => {
        this.calls.delete(id)
        resolve({ result: `no answer within ${this.callTimeoutMs} ms` })
      }, this.callTimeoutMs)
      this.calls.set(id, { resolve, timer })
    })
    let receivers: number
    try {
      receivers = await this.redis.publish(this.keys.inbox(node), JSON.stringify(m))
    } catch (e) {
      this.settle(id, (e as Error).message)
      return answer
    }
    if (receivers === 0) this.settle(id, 'gone')
    return answer
  }

  private settle(id: number, result: string, value?: string): void {
    const c = this.calls.get(id)
    if (!c) return
    this.calls.delete(id)
    clearTimeout(c.timer)
    c.resolve({ result, value })
  }

  private onMessage(channel: string, text: string): void {
    let m: Message
    try {
      m = JSON.parse(text) as Message
    } catch {
      return
    }
    if (m.t === 'reply') return this.settle(m.id, m.result, m.value)
    if (m.t === 'all') {
      if (m.from === this.node || channel !== this.keys.all) return
      const fn = this.broadcasts.get(m.op)
      fn?.(m.args).catch((e) => log.error('broadcast handler failed', e, { op: m.op }))
      return
    }
    if (m.t !== 'call') return
    const reply = (result: string, value?: string | void) => {
      if (m.id === 0) return
      const r: ReplyMessage = { t: 'reply', id: m.id, result }
      if (typeof value === 'string') r.value = value
      this.redis.publish(this.keys.inbox(m.from), JSON.stringify(r)).catch(() => 0)
    }
    if (!this.owned.has(m.home)) return reply('moved')
    this.local(m.op, m.args).then(
      (value) => reply('ok', value),
      (e: Error) => {
        log.error('call failed', e, { op: m.op, home: m.home })
        reply(e.message || 'failed')
      },
    )
  }

  /** Where this node counts its open sockets per user (the engine's map), mirrored into Redis. */
  countSockets(sockets: ReadonlyMap<string, number>): void {
    this.sockets = sockets
  }

  /** `user`'s count in that map changed: Redis hears of it at the next flush. */
  socketsChanged(user: string): void {
    this.dirtySockets.add(user)
  }

  /** `user`'s open sockets on every live node (this one's exactly, the others' as of their last flush). */
  async socketsOf(user: string): Promise<number> {
    const here = this.sockets.get(user) ?? 0
    const nodes = await this.redis.zrangebyscore(this.keys.nodes, Date.now(), '+inf')
    const others = nodes.filter((n) => n !== this.node)
    const counts = await Promise.all(others.map((n) => this.redis.hget(this.keys.sockets(n), user)))
    return counts.reduce((sum, c) => sum + (Number(c) || 0), here)
  }

  private async flushSockets(): Promise<void> {
    if (this.dirtySockets.size === 0) return
    const users = [...this.dirtySockets]
    this.dirtySockets.clear()
    const key = this.keys.sockets(this.node)
    const p = this.redis.pipeline()
    for (const u of users) {
      const n = this.sockets.get(u)
      if (n) p.hset(key, u, n)
      else p.hdel(key, u)
    }
    p.pexpire(key, this.deadMs * 5)
    try {
      await p.exec()
    } catch {
      for (const u of users) this.dirtySockets.add(u)
    }
  }

  private async beat(): Promise<void> {
    const now = Date.now()
    const p = this.redis.pipeline()
    p.set(this.keys.node(this.node), this.opts.address, 'PX', this.deadMs)
    p.zadd(this.keys.nodes, now + this.deadMs, this.node)
    p.zremrangebyscore(this.keys.nodes, '-inf', now)
    p.pexpire(this.keys.sockets(this.node), this.deadMs * 5)
    await p.exec()
  }

  /** Renews this node's leases; a lease another node holds now means the home was lost. */
  private async reassert(): Promise<void> {
    const homes = [...this.owned.keys()]
    if (homes.length === 0) return
    const lost: string[] = []
    await Promise.all(
      homes.map(async (h) => {
        try {
          if ((await this.redis.reassertHome(this.keys.home(h), this.node, this.leaseMs)) === 0) lost.push(h)
        } catch {
          /* Redis is away: the Postgres fence keeps commits safe meanwhile */
        }
      }),
    )
    if (lost.length) this.lost(lost)
  }

  private async restore(): Promise<void> {
    try {
      await this.beat()
      for (const u of this.sockets.keys()) this.dirtySockets.add(u)
      await this.flushSockets()
      await this.reassert()
    } catch (e) {
      log.error('restoring state in Redis failed', e)
    }
    for (const fn of this.readyListeners) {
      try {
        fn()
      } catch (e) {
        log.error('reconnect listener failed', e)
      }
    }
  }

  /** Leaves the cluster: releases what is left, forgets this node in Redis, disconnects. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const t of this.timers) clearInterval(t)
    for (const h of [...this.owned.keys()]) this.release(h)
    await Promise.all([...this.releases])
    for (const id of [...this.calls.keys()]) this.settle(id, 'closing')
    try {
      await this.redis
        .pipeline()
        .del(this.keys.node(this.node), this.keys.sockets(this.node))
        .zrem(this.keys.nodes, this.node)
        .exec()
    } catch {
      /* Redis is away: the keys expire */
    }
    this.sub.disconnect()
    this.redis.disconnect()
  }
}

export class NotOwner extends Error {
  constructor(
    readonly home: string,
    readonly owner: string,
  ) {
    super(`home ${home} is owned by node ${owner}`)
  }
}
