// The update grammar: a whitelist of what a user may write into each document kind, checked on the
// decoded update BEFORE anything is applied, stored or forwarded. It reads structs and the delete set
// (Y.decodeUpdate) and resolves where each item lands through the update's own earlier structs or the
// server's copy of the document. Anything outside the grammar is refused: Yjs can hide deleted
// structs in an update, so this never diffs effects.
import * as Y from 'yjs'
import { ROOTS } from '../../protocol/docs.ts'
import { checkEdit, checkMessage, type ChatMessage } from '../../protocol/messages.ts'
import { MAX_SETTING_BYTES, PAGE_HARD_LIMIT, PAGE_STRIDE } from '../../protocol/limits.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { ConvState } from './convs.ts'

export type DocKind = keyof typeof ROOTS

export interface ValidateContext {
  kind: DocKind
  userId: string
  doc: Y.Doc
  /** the conversation, for head and page docs */
  conv: ConvState | null
  /** the page number, for page docs */
  page: number
  /** owner of a clientID: a user id, null when unbound, undefined when not looked up yet */
  owner: (client: number) => string | null | undefined
  /** author of a message of this page held by the server (page docs) */
  messageAuthor: (id: string) => string | undefined
}

export interface Accepted {
  ok: true
  /** nothing new: every struct is already held and there is no delete set */
  noop: boolean
  /** some structs are (partly) held already: store and forward only the rest (Y.diffUpdate) */
  held: boolean
  /** unbound clientIDs this update binds to the user */
  claims: number[]
  /** clientIDs that wrote new structs (for the ack) */
  wrote: number[]
  /** new messages (page docs), in update order */
  appended: ChatMessage[]
  /** the highest new read position the user wrote (head docs) */
  readPos: number | null
}
export interface Refused { ok: false; code: number; reason: string }
/** The verdict needs the owners of these clientIDs: look them up and validate again. */
export interface NeedOwners { ok: 'owners'; clients: number[] }
export type Verdict = Accepted | Refused | NeedOwners

const SETTING_KEY_RE = /^[A-Za-z][A-Za-z0-9._-]{0,39}$/

/** The map roots a user may write (and delete own entries of), per document kind. */
const USER_MAPS: Record<DocKind, ReadonlySet<string>> = {
  inbox: new Set([ROOTS.inbox.settings]),
  head: new Set([ROOTS.head.reads]),
  page: new Set([ROOTS.page.edits]),
}

const refuse = (reason: string, code: number = CLOSE.REFUSED): Refused => ({ ok: false, code, reason })

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  const p = Object.getPrototypeOf(v)
  return p === Object.prototype || p === null
}

/** JSON-serialisable without loss: what a setting may hold. */
export function isJsonValue(v: unknown, depth = 0): boolean {
  if (depth > 32) return false
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true
  if (typeof v === 'number') return Number.isFinite(v)
  if (Array.isArray(v)) return v.every((x) => isJsonValue(x, depth + 1))
  if (isPlain(v)) return Object.values(v).every((x) => isJsonValue(x, depth + 1))
  return false
}

/** What Y.decodeUpdate returns. */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>

interface Landing { client: number; clock: number; len: number; root: string; sub: string | null }

function inDeleteSet(ds: DecodedUpdate['ds'], client: number, clock: number): boolean {
  const ranges = ds.clients.get(client)
  if (ranges) for (const r of ranges) if (clock >= r.clock && clock < r.clock + r.len) return true
  return false
}

/** Every clientID an update names (struct authors and deleted items' authors). */
export function clientsOf(u: DecodedUpdate): Set<number> {
  const s = new Set<number>()
  for (const st of u.structs) s.add(st.id.client)
  for (const c of u.ds.clients.keys()) s.add(c)
  return s
}

type Place = { root: string; sub: string | null }

/**
 * Where each item of an update lands (root and key), resolving origins through the update's own items
 * in any order, then through the server's copy. Items whose origin is nowhere are left out.
 */
