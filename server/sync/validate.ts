// The update grammar's driver: what a user may write into a document is a whitelist, checked on the
// decoded update BEFORE anything is applied, stored or forwarded. It walks the structs and the delete set
// (Y.decodeUpdate) and resolves where each item lands through the update's own structs or the server's
// copy of the document; each root's rule comes from the document's kind (kind.ts). Anything outside the
// grammar is refused: Yjs can hide deleted structs in an update, so this never diffs effects.
import * as Y from 'yjs'
import { CLIENT_TAKEN, CLOSE } from '../../protocol/wire.ts'
import type { Refusal, UpdateRules } from './kind.ts'

export interface ValidateContext {
  userId: string
  /** the server's copy of the document */
  doc: Y.Doc
  /** owner of a clientID: a user id, null when unbound, undefined when not looked up yet */
  owner: (client: number) => string | null | undefined
  /** the kind's grammar for this update */
  rules: UpdateRules
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
}
export interface Refused extends Refusal {
  ok: false
  /** the update starts beyond what the server holds of a clientID (it may be held: handle.ts) */
  gap?: true
}
/** The verdict needs the owners of these clientIDs: look them up and validate again. */
export interface NeedOwners {
  ok: 'owners'
  clients: number[]
}
export type Verdict = Accepted | Refused | NeedOwners

/** The highest clock a struct may reach: a client writing a struct every millisecond for 24 days. */
const MAX_CLOCK = 2 ** 31

/** Values one map item may carry: overwrites of one key by one client, merged (without gc); a few in practice. */
const MAX_MAP_ITEM_VALUES = 64

/**
 * How far before the end of its key's values a new map value may land: past the values written after its
 * origin (by other devices while this one was offline), or past all of them for a value with no origin.
 * Yjs walks those for each new value; values placed before many others, one update after another, would
 * make each update cost as much as all before it, and each load of the document too.
 */
export const MAX_MAP_PLACE = 256
/**
 * Runs of new values of one key in one update (each run a device's successive sets). One in practice; a few
 * when a device resends what a dropped connection lost together with what it wrote after news from the server.
 */
export const MAX_KEY_RUNS = 4

const refuse = (reason: string, code: number = CLOSE.REFUSED): Refused => ({ ok: false, code, reason })
const gap = (): Refused => ({ ok: false, code: CLOSE.REFUSED, reason: 'update leaves a gap', gap: true })

