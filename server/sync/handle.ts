// One incoming frame from a socket: the y-websocket sync and awareness protocols, with every update
// validated before it is applied, and its effects collected into the current group-commit batch.
import * as Y from 'yjs'
import * as decoding from 'lib0/decoding'
import { CLIENT_TAKEN, CLOSE } from '../../protocol/wire.ts'
import {
  decodeAwareness,
  decodeFrame,
  encodeAck,
  encodeAwarenessFrame,
  encodeSyncStep2,
  type AwarenessChange,
} from '../../protocol/frames.ts'
import type { SyncContext } from './context.ts'
import type { Conn } from './conn.ts'
import { clientsOf, validateUpdate, type DecodedUpdate, type Verdict } from './validate.ts'
import type { UpdateRules } from './kind.ts'
import { applyAwareness, allAwareness, checkAwarenessState, relayAwareness } from './awareness.ts'
import { log } from './log.ts'

export function refuse(conn: Conn, code: number, reason: string): void {
  if (conn.closed) return
  log.info('refused', { doc: conn.doc.name, user: conn.userId, code, reason })
  conn.close(code, reason)
}

type Parsed =
  | { t: 'step1'; sv: Uint8Array }
  | { t: 'update'; update: Uint8Array; step2: boolean }
  | { t: 'awareness'; changes: AwarenessChange[] }
  | { t: 'query' }
  | { t: 'ignore' }

/** What a client's frame asks of the server; throws on a malformed frame or one a client may not send. */
function parseFrame(data: Uint8Array): Parsed {
  const f = decodeFrame(data)
  switch (f.type) {
    case 'sync-step1':
      return { t: 'step1', sv: f.stateVector }
    case 'sync-step2':
    case 'update':
      return { t: 'update', update: f.update, step2: f.type === 'sync-step2' }
    case 'awareness':
      return { t: 'awareness', changes: decodeAwareness(f.payload) }
    case 'query-awareness':
      return { t: 'query' }
    case 'auth':
      return { t: 'ignore' }
    case 'ack':
      throw new Error('acks are sent by the server only')
  }
}

/** Queues a frame on its document (frames of one document are handled one at a time, in order). */
export function onFrame(ctx: SyncContext, conn: Conn, data: Uint8Array): void {
  const at = performance.now()
  // what it takes up to its first wait: the decoding, validating and applying (cpu-budget.ts); the work
  // after a wait is charged where it runs (charged)
  conn.doc.enqueue(() => charged(ctx, conn, () => handleFrame(ctx, conn, data, at)))
}

/** Runs `work` (the synchronous part of a frame's handling) and charges its time to the socket's user. */
function charged<T>(ctx: SyncContext, conn: Conn, work: () => T): T {
  const t0 = performance.now()
  try {
    return work()
  } finally {
    const rest = ctx.cpu.charge(conn.userId, performance.now() - t0)
    if (rest > 0) conn.rest(rest)
  }
}

function handleFrame(ctx: SyncContext, conn: Conn, data: Uint8Array, at: number): void | Promise<void> {
  if (conn.closed || conn.doc.dead) return
  let p: Parsed
  try {
    p = parseFrame(data)
  } catch {
    return refuse(conn, CLOSE.REFUSED, 'malformed frame')
  }
  switch (p.t) {
    case 'step1':
      return syncStep1(ctx, conn, p.sv)
    case 'update':
      if (p.step2 && !conn.answered) return answered(ctx, conn, p.update, at)
      return handleUpdate(ctx, conn, p.update, at)
    case 'awareness':
      return handleAwareness(ctx, conn, p.changes)
    case 'query': {
      const f = allAwareness(conn.doc, conn)
      if (f) conn.send(f)
      return
    }
  }
}

/**
 * Updates with a gap that a socket may send before its first sync step 2, and their bytes: a client
 * that reconnects sends what it writes at once, while what it wrote offline comes only with its step 2,
 * in answer to the server's step 1. Held until then and judged after it, not refused (docs/protocol.md).
 */
const HOLD_MAX = 64
const HOLD_MAX_BYTES = 1024 * 1024
/**
 * How long a socket may hold updates without sending its step 2, ms (SyncOptions.holdMs). The server's
 * step 1 went out before any of the socket's frames was handled, so an honest client answers within a
 * round trip; one that never does is refused like any gap.
 */
