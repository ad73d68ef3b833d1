// The sync engine: the y-websocket protocol on /sync/<doc>, with authentication at the upgrade,
// validation of every update, group commit, acknowledgements and fan-out (see docs/protocol.md). It knows
// no domain: the kinds of documents and what their commits change are registered by one (kind.ts).
import { randomInt, randomUUID } from 'node:crypto'
import { WebSocketServer } from 'ws'
import { MAX_FRAME_BYTES } from '../../protocol/limits.ts'
import { CLOSE } from '../../protocol/wire.ts'
import { createInProcessBus, type Bus } from '../bus/bus.ts'
import { statementChunks } from '../db/chunks.ts'
import type { SyncDeps, SyncEngine } from './types.ts'
import type { SyncContext, SyncOptions } from './context.ts'
import { Bindings, SYSTEM_USER } from './bindings.ts'
import { COMMIT_TURNS, GroupCommit, StaleHomes } from './commit.ts'
import { DocRegistry } from './registry.ts'
import { ServerWriter } from './server-write.ts'
import { createUpgradeHandler } from './upgrade.ts'
import { Relays } from '../cluster/relay.ts'
import { SORI_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../protocol/wire.ts'
import { log } from './log.ts'
import { envInt } from '../config.ts'
import { LatencyWindow } from './latency.ts'
import { Compactor } from '../store/compactor.ts'
import { DocKinds } from './kind.ts'
import type { Cluster } from '../cluster/cluster.ts'
import { clusterHomes, homeOf, localHomes } from './homes.ts'
import { CPU_PER_SECOND_MS, CpuBudget } from './cpu-budget.ts'
import { ClaimQuota, CLAIMS_PER_DOC, CLAIMS_PER_USER } from './claim-quota.ts'
import { Announced } from './awareness.ts'
import { HOLD_MS } from './handle.ts'

export type { SyncDeps, SyncEngine, SyncServer } from './types.ts'

export interface SyncExtras {
  bus?: Bus
  options?: Partial<SyncOptions>
  /** one node of several (server/cluster/): it is closed with the engine */
  cluster?: Cluster
}

export function createSync(deps: SyncDeps, extras: SyncExtras = {}): SyncEngine {
  const opts: SyncOptions = {
    idleMs: envInt('SORI_DOC_IDLE_MS', 30_000),
    freezeMs: envInt('SORI_DOC_FREEZE_MS', 10_000),
    maxBuffered: envInt('SORI_MAX_BUFFERED', 4 * 1024 * 1024),
    maxUserBuffered: envInt('SORI_MAX_USER_BUFFERED', 64 * 1024 * 1024),
    maxUserHeld: envInt('SORI_MAX_USER_HELD', 4 * 1024 * 1024),
    holdMs: envInt('SORI_HOLD_MS', HOLD_MS),
    maxSocketsPerUser: envInt('SORI_MAX_SOCKETS_PER_USER', 256),
    commitTurns: envInt('SORI_COMMIT_TURNS', COMMIT_TURNS),
    userCpuMsPerSecond: envInt('SORI_USER_CPU_MS', CPU_PER_SECOND_MS),
    ...extras.options,
  }
  const db = deps.db
  // clientIDs are uint32; the server's own is fresh per process so nodes never share one
  const serverClient = randomInt(1, 2 ** 32 - 1)
  const bindings = new Bindings(db)
  bindings.claim(serverClient, SYSTEM_USER)
  const held = new LatencyWindow()
  const ctx = {
    db,
    store: deps.store,
    bus: extras.bus ?? createInProcessBus(),
    authenticate: deps.authenticate,
    bindings,
    kinds: new DocKinds(),
    opts,
    node: randomUUID(),
    serverClient,
    serverReady: Promise.resolve(),
    sessions: new Map(),
    userSockets: new Map(),
    heldByUser: new Map(),
    closing: false,
    cluster: extras.cluster ?? null,
    cpu: new CpuBudget(opts.userCpuMsPerSecond),
    announced: new Announced(),
    claimQuota: new ClaimQuota(envInt('SORI_CLAIMS_PER_DOC', CLAIMS_PER_DOC), envInt('SORI_CLAIMS_PER_USER', CLAIMS_PER_USER)),
  } as unknown as SyncContext // the parts below need the context themselves; completed right away
  ctx.serverReady = db
    .run('INSERT INTO client_ids (client_id, user_id) VALUES (?, ?)', [serverClient, SYSTEM_USER])
    .then(() => undefined)
  ctx.serverReady.catch((e) => log.error('binding the server clientID failed', e))
  ctx.compactor = new Compactor(ctx.store, {
    rootsOf: (doc) => ctx.kinds.rootsOf(doc),
    done: (c) => ctx.docs.get(c.doc)?.compacted(c.rowsIn),
    stillDue: (doc) => ctx.docs.get(doc)?.compactionDue() ?? false,
    error: (doc, e) => log.error('compaction failed', e, { doc }),
  })
  ctx.docs = new DocRegistry(ctx)
  const cluster = ctx.cluster
  ctx.homes = cluster ? clusterHomes(cluster) : localHomes((home) => ctx.docs.holds(home))
  ctx.writer = new ServerWriter(ctx)
  ctx.commit = new GroupCommit(
    db,
    ctx.store,
    { turns: opts.commitTurns },
    {
      bus: ctx.bus,
      node: ctx.node,
      held: (ms) => held.record(ms),
      compactionDue: (d) => ctx.compactor.request(d.name),
      failed(docs) {
        for (const d of docs) ctx.docs.kill(d, CLOSE.RELOAD, 'storage error; reconnect')
      },
      fence: cluster
        ? async (q, docs) => {
            const homes = [...new Set(docs.map((d) => homeOf(d.kind, d.key, d.name)))]
            const stale = await cluster.fence(q, homes)
            if (stale.length) throw new StaleHomes(stale)
          }
        : undefined,
      lost: cluster ? (homes) => cluster.lost(homes) : undefined,
    },
  )
  // homes another node took over: their sockets reconnect, and reach the new owner through any node
  cluster?.onLost((homes) => {
    for (const d of ctx.docs.ofHomes(homes)) ctx.docs.kill(d, CLOSE.RELOAD, 'moved to another node; reconnect')
  })
  const closeHooks: Array<() => void> = []

  // signed-out sessions' sockets close on every node that has them
  const revoke = (sessionIds: string[]) => {
    for (const id of sessionIds) {
      const conns = ctx.sessions.get(id)
      if (conns) for (const c of [...conns]) c.close(CLOSE.UNAUTHORIZED, 'signed out')
    }
  }
  ctx.homes.handleAll('sessions.revoke', async (ids) => revoke(ids))
  // a revocation broadcast while Redis was away never arrived: ask the database about every socket's session
  ctx.homes.onReconnect(() => void closeRevokedSessions(ctx, revoke))
  cluster?.countSockets(ctx.userSockets)

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    // `sori` where offered, so that the token is not echoed in the answer's headers; the token's
    // subprotocol for a client that offers only that (a browser needs one of its own selected)
    handleProtocols: (protocols) => {
      if (protocols.has(SORI_PROTOCOL)) return SORI_PROTOCOL
      for (const p of protocols) if (p.startsWith(TOKEN_PROTOCOL_PREFIX)) return p
      return false
    },
  })
  const relays = new Relays()
  const handleUpgrade = createUpgradeHandler(ctx, wss, relays)

  // one timer for every socket: a peer that stops answering pings is dropped
  const heartbeat = setInterval(() => {
    for (const conns of ctx.sessions.values()) {
      for (const c of conns) {
        if (!c.alive) {
          c.ws.terminate()
          continue
        }
        c.alive = false
        try {
          c.ws.ping()
        } catch {
          /* closing */
        }
      }
    }
  }, 30_000)
  heartbeat.unref()
  const freezer = ctx.docs.startFreezing()

  return {
    handleUpgrade,
    register: (kind) => ctx.kinds.register(kind),
    participate: (p) => ctx.commit.participate(p),
    onClose: (fn) => {
      closeHooks.push(fn)
    },
    docs: ctx.docs,
    commit: ctx.commit,
    homes: ctx.homes,
    write: (doc, fn) => ctx.writer.write(doc, fn),
    get closing() {
      return ctx.closing
    },
    stats() {
      const docs = ctx.docs.all()
      let sockets = 0
      for (const s of ctx.sessions.values()) sockets += s.size
      const open = docs.filter((d) => d.refs > 0)
      return {
        docs: docs.length,
        frozen: docs.filter((d) => d.isFrozen).length,
        open: open.length,
        openFrozen: open.filter((d) => d.isFrozen).length,
        sockets,
      }
    },
    heldLatency: () => held.read(),
    commitStats: () => ctx.commit.stats(),
    sessionsRevoked(sessionIds) {
      void ctx.homes.broadcast('sessions.revoke', sessionIds)
    },
    async close() {
      if (ctx.closing) return
      ctx.closing = true
      clearInterval(heartbeat)
      freezer.stop()
      for (const fn of closeHooks) {
        try {
          fn()
        } catch (e) {
          log.error('close hook failed', e)
        }
      }
      // let queued doc jobs land in the batch, then commit it
      await new Promise((r) => setImmediate(r))
      await ctx.commit.drain()
      await ctx.compactor.close()
      await ctx.store.close()
      for (const d of ctx.docs.all()) ctx.docs.kill(d, CLOSE.RELOAD, 'server is shutting down')
      // the sockets relayed to other nodes' homes, too: their clients reconnect elsewhere as this node's own do
      await relays.end(CLOSE.RELOAD, 'server is shutting down')
      await new Promise<void>((r) => wss.close(() => r()))
      await ctx.serverReady.catch(() => {})
      await cluster?.close()
    },
  }
}

/** Closes the sockets of sessions that no longer exist (signed out while this node could not hear it). */
async function closeRevokedSessions(ctx: SyncContext, revoke: (ids: string[]) => void): Promise<void> {
  for (const part of statementChunks(ctx.db.dialect, [...ctx.sessions.keys()], 512)) {
    try {
      const rows = await ctx.db.all<{ token_hash: string }>(
        `SELECT token_hash FROM sessions WHERE token_hash IN (${part.map(() => '?').join(', ')})`,
        part,
      )
      const live = new Set(rows.map((r) => r.token_hash))
      revoke(part.filter((id) => !live.has(id)))
    } catch (e) {
      log.error('checking sessions after a reconnect failed', e)
    }
  }
}