export const isPlain = (v: unknown): v is Record<string, unknown> => {
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

/** Deepest nesting a written value may have (Yjs's readAny recurses without a limit of its own). */
const MAX_VALUE_DEPTH = 32

/**
 * Why `v` may not be written, or null: every object in it, at any depth, must be a plain object or a plain
 * array, at most MAX_VALUE_DEPTH deep. Yjs decodes an object's keys with `obj[key] = value`, so a key
 * "__proto__" sets the object's prototype: its fields are then inherited, invisible to a check of own keys
 * (a link card's buttons, a template compared with its ticket's) yet read by the app like any other, and
 * gone once the server re-encodes the document.
 */
export function valueFault(v: unknown, depth = 0): string | null {
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return null
  if (depth > MAX_VALUE_DEPTH) return `value is nested deeper than ${MAX_VALUE_DEPTH} levels`
  if (Array.isArray(v)) {
    if (Object.getPrototypeOf(v) !== Array.prototype) return 'value holds an object that is not plain'
    for (const x of v) {
      const err = valueFault(x, depth + 1)
      if (err) return err
    }
    return null
  }
  if (!isPlain(v)) return 'value holds an object that is not plain'
  // own keys only: the prototype was checked above
  for (const k in v) {
    const err = valueFault((v as Record<string, unknown>)[k], depth + 1)
    if (err) return err
  }
  return null
}

/** What Y.decodeUpdate returns. */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>

interface Landing {
  client: number
  clock: number
  len: number
  root: string
  sub: string | null
  /** an item of an array withdrawn before the server had it: it arrives deleted */
  withdrawn?: boolean
}

/** Whether an item whose origin is `o` comes right after the value `v` (client, last clock) */
function follows(v: { client: number; last: number }, o: Y.ID | null): boolean {
  return o !== null && o.client === v.client && o.clock === v.last
}

/**
 * Whether a new value of `root`'s key `sub` whose origin is `origin` lands at most MAX_MAP_PLACE values
 * before the end of the key's values the server holds (what Yjs walks to integrate it).
 */
function landsNearEnd(doc: Y.Doc, root: string, sub: string, origin: Y.ID | null): boolean {
  let n = 0
  if (origin === null) {
    // the values of a key are a list whose last one the map holds; one with no origin goes before them all
    const type = doc.share.get(root)
    for (let o: Y.Item | null = type?._map.get(sub) ?? null; o !== null; o = o.left) if (++n > MAX_MAP_PLACE) return false
    return true
  }
  // an origin in the update itself stands at the end of what the server holds
  if (origin.clock >= Y.getState(doc.store, origin.client)) return true
  const item = Y.getItem(doc.store, origin) as Y.Item | Y.GC
  if (!(item instanceof Y.Item)) return true
  for (let o = item.right; o !== null; o = o.right) if (++n > MAX_MAP_PLACE) return false
  return true
}

/** One key's new items in an update (validateUpdate). */
interface KeyedItems {
  root: string
  sub: string
  /** its map's values go only by being overwritten */
  overwrite: boolean
  items: { client: number; last: number; origin: Y.ID | null; live: boolean }[]
}

function inDeleteSet(ds: DecodedUpdate['ds'], client: number, clock: number): boolean {
  const ranges = ds.clients.get(client)
  if (ranges) for (const r of ranges) if (clock >= r.clock && clock < r.clock + r.len) return true
  return false
}

/** Every clientID an update names: its structs' `authors` (distinct) and its deleted items' authors. */
export function clientsOf(authors: number[], u: DecodedUpdate): number[] {
  // most updates delete nothing
  if (u.ds.clients.size === 0) return authors
  const s = new Set(authors)
  for (const c of u.ds.clients.keys()) s.add(c)
  return [...s]
}

type Place = { root: string; sub: string | null }

/**
 * Where each item of an update lands (root and key), resolving origins through the server's copy where
 * it holds them, else through the update's own items in any order. Items whose origin is nowhere are left
 * out. An origin the server holds is never resolved through the update's copy of it: that copy is not
 * judged (it is trimmed off), and Yjs puts the item after the server's, wherever the copy claims it is.
 */
function placeItems(
  structs: DecodedUpdate['structs'],
  holds: (id: Y.ID) => boolean,
  serverLanding: (id: Y.ID) => Place | null,
): Map<Y.Item, Place> {
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
      if (holds(origin)) {
        const at = serverLanding(origin)
        if (at) placed.set(it, at)
        continue
      }
      const host = inUpdate(origin)
      const at = host && placed.get(host)
      if (at) placed.set(it, at)
      else if (host) next.push(it)
    }
    if (next.length === pending.length) break // the rest hang on origins that land nowhere
    pending = next
  }
  return placed
}

/**
 * Whether Yjs can integrate every struct of the update: one client's structs go in clock order, and an
 * item only once its origin is there (held by the server, or integrated before it). Simulated as Yjs does
 * it, taking any client whose next struct can go, until none can.
 */
function integrable(structs: DecodedUpdate['structs'], serverState: (client: number) => number): boolean {
  // one client's structs are consecutive, in clock order (handle.ts refuses a client in two sections)
  const queues: DecodedUpdate['structs'][] = []
  for (let i = 0; i < structs.length; i++) {
    if (i === 0 || structs[i - 1].id.client !== structs[i].id.client) queues.push([])
    queues[queues.length - 1].push(structs[i])
  }
  if (queues.length === 0) return true
  /** per client: the clock up to which its structs are in (the server's, then the update's) */
  const reached = new Map<number, number>()
  const has = (id: Y.ID): boolean => id.clock < Math.max(reached.get(id.client) ?? 0, serverState(id.client))
  const next = queues.map(() => 0)
  for (let progress = true; progress;) {
    progress = false
    for (let q = 0; q < queues.length; q++) {
      const list = queues[q]
      while (next[q] < list.length) {
        const s = list[next[q]]
        // only items name an origin; a right origin is refused on its own
        if (s instanceof Y.Item && s.origin && !has(s.origin)) break
        reached.set(s.id.client, s.id.clock + s.length)
        next[q]++
        progress = true
      }
    }
  }
  return next.every((n, q) => n === queues[q].length)
}