function placeItems(structs: DecodedUpdate['structs'], serverLanding: (id: Y.ID) => Place | null): Map<Y.Item, Place> {
  const placed = new Map<Y.Item, Place>()
  const byClient = new Map<number, Y.Item[]>()
  const waiting: Y.Item[] = []
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue
    let list = byClient.get(s.id.client)
    if (!list) byClient.set(s.id.client, (list = []))
    list.push(s) // one client's structs come in clock order
    if (typeof s.parent === 'string') placed.set(s, { root: s.parent, sub: s.parentSub })
    else if (s.parent === null && s.origin) waiting.push(s)
  }
  /** the update's item holding `id`, or undefined */
  const inUpdate = (id: Y.ID): Y.Item | undefined => {
    const list = byClient.get(id.client)
    if (!list) return undefined
    let lo = 0
    let hi = list.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const it = list[mid]
      if (id.clock < it.id.clock) hi = mid - 1
      else if (id.clock >= it.id.clock + it.length) lo = mid + 1
      else return it
    }
    return undefined
  }
  let pending = waiting
  while (pending.length) {
    const next: Y.Item[] = []
    for (const it of pending) {
      const origin = it.origin as Y.ID
      const host = inUpdate(origin)
      const at = host ? placed.get(host) : serverLanding(origin)
      if (at) placed.set(it, at)
      else if (host) next.push(it)
    }
    if (next.length === pending.length) break // the rest hang on origins that land nowhere
    pending = next
  }
  return placed
}

