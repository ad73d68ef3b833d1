// One incoming frame from a socket: the y-websocket sync and awareness protocols, with every update
// validated before it is applied, and its effects collected into the current group-commit batch.
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { CLOSE, MSG_AUTH, MSG_AWARENESS, MSG_QUERY_AWARENESS, MSG_SYNC, encodeAck } from '../../protocol/wire.ts'
import { PAGE_SIZE } from '../../protocol/limits.ts'
import { ROOTS } from '../../protocol/docs.ts'
import type { SyncContext } from './context.ts'
import { broadcast, type Conn } from './conn.ts'
import { checkHeadEffects, clientsOf, validateUpdate, type DecodedUpdate, type Verdict } from './validate.ts'
import { applyAwareness, allAwareness, checkAwarenessState, decodeAwareness, encodeAwarenessFrame, type AwarenessChange } from './awareness.ts'
import { log } from './log.ts'
import { previewOf } from './mirror.ts'

const SYNC_STEP1 = 0
const SYNC_STEP2 = 1
const SYNC_UPDATE = 2

export function refuse(conn: Conn, code: number, reason: string): void {
  if (conn.closed) return
  log.info('refused', { doc: conn.doc.name, user: conn.userId, code, reason })
  conn.close(code, reason)
}

type Parsed =
  | { t: 'step1'; sv: Uint8Array }
  | { t: 'update'; update: Uint8Array }
  | { t: 'awareness'; changes: AwarenessChange[] }
  | { t: 'query' }
  | { t: 'ignore' }

function parseFrame(data: Uint8Array): Parsed {
  const d = decoding.createDecoder(data)
  const type = decoding.readVarUint(d)
  switch (type) {
    case MSG_SYNC: {
      const sub = decoding.readVarUint(d)
      if (sub === SYNC_STEP1) return { t: 'step1', sv: decoding.readVarUint8Array(d) }
      if (sub === SYNC_STEP2 || sub === SYNC_UPDATE) return { t: 'update', update: decoding.readVarUint8Array(d) }
      throw new Error('unknown sync message')
    }
    case MSG_AWARENESS: return { t: 'awareness', changes: decodeAwareness(decoding.readVarUint8Array(d)) }
    case MSG_QUERY_AWARENESS: return { t: 'query' }
    case MSG_AUTH: return { t: 'ignore' }
    default: throw new Error('unknown message type')
  }
}

/** Queues a frame on its document (frames of one document are handled one at a time, in order). */
export function onFrame(ctx: SyncContext, conn: Conn, data: Uint8Array): void {
  const at = performance.now()
  conn.doc.enqueue(() => handleFrame(ctx, conn, data, at))
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
    case 'step1': return syncStep1(conn, p.sv)
    case 'update': return handleUpdate(ctx, conn, p.update, at)
    case 'awareness': return handleAwareness(ctx, conn, p.changes)
    case 'query': {
      const f = allAwareness(conn.doc)
      if (f) conn.send(f)
      return
    }
  }
}

/** Answers a state vector with what the client lacks, once what it would include is committed. */
async function syncStep1(conn: Conn, sv: Uint8Array): Promise<void> {
  const doc = conn.doc
  if (doc.uncommitted > 0) await doc.lastCommit
  if (conn.closed || doc.dead) return
  let diff: Uint8Array
  try {
    diff = doc.diff(sv)
  } catch {
    return refuse(conn, CLOSE.REFUSED, 'malformed state vector')
  }
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MSG_SYNC)
  encoding.writeVarUint(e, SYNC_STEP2)
  encoding.writeVarUint8Array(e, diff)
  conn.send(encoding.toUint8Array(e))
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
  const authors = new Set<number>()
  for (const st of u.structs) authors.add(st.id.client)
  if (authors.size > MAX_UPDATE_CLIENTS) return refuse(conn, CLOSE.REFUSED, 'too many clientIDs in one update')
  const looked = new Map<number, string | null>()
  const owner = (c: number) => ctx.bindings.cached(c) ?? looked.get(c)
  const run = (): void | Promise<void> => {
    const doc = conn.doc
    if (conn.closed || doc.dead) return
    const v = validateUpdate(u, {
      kind: doc.parsed.kind,
      userId: conn.userId,
      doc: doc.ydoc,
      conv: doc.conv,
      page: doc.page,
      owner,
      messageAuthor: (id) => doc.messageAuthor(id),
    })
    if (v.ok === 'owners') {
      if (v.clients.some((c) => looked.has(c))) return refuse(conn, CLOSE.REFUSED, 'clientIDs could not be resolved')
      return lookup(v.clients).then(run)
    }
    if (v.ok === true && !v.noop && doc.parsed.kind === 'head') {
      const err = checkHeadEffects(doc.ydoc, update)
      if (err) return refuse(conn, CLOSE.REFUSED, err)
    }
    return applyVerdict(ctx, conn, update, u, v, at)
  }
  const lookup = async (clients: Iterable<number>): Promise<void> => {
    const list = [...clients].filter((c) => owner(c) === undefined)
    try {
      const owners = await Promise.all(list.map((c) => ctx.bindings.lookup(c)))
      list.forEach((c, i) => looked.set(c, owners[i]))
    } catch (e) {
      log.error('clientID lookup failed', e, { doc: conn.doc.name })
      conn.close(CLOSE.RELOAD, 'storage error; reconnect')
      throw e
    }
  }
  // the authors' owners are needed anyway; deleted items' owners only if the deletion has an effect
  const missing = [...authors].filter((c) => owner(c) === undefined)
  if (missing.length === 0) return run()
  return lookup(missing).then(run, () => {})
}