export const HOLD_MS = 5_000

/** Gives back what `conn` held to its user's total (its step 2 came, or it closed). */
export function releaseHeld(ctx: SyncContext, conn: Conn): void {
  if (conn.heldBytes === 0) return
  const left = (ctx.heldByUser.get(conn.userId) ?? 0) - conn.heldBytes
  if (left > 0) ctx.heldByUser.set(conn.userId, left)
  else ctx.heldByUser.delete(conn.userId)
  conn.heldBytes = 0
}

/** The client's first step 2, then what it sent ahead of it. */
async function answered(ctx: SyncContext, conn: Conn, update: Uint8Array, at: number): Promise<void> {
  await handleUpdate(ctx, conn, update, at)
  conn.answered = true
  if (conn.holdTimer) clearTimeout(conn.holdTimer)
  const held = conn.held
  conn.held = []
  releaseHeld(ctx, conn)
  for (const u of held) {
    if (conn.closed || conn.doc.dead) return
    await handleUpdate(ctx, conn, u, at)
  }
}

/** Answers a state vector with what the client lacks, once what it would include is committed. */
async function syncStep1(ctx: SyncContext, conn: Conn, sv: Uint8Array): Promise<void> {
  const doc = conn.doc
  if (doc.uncommitted > 0) await doc.lastCommit
  if (conn.closed || doc.dead) return
  // a whole page encoded for each step 1 a socket sends: charged like the frame it answers
  charged(ctx, conn, () => {
    let diff: Uint8Array
    try {
      diff = doc.diff(sv)
    } catch {
      return refuse(conn, CLOSE.REFUSED, 'malformed state vector')
    }
    conn.send(encodeSyncStep2(diff))
  })
}

/** How many client sections an update (v1) says it has: its first number. */
function sectionCount(update: Uint8Array): number {
  try {
    return decoding.readVarUint(decoding.createDecoder(update))
  } catch {
    return -1
  }
}

/** Distinct authors' clientIDs one update may carry (a device writes with one; a few after reloads). */
const MAX_UPDATE_CLIENTS = 64

/** `at`: when the frame arrived (performance.now()), for the server's latency figures */
function handleUpdate(ctx: SyncContext, conn: Conn, update: Uint8Array, at: number): void | Promise<void> {
  let u: DecodedUpdate
  try {
    u = Y.decodeUpdate(update)
  } catch {
    return refuse(conn, CLOSE.REFUSED, 'malformed update')
  }
  if (u.structs.length === 0 && u.ds.clients.size === 0) return
  // a few distinct clientIDs at most, each client's structs in one section: an array does
  const authors: number[] = []
  let sections = 0
  for (let i = 0; i < u.structs.length && authors.length <= MAX_UPDATE_CLIENTS; i++) {
    const c = u.structs[i].id.client
    if (i > 0 && u.structs[i - 1].id.client === c) continue
    sections++
    if (!authors.includes(c)) authors.push(c)
  }
  if (authors.length > MAX_UPDATE_CLIENTS) return refuse(conn, CLOSE.REFUSED, 'too many clientIDs in one update')
  // Y.decodeUpdate lists every section, but Yjs integrates only a client's last: what the grammar would
  // judge is then not what is applied (the first section's structs vanish, or wait as a gap)
  if (sections !== authors.length || sections !== sectionCount(update))
    return refuse(conn, CLOSE.REFUSED, 'a clientID in more than one section')
  let looked: Map<number, string | null> | null = null
  const owner = (c: number) => ctx.bindings.cached(c) ?? looked?.get(c)
  /** what the rules' `lacks` loaded for this update, once it has */
  let facts: { value: unknown } | null = null
  const run = (): void | Promise<void> => {
    const doc = conn.doc
    if (conn.closed || doc.dead) return
    const rules = doc.kind.rules(doc, conn.userId, facts?.value)
    const v = validateUpdate(u, { userId: conn.userId, doc: doc.ydoc, owner, rules })
    if (v.ok === 'owners') {
      if (v.clients.some((c) => looked?.has(c))) return refuse(conn, CLOSE.REFUSED, 'clientIDs could not be resolved')
      return lookup(v.clients).then(later)
    }
    if (v.ok === true && !v.noop) {
      const load = rules.lacks?.()
      if (load) {
        if (facts) return refuse(conn, CLOSE.REFUSED, 'facts the update refers to could not be resolved')
        return loadFacts(load).then(later, () => {})
      }
      if (rules.effects) {
        const err = rules.effects(doc.ydoc, update)
        if (err) return refuse(conn, CLOSE.REFUSED, err)
      }
    }
    return applyVerdict(ctx, conn, update, u, authors, v, rules, at)
  }
  // after a wait (owners, facts): charged where it runs, or an update under a new clientID each time would
  // be validated and applied on nobody's budget
  const later = (): void | Promise<void> => charged(ctx, conn, run)
  const loadFacts = async (load: () => Promise<unknown>): Promise<void> => {
    try {
      facts = { value: await load() }
    } catch (e) {
      log.error('looking up what an update refers to failed', e, { doc: conn.doc.name })
      conn.close(CLOSE.RELOAD, 'storage error; reconnect')
      throw e
    }
  }
  const lookup = async (clients: Iterable<number>): Promise<void> => {
    const list = [...clients].filter((c) => owner(c) === undefined)
    try {
      const owners = await Promise.all(list.map((c) => ctx.bindings.lookup(c)))
      const l = (looked ??= new Map())
      list.forEach((c, i) => l.set(c, owners[i]))
    } catch (e) {
      log.error('clientID lookup failed', e, { doc: conn.doc.name })
      conn.close(CLOSE.RELOAD, 'storage error; reconnect')
      throw e
    }
  }
  // the authors' owners are needed anyway; deleted items' owners only if the deletion has an effect
  const missing = authors.filter((c) => owner(c) === undefined)
  if (missing.length === 0) return run()
  return lookup(missing).then(later, () => {})
}