export function validateUpdate(u: DecodedUpdate, ctx: ValidateContext): Verdict {
  const { kind, userId, doc } = ctx
  const store = doc.store
  const roots = ROOTS[kind] as Record<string, string>
  const userMaps = USER_MAPS[kind]
  const claims = new Set<number>()
  const wrote = new Set<number>()
  const appended: ChatMessage[] = []
  let readPos: number | null = null
  let newMsgs = 0
  let fresh = false
  let held = false
  /** per client: the next clock the server would hold after the update's structs so far */
  const expected = new Map<number, number>()
  const landings: Landing[] = []
  const localMsgs = new Map<string, string>()
  /** map keys this update writes a new value to (root NUL key) */
  const superseded = new Set<string>()
  const deletedEntries: string[] = []
  /** reads and edits entries may only be deleted by overwriting them (a read position never falls; a retraction stays) */
  const mayDelete = (root: string, sub: string | null): boolean =>
    sub !== null && userMaps.has(root) && (root === ROOTS.inbox.settings || superseded.has(root + '\u0000' + sub))

  const unknownOwners = new Set<number>()
  const ownerOk = (client: number): boolean => {
    const o = ctx.owner(client)
    if (o === userId) return true
    if (o === undefined) { unknownOwners.add(client); return true }
    if (o === null) { claims.add(client); return true }
    return false
  }
  /** root name and key of a server-held item, or null when it is not a plain child of a root */
  const serverLanding = (id: Y.ID): { root: string; sub: string | null } | null => {
    if (id.clock >= Y.getState(store, id.client)) return null
    const item = Y.getItem(store, id) as Y.Item | Y.GC
    if (!(item instanceof Y.Item)) return null
    const parent = item.parent as Y.AbstractType<unknown> | null
    if (!parent || parent._item !== null) return null
    return { root: Y.findRootTypeKey(parent), sub: item.parentSub }
  }

  // decodeUpdate lists clients by descending clientID, so an item's origin may stand later in the update
  // (a doc reloaded offline writes under a new random clientID after its old one): place every item first
  const placed = placeItems(u.structs, serverLanding)

  for (const s of u.structs) {
    const client = s.id.client
    const serverState = Y.getState(store, client)
    if (!(s instanceof Y.Skip) && s.id.clock < serverState) {
      // what the server already holds is a no-op for Yjs, and stock clients resend it (their persisted
      // copy, other members' items): never judged, and trimmed off before the update is stored or sent
      held = true
      if (s.id.clock + s.length <= serverState) continue
    }
    if (!ownerOk(client)) return refuse('clientID belongs to another user')
    const exp = expected.get(client) ?? serverState
    if (s.id.clock > exp) return refuse('update leaves a gap')
    const end = s.id.clock + s.length
    if (s instanceof Y.Skip) {
      if (end > exp) return refuse('update leaves a gap')
      continue
    }
    expected.set(client, Math.max(exp, end))
    const newLen = Math.max(0, Math.min(s.length, end - serverState))
    if (newLen > 0) { fresh = true; wrote.add(client) }
    if (s instanceof Y.GC) {
      // a GC struct carries nothing: only as the remains of a client's own earlier items
      if (ctx.owner(client) !== userId) return refuse('GC struct under a new clientID')
      continue
    }
    if (!(s instanceof Y.Item)) return refuse('unknown struct')

    const content = s.content
    const isAny = content instanceof Y.ContentAny
    if (!isAny && !(content instanceof Y.ContentDeleted)) return refuse('content type is not allowed')
    if (s.rightOrigin !== null) return refuse('only appends are allowed')

    let root: string
    let sub: string | null
    const parent = s.parent as unknown
    if (typeof parent === 'string') {
      root = parent
      sub = s.parentSub
    } else if (parent !== null) {
      return refuse('nested types are not allowed')
    } else {
      if (!s.origin) return refuse('item has no parent')
      const at = placed.get(s)
      if (!at) return refuse('item origin is unknown')
      root = at.root
      sub = at.sub
    }
    if (roots[root] !== root) return refuse('root is not allowed')
    landings.push({ client, clock: s.id.clock, len: s.length, root, sub })

    const values = isAny ? (content as Y.ContentAny).arr : null
    if (kind === 'page' && root === ROOTS.page.msgs) {
      if (sub !== null) return refuse('msgs is an array')
      if (!values) return refuse('messages cannot be deleted')
      for (const v of values) {
        const err = checkMessage(v, userId)
        if (err) return refuse(err)
        if (!isPlain(v)) return refuse('message is not a plain object')
      }
      if (newLen > 0) {
        newMsgs += newLen
        for (const v of values.slice(values.length - newLen)) {
          const id = (v as ChatMessage).id
          // an id names one message: edits and retractions find their target by it
          if (localMsgs.has(id) || ctx.messageAuthor(id) !== undefined) return refuse('message id is taken')
          appended.push(v as ChatMessage)
          localMsgs.set(id, userId)
        }
      }
      for (const v of values) localMsgs.set((v as ChatMessage).id, userId)
      continue
    }
    if (!userMaps.has(root)) return refuse(`${root} is written by the server only`)
    if (sub === null) return refuse(`${root} is a map`)
    // successive overwrites of one key by one client travel as one item when the client runs without gc:
    // then every value but the last must be deleted by this update, and every value must pass the checks
    if (values) for (let k = 0; k < values.length - 1; k++) {
      if (!inDeleteSet(u.ds, client, s.id.clock + k)) return refuse('map item holds one value')
    }
    const last = s.id.clock + s.length - 1
    // a value this same update deletes supersedes nothing
    if (values && newLen > 0 && !inDeleteSet(u.ds, client, last)) superseded.add(root + '\u0000' + sub)
    // a deleted item arriving as the newest entry of its key would erase the value
    if (!values && newLen > 0 && root !== ROOTS.inbox.settings) deletedEntries.push(root + '\u0000' + sub)
    if (root === ROOTS.page.edits) {
      const author = localMsgs.get(sub) ?? ctx.messageAuthor(sub)
      if (author !== userId) return refuse('edits only your own messages of this page')
      for (const value of values ?? []) {
        const err = checkEdit(value)
        if (err) return refuse(err)
        if (!isPlain(value)) return refuse('edit is not a plain object')
      }
    } else if (root === ROOTS.head.reads) {
      if (sub !== userId) return refuse('read position of another user')
      // successive values of one item are successive overwrites: each at least the one before
      let floor = (doc.getMap(ROOTS.head.reads).get(userId) as number | undefined) ?? 0
      const max = ((ctx.conv?.page ?? 0) + 1) * PAGE_STRIDE
      for (const value of values ?? []) {
        if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < floor || value > max) {
          return refuse('read position is out of range')
        }
        floor = value
      }
      if (values && newLen > 0) readPos = Math.max(readPos ?? 0, floor)
    } else if (root === ROOTS.inbox.settings) {
      if (!SETTING_KEY_RE.test(sub)) return refuse('setting name is malformed')
      for (const value of values ?? []) {
        if (!isJsonValue(value)) return refuse('setting is not JSON')
        if (Buffer.byteLength(JSON.stringify(value)) > MAX_SETTING_BYTES) return refuse('setting is too large')
      }
    }
  }

  for (const k of deletedEntries) if (!superseded.has(k)) return refuse('deletes items that may not be deleted')

  // delete set: only the user's own entries of the user-writable maps. A client's update carries every
  // deletion it knows of, so ranges the server has already deleted are no-ops and need no owner.
  let deletes = false
  for (const [client, ranges] of u.ds.clients) {
    const serverState = Y.getState(store, client)
    const known = expected.get(client) ?? serverState
    const structs = store.clients.get(client)
    for (const r of ranges) {
      const end = r.clock + r.len
      if (r.len <= 0 || end > known) return refuse('deletes unknown items')
      // the part the server holds
      if (structs && r.clock < serverState) {
        const stop = Math.min(end, serverState)
        for (let i = Y.findIndexSS(structs, r.clock); i < structs.length && structs[i].id.clock < stop; i++) {
          const st = structs[i]
          if (!(st instanceof Y.Item) || st.deleted) continue // already deleted (or garbage collected)
          if (!ownerOk(client)) return refuse("deletes another user's items")
          const parent = st.parent as Y.AbstractType<unknown> | null
          if (!parent || parent._item !== null || !mayDelete(Y.findRootTypeKey(parent), st.parentSub)) {
            return refuse('deletes items that may not be deleted')
          }
          deletes = true
        }
      }
      // the part this update brings (its structs passed the owner check above)
      for (const l of landings) {
        if (l.client !== client || l.clock >= end || l.clock + l.len <= r.clock) continue
        if (!mayDelete(l.root, l.sub)) return refuse('deletes items that may not be deleted')
        deletes = true
      }
    }
  }

  if (unknownOwners.size) return { ok: 'owners', clients: [...unknownOwners] }

  if (newMsgs > 0) {
    const conv = ctx.conv
    if (!conv) return refuse('conversation is unknown', CLOSE.FORBIDDEN)
    if (conv.blockedAuthors.has(userId)) return refuse('blocked by the other member', CLOSE.FORBIDDEN)
    if (ctx.page < conv.page - 1) return refuse('page is closed')
    if (doc.getArray(ROOTS.page.msgs).length + newMsgs > PAGE_HARD_LIMIT) return refuse('page is full')
  }

  return { ok: true, noop: !fresh && !deletes, held, claims: [...claims], wrote: [...wrote], appended, readPos }
}

/**
 * Head docs are small, so their accepted updates are also checked by effect: applied to a scratch copy,
 * no one's read position may vanish or fall and `meta` may not change. The grammar alone cannot see two
 * of a user's clientIDs in one update racing a live and an already-deleted entry for one key, which Yjs
 * resolves by clientID order, possibly in favour of the deleted one.
 */
export function checkHeadEffects(doc: Y.Doc, update: Uint8Array): string | null {
  const scratch = new Y.Doc()
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc))
  Y.applyUpdate(scratch, update)
  if (scratch.store.pendingStructs || scratch.store.pendingDs) return 'update leaves a gap'
  const before = doc.getMap<number>(ROOTS.head.reads)
  const after = scratch.getMap<number>(ROOTS.head.reads)
  for (const [user, pos] of before) {
    const now = after.get(user)
    if (now === undefined || now < pos) return 'read position would fall'
  }
  if (JSON.stringify(scratch.getMap(ROOTS.head.meta).toJSON()) !== JSON.stringify(doc.getMap(ROOTS.head.meta).toJSON())) {
    return 'meta is written by the server only'
  }
  return null
}