function applyVerdict(ctx: SyncContext, conn: Conn, update: Uint8Array, u: DecodedUpdate, v: Verdict, at: number): void {
  const doc = conn.doc
  const userId = conn.userId
  if (v.ok === 'owners') return
  if (!v.ok) return refuse(conn, v.code, v.reason)
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
  const batch = ctx.commit.batch()
  for (const c of v.claims) { ctx.bindings.claim(c, userId); batch.claims.set(c, userId) }
  try {
    Y.applyUpdate(doc.ydoc, update)
  } catch (e) {
    // validation should make this impossible; the in-memory doc can no longer be trusted
    log.error('applying a validated update failed', e, { doc: doc.name })
    ctx.docs.kill(doc, CLOSE.RELOAD, 'server error; reconnect')
    return
  }
  let ack: Map<number, number> | null = null
  if (conn.wantsAck) {
    ack = new Map()
    for (const c of v.wrote) ack.set(c, Y.getState(doc.ydoc.store, c))
  }
  ctx.commit.add({ doc, update, sender: conn, ack, clients: [...clientsOf(u)], receivedAt: at })

  const conv = doc.conv
  if (!conv) return
  if (doc.parsed.kind === 'page' && v.appended.length > 0) {
    const page = doc.parsed.page
    const length = doc.ydoc.getArray(ROOTS.page.msgs).length
    conv.pageLengths.set(page, length)
    batch.mirror.pageLengths.set(`${conv.id}:${page}`, { conv: conv.id, page, length })
    const last = v.appended[v.appended.length - 1]
    conv.lastPreview = previewOf(last)
    conv.lastFrom = last.from
    conv.lastTs = last.ts
    batch.mirror.last.set(conv.id, { preview: conv.lastPreview, from: conv.lastFrom, ts: conv.lastTs })
    for (const m of v.appended) doc.noteMessage(m.id, m.from)
    if (page === conv.page && length >= PAGE_SIZE) {
      conv.page = page + 1
      if (!conv.pageLengths.has(page + 1)) conv.pageLengths.set(page + 1, 0)
      batch.pages.set(conv.id, page + 1)
    }
  } else if (doc.parsed.kind === 'head' && v.readPos !== null) {
    const me = conv.members.get(userId)
    if (me && v.readPos > me.readPos) {
      me.readPos = v.readPos
      batch.reads.set(`${conv.id}:${userId}`, { conv: conv.id, user: userId, pos: v.readPos })
    }
  }
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
  if (conn.awarenessClients.size + fresh > MAX_AWARENESS_CLIENTS) return refuse(conn, CLOSE.REFUSED, 'too many awareness clientIDs')
  for (const c of changes) {
    const err = checkAwarenessState(c.state, conn.userId)
    if (err) return refuse(conn, CLOSE.REFUSED, err)
  }
  let lookups: Promise<unknown>[] | null = null
  for (const c of changes) if (ctx.bindings.cached(c.client) === undefined) (lookups ??= []).push(ctx.bindings.lookup(c.client))
  const go = () => {
    if (conn.closed || doc.dead) return
    const claims: number[] = []
    for (const c of changes) {
      const owner = ctx.bindings.cached(c.client)
      if (owner === undefined || owner === null) claims.push(c.client)
      else if (owner !== conn.userId) return refuse(conn, CLOSE.REFUSED, 'awareness clientID belongs to another user')
    }
    if (claims.length) {
      const batch = ctx.commit.batch()
      for (const c of claims) { ctx.bindings.claim(c, conn.userId); batch.claims.set(c, conn.userId) }
    }
    const applied = applyAwareness(doc, conn, changes)
    if (applied.length === 0) return
    // the sender too: the stock client counts its own echoed state as a sign of life (30 s watchdog)
    const frame = encodeAwarenessFrame(applied)
    broadcast(doc.conns, frame)
  }
  if (!lookups) return go()
  return Promise.all(lookups).then(go, (e) => {
    log.error('clientID lookup failed', e, { doc: doc.name })
    conn.close(CLOSE.RELOAD, 'storage error; reconnect')
  })
}