function applyVerdict(
  ctx: SyncContext,
  conn: Conn,
  update: Uint8Array,
  u: DecodedUpdate,
  /** the update's distinct struct authors (handleUpdate) */
  authors: number[],
  v: Verdict,
  rules: UpdateRules,
  at: number,
): void {
  const doc = conn.doc
  const userId = conn.userId
  if (v.ok === 'owners') return
  if (!v.ok) {
    // held: so much a socket, and so much all of a user's sockets on this node (256 sockets of 1 MiB each,
    // held for 5 s again and again, would pin 256 MiB)
    const userHeld = ctx.heldByUser.get(userId) ?? 0
    if (
      v.gap &&
      !conn.answered &&
      conn.held.length < HOLD_MAX &&
      conn.heldBytes + update.byteLength <= HOLD_MAX_BYTES &&
      userHeld + update.byteLength <= ctx.opts.maxUserHeld
    ) {
      conn.held.push(update)
      conn.heldBytes += update.byteLength
      ctx.heldByUser.set(userId, userHeld + update.byteLength)
      if (!conn.holdTimer) {
        conn.holdTimer = setTimeout(() => {
          if (!conn.answered) refuse(conn, v.code, v.reason)
        }, ctx.opts.holdMs)
        conn.holdTimer.unref()
      }
      return
    }
    return refuse(conn, v.code, v.reason)
  }
  if (v.noop) {
    // everything is held already (maybe not yet committed): acknowledge once it is
    if (conn.wantsAck && u.structs.length > 0) {
      const ack = new Map<number, number>()
      for (const st of u.structs) ack.set(st.id.client, Y.getState(doc.ydoc.store, st.id.client))
      void doc.lastCommit.then(() => conn.send(encodeAck(ack)))
    }
    return
  }
  // the held part was not judged: only the server's own copy of it may ever be stored or sent on
  if (v.held) update = Y.diffUpdate(update, Y.encodeStateVector(doc.ydoc))
  // a clientID another user's socket announces is theirs to write with first (awareness.ts, Announced)
  for (const c of v.claims) {
    const announcer = ctx.announced.userOf(c)
    if (announcer !== undefined && announcer !== userId) return refuse(conn, CLOSE.REFUSED, CLIENT_TAKEN)
  }
  // a clientID that writes into a document stays in it for good: a user brings only so many new ones (claim-quota.ts)
  let newcomers = 0
  for (const c of v.wrote) if (Y.getState(doc.ydoc.store, c) === 0) newcomers++
  if (newcomers > 0 && !ctx.claimQuota.take(userId, doc.name, newcomers))
    return refuse(conn, CLOSE.SLOW_DOWN, 'too many new clientIDs; wait')
  const batch = ctx.commit.batch()
  for (const c of v.claims) {
    ctx.bindings.claim(c, userId)
    batch.claims.set(c, userId)
  }
  try {
    Y.applyUpdate(doc.ydoc, update)
  } catch (e) {
    // validation should make this impossible; the in-memory doc can no longer be trusted
    log.error('applying a validated update failed', e, { doc: doc.name })
    ctx.docs.kill(doc, CLOSE.RELOAD, 'server error; reconnect')
    return
  }
  let ack: Map<number, number> | null = null
  // an update of deletions only has no clock to acknowledge (docs/protocol.md: it gets no ack)
  if (conn.wantsAck && v.wrote.length > 0) {
    ack = new Map()
    for (const c of v.wrote) ack.set(c, Y.getState(doc.ydoc.store, c))
  }
  ctx.commit.add({ doc, update, sender: conn, ack, clients: clientsOf(authors, u), receivedAt: at })
  rules.applied?.(batch)
}