export function validateUpdate(u: DecodedUpdate, ctx: ValidateContext): Verdict {
  const { userId, doc, rules } = ctx
  const store = doc.store
  // an update is written by one clientID or a few: small arrays, and the collections most updates never
  // need are made on first use (this runs for every update a server takes: bench:instructions)
  let claims: Set<number> | null = null
  const wrote: number[] = []
  let fresh = false
  let held = false
  /** per client: the next clock the server would hold after the update's structs so far */
  const expected = new Map<number, number>()
  /** where the update's items land, for its own delete set: only an update with one needs them */
  const landings: Landing[] | null = u.ds.clients.size > 0 ? [] : null
  /** map keys this update writes a new value to (root NUL key) */
  let superseded: Set<string> | null = null
  let deletedEntries: string[] | null = null
  /**
   * per key of any map (root NUL key): this update's new items for it, which must form a run or a few placed
   * near the key's end, and for a map whose values go only by being overwritten, one run ending live
   */
  let keyed: Map<string, KeyedItems> | null = null
  /** values the server holds of such keys that this update's delete set takes away */
  let overwritten: { key: string; client: number; last: number }[] | null = null
  /** an entry of a map whose entries go only by being overwritten may be deleted only by this update's new value */
  const mayDelete = (root: string, sub: string | null): boolean => {
    if (sub === null) return false
    const rule = rules.root(root)
    if (!rule || rule.type !== 'map') return false
    return rule.delete === 'any' || (superseded?.has(root + '\u0000' + sub) ?? false)
  }

  let unknownOwners: Set<number> | null = null
  const ownerOk = (client: number): boolean => {
    const o = ctx.owner(client)
    if (o === userId) return true
    if (o === undefined) {
      ;(unknownOwners ??= new Set()).add(client)
      return true
    }
    if (o === null) {
      ;(claims ??= new Set()).add(client)
      return true
    }
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
  const placed = placeItems(u.structs, (id) => id.clock < Y.getState(store, id.client), serverLanding)

  for (const s of u.structs) {
    const client = s.id.client
    const serverState = Y.getState(store, client)
    if (!(s instanceof Y.Skip) && s.id.clock < serverState) {
      // what the server already holds is a no-op for Yjs, and stock clients resend it (their persisted
      // copy, other users' items): never judged, and trimmed off before the update is stored or sent
      held = true
      if (s.id.clock + s.length <= serverState) continue
    }
    if (!ownerOk(client)) return refuse(CLIENT_TAKEN)
    // Yjs never writes an empty struct, and one breaks its own lookups (findIndexSS divides by the last
    // struct's length) and its next append (whose origin would be the clock before it)
    if (s.length <= 0) return refuse('struct is empty')
    // far beyond what any client writes, and past 2^53 a clock no longer counts (clock + 1 === clock)
    if (s.id.clock + s.length > MAX_CLOCK) return refuse('clock is out of range')
    const exp = expected.get(client) ?? serverState
    if (s.id.clock > exp) return gap()
    const end = s.id.clock + s.length
    if (s instanceof Y.Skip) {
      if (end > exp) return gap()
      continue
    }
    expected.set(client, Math.max(exp, end))
    const newLen = Math.max(0, Math.min(s.length, end - serverState))
    if (newLen > 0) {
      fresh = true
      // bounded by the update's authors (handle.ts refuses more than a few dozen)
      if (wrote.at(-1) !== client && !wrote.includes(client)) wrote.push(client)
    }
    if (s instanceof Y.GC) {
      // a GC struct carries nothing: only as the remains of a client's own earlier items
      if (ctx.owner(client) !== userId) return refuse('GC struct under a new clientID')
      if (rules.readOnly) return refuse('this document is written by others only')
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
    if (s.id.clock < serverState) {
      // Yjs integrates only the part the server lacks, and puts it right after the part it holds, whatever
      // the update says of the whole item: a part held under another root or key must not let the rest be
      // judged here and land there (a message checked for `msgs` and stored under a reaction's key)
      const heldAt = serverLanding(Y.createID(client, serverState - 1))
      if (!heldAt || heldAt.root !== root || heldAt.sub !== sub) return refuse('item continues one held elsewhere')
    }
    const rule = rules.root(root)
    if (!rule) return refuse('root is not allowed')
    landings?.push({ client, clock: s.id.clock, len: s.length, root, sub })

    const values = isAny ? (content as Y.ContentAny).arr : null
    if (values && newLen > 0)
      for (const v of values) {
        const fault = valueFault(v)
        if (fault) return refuse(fault)
      }
    if (rule.type === 'array') {
      if (sub !== null) return refuse(`${root} is an array`)
      if (!values) {
        // withdrawn before it was sent: its content already gone (Yjs with gc writes a deleted item so),
        // and no part of it held, so no one can have had it
        if (!rule.withdraw || newLen !== s.length) return refuse(rule.undeletable)
        if (landings) landings[landings.length - 1].withdrawn = true
        continue
      }
      const err = rule.append(values, newLen, client, s.id.clock + s.length - 1)
      if (err) return refuse(err)
      continue
    }
    if (rule.type === 'server') return refuse(`${root} is written by the server only`)
    if (sub === null) return refuse(`${root} is a map`)
    // successive overwrites of one key by one client travel as one item when the client runs without gc:
    // then every value but the last must be deleted by this update, and every value must pass the checks
    if (values && values.length > MAX_MAP_ITEM_VALUES) return refuse('map item holds too many values')
    if (values)
      for (let k = 0; k < values.length - 1; k++) {
        if (!inDeleteSet(u.ds, client, s.id.clock + k)) return refuse('map item holds one value')
      }
    const last = s.id.clock + s.length - 1
    if (newLen > 0) {
      const origin = s.id.clock < serverState ? Y.createID(client, serverState - 1) : (s.origin as Y.ID | null)
      const live = values !== null && !inDeleteSet(u.ds, client, last)
      const key = root + '\u0000' + sub
      const entry = { client, last, origin, live }
      const k = (keyed ??= new Map()).get(key)
      if (k) k.items.push(entry)
      else keyed.set(key, { root, sub, overwrite: rule.delete !== 'any', items: [entry] })
      // a value this same update deletes supersedes nothing
      if (live) (superseded ??= new Set()).add(key)
      // a deleted item arriving as the newest entry of its key would erase the value
      if (!values && rule.delete !== 'any') (deletedEntries ??= []).push(key)
    }
    const err = rule.entry(sub, values ?? [], newLen > 0)
    if (err) return refuse(err)
  }

  if (deletedEntries)
    for (const k of deletedEntries) if (!superseded?.has(k)) return refuse('deletes items that may not be deleted')
  // A client's new values of one key follow one another (each set after the one before): a run or a few per
  // key and update, each starting near the end of the key's values (landsNearEnd)
  if (keyed)
    for (const { root, sub, items } of keyed.values()) {
      const heads = items.length === 1 ? items : items.filter((x) => !items.some((e) => follows(e, x.origin)))
      if (heads.length > MAX_KEY_RUNS) return refuse('values for one key do not follow one another')
      for (const h of heads)
        if (!landsNearEnd(doc, root, sub, h.origin)) return refuse('value lands too far before the end of its key')
    }
  // Several new items for one key of a map whose values go only by being overwritten must follow one another
  // (each after the one before, as a client's successive overwrites do) and end with a live value: Yjs orders
  // items with the same origin by clientID, so a deleted one beside the new value could come last and erase
  // the key (a retraction taken back)
  if (keyed)
    for (const { overwrite, items: list } of keyed.values()) {
      if (!overwrite || list.length < 2) continue
      const tails = list.filter((e) => !list.some((x) => follows(e, x.origin)))
      const heads = list.filter((x) => !list.some((e) => follows(e, x.origin)))
      if (tails.length !== 1 || heads.length !== 1 || !tails[0].live)
        return refuse('values for one key do not follow one another')
    }

  // what Yjs cannot integrate in any order (an origin later in its own client, a cycle between clients)
  // would stay pending in every copy: judged as appended, shown nowhere, let in later by another update.
  // (Gaps were answered above: an update may wait for the step 2 that fills them.)
  if (fresh && !integrable(u.structs, (client) => Y.getState(store, client))) return refuse('update cannot be integrated')

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
          const root = parent && parent._item === null ? Y.findRootTypeKey(parent) : ''
          const rule = parent && parent._item === null ? rules.root(root) : undefined
          if (!parent || parent._item !== null || !mayDelete(root, st.parentSub)) {
            return refuse(rule?.type === 'array' ? rule.undeletable : 'deletes items that may not be deleted')
          }
          // a value that goes only by being overwritten: the new one must come after it (below)
          if (rule?.type === 'map' && rule.delete === 'overwrite')
            (overwritten ??= []).push({
              key: root + '\u0000' + st.parentSub,
              client: st.id.client,
              last: st.id.clock + st.length - 1,
            })
          deletes = true
        }
      }
      // the part this update brings (its structs passed the owner check above)
      for (const l of landings!) {
        if (l.client !== client || l.clock >= end || l.clock + l.len <= r.clock) continue
        if (!l.withdrawn && !mayDelete(l.root, l.sub)) return refuse('deletes items that may not be deleted')
        deletes = true
      }
    }
  }

  // An overwritten value goes only for a new one placed right after it (its origin), ending live: a new value
  // placed anywhere else, which Yjs may file before the old one and delete at once, would leave the key empty
  if (overwritten)
    for (const o of overwritten) {
      const list = keyed?.get(o.key)?.items ?? []
      const after = list.some((e) => follows(o, e.origin))
      const tail = list.find((e) => !list.some((x) => follows(e, x.origin)))
      if (!after || !tail?.live) return refuse('deletes items that may not be deleted')
    }

  if (unknownOwners) return { ok: 'owners', clients: [...(unknownOwners as Set<number>)] }

  const whole = rules.finish?.()
  if (whole) return refuse(whole.reason, whole.code)

  return { ok: true, noop: !fresh && !deletes, held, claims: claims ? [...(claims as Set<number>)] : [], wrote }
}