/** Awareness clientIDs one socket may announce (a stock client announces one: its doc's). */
const MAX_AWARENESS_CLIENTS = 8

function handleAwareness(ctx: SyncContext, conn: Conn, all: AwarenessChange[]): void | Promise<void> {
  const doc = conn.doc
  // the stock client relays every state it learns, others' included: an echo of what the server
  // already holds (same or older clock) is ignored; anything newer must be the sender's own
  // (a peer's local time-out of a silent state is relayed as a null state with the same clock)
  // and y-protocols' time-out of a silent peer is relayed as a null state one clock newer
  const changes = all.filter((c) => {
    const cur = doc.awareness.get(c.client)
    if (!cur) return c.state !== 'null'
    if (c.clock <= cur.clock) return false
    return !(c.state === 'null' && c.clock === cur.clock + 1 && cur.conn !== conn)
  })
  if (changes.length === 0) return
  let fresh = 0
  for (const c of changes) if (!conn.awarenessClients.has(c.client)) fresh++
  if (conn.awarenessClients.size + fresh > MAX_AWARENESS_CLIENTS)
    return refuse(conn, CLOSE.REFUSED, 'too many awareness clientIDs')
  for (const c of changes) {
    const err = checkAwarenessState(c.state, conn.userId)
    if (err) return refuse(conn, CLOSE.REFUSED, err)
  }
  let lookups: Promise<unknown>[] | null = null
  for (const c of changes) if (ctx.bindings.cached(c.client) === undefined) (lookups ??= []).push(ctx.bindings.lookup(c.client))
  const go = () => {
    if (conn.closed || doc.dead) return
    // an announcement binds nothing: only a write does (a binding is for good, and announcements cost
    // nothing to make: 3,200 clientIDs taken in 4 s by one account, each one a write refused to whoever
    // drew it later). A clientID another user wrote with, or that another user's socket announces (here
    // or in another document of this node) now, is theirs.
    for (const c of changes) {
      const owner = ctx.bindings.cached(c.client)
      const cur = doc.awareness.get(c.client)
      const announcer = ctx.announced.userOf(c.client)
      if (
        (owner && owner !== conn.userId) ||
        (cur?.conn && cur.conn.userId !== conn.userId) ||
        (announcer && announcer !== conn.userId)
      )
        return refuse(conn, CLOSE.REFUSED, 'awareness clientID belongs to another user')
    }
    const applied = applyAwareness(doc, conn, changes, ctx.announced)
    if (applied.length === 0) return
    relayAwareness(doc, conn, encodeAwarenessFrame(applied))
  }
  if (!lookups) return go()
  return Promise.all(lookups).then(go, (e) => {
    log.error('clientID lookup failed', e, { doc: doc.name })
    conn.close(CLOSE.RELOAD, 'storage error; reconnect')
  })
}
