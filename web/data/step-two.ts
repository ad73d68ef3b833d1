// What this client sends as its sync step 2: what the server lacks, in a shape the server's validator
// takes (no delete set, causal order across clientIDs, one value per map item).
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'

/**
 * Our sync step 2: the structs the server lacks, without the doc's delete set. A stock step 2 carries
 * the whole delete set every time, including the server's own deletions (inbox entries and meta it
 * overwrote, other members' old read positions), which the server refuses as "deletes another user's
 * items". Sori clients never delete explicitly: overwriting a map key (a read position, an edit)
 * deletes the previous value on every replica as it integrates, so nothing is lost by leaving it out.
 */
export function structsOnly(doc: Y.Doc, sv: Uint8Array): Uint8Array {
  const diff = Y.encodeStateAsUpdate(doc, sv)
  // the same delete set, after an empty struct section (one byte: zero clients)
  const dsOnly = Y.encodeStateAsUpdate(doc, Y.encodeStateVector(doc))
  const out = new Uint8Array(diff.length - dsOnly.length + 2)
  out.set(diff.subarray(0, diff.length - dsOnly.length + 1))
  // out ends with 0: an empty delete set
  try {
    if (Y.decodeUpdate(out).ds.clients.size === 0) return out
  } catch { /* pending structs change the layout: fall through */ }
  return diff
}

/**
 * The step 2 as frames whose items always have their origins in the server or in an earlier frame.
 * One update lists clients by descending id and the server resolves origins in that order, refusing
 * one it has not seen yet; yet a doc reloaded offline writes under a new clientID after the old one,
 * and two tabs interleave their clientIDs through BroadcastChannel. So the structs are put in causal
 * order and every run of one client becomes its own frame.
 */
export function stepTwo(doc: Y.Doc, sv: Uint8Array): Uint8Array[] {
  const diff = structsOnly(doc, sv)
  const structs = Y.decodeUpdate(diff).structs
  const byClient = new Map<number, Y.AbstractStruct[]>()
  for (const st of structs) {
    const list = byClient.get(st.id.client)
    if (list) list.push(st)
    else byClient.set(st.id.client, [st])
  }
  const position = new Map<Y.AbstractStruct, number>()
  for (const list of byClient.values()) list.forEach((st, i) => position.set(st, i))
  const holder = (id: Y.ID | null): Y.AbstractStruct | null => {
    const list = id && byClient.get(id.client)
    if (!id || !list) return null
    let lo = 0, hi = list.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const st = list[mid]
      if (id.clock < st.id.clock) hi = mid - 1
      else if (id.clock >= st.id.clock + st.length) lo = mid + 1
      else return st
    }
    return null
  }
  const before = (st: Y.AbstractStruct): Y.AbstractStruct[] => {
    const list = byClient.get(st.id.client) as Y.AbstractStruct[]
    const i = position.get(st) as number
    const out = i > 0 ? [list[i - 1]] : []
    if (st instanceof Y.Item) for (const o of [holder(st.origin), holder(st.rightOrigin)]) if (o && o !== st) out.push(o)
    return out
  }
  // depth-first topological order, without recursion (an offline backlog can be long)
  const order: Y.AbstractStruct[] = []
  const done = new Set<Y.AbstractStruct>()
  for (const root of structs) {
    const stack: [Y.AbstractStruct, boolean][] = [[root, false]]
    while (stack.length) {
      const [st, expanded] = stack.pop() as [Y.AbstractStruct, boolean]
      if (done.has(st)) continue
      if (expanded) { done.add(st); order.push(st); continue }
      stack.push([st, true])
      for (const d of before(st)) if (!done.has(d)) stack.push([d, false])
    }
  }
  const frames: Uint8Array[] = []
  for (let i = 0; i < order.length;) {
    let j = i + 1
    while (j < order.length && order[j].id.client === order[i].id.client) j++
    const run = order.slice(i, j).flatMap((st) => splitMapValues(doc, st))
    const enc = new Y.UpdateEncoderV1()
    encoding.writeVarUint(enc.restEncoder, 1)
    encoding.writeVarUint(enc.restEncoder, run.length)
    enc.writeClient(order[i].id.client)
    encoding.writeVarUint(enc.restEncoder, order[i].id.clock)
    for (const st of run) st.write(enc, 0)
    encoding.writeVarUint(enc.restEncoder, 0) // no delete set
    frames.push(enc.toUint8Array())
    i = j
  }
  return frames
}

/**
 * Overwrites of one map key by one client merge into one item holding several values (all but the
 * last deleted); the server takes a map item to hold exactly one value, so such items are sent as
 * one item per value, which is what they were when written.
 */
function splitMapValues(doc: Y.Doc, st: Y.AbstractStruct): (Y.Item | Y.GC)[] {
  if (!(st instanceof Y.Item) || !(st.content instanceof Y.ContentAny) || st.length < 2) return [st as Y.Item | Y.GC]
  const local = Y.getItem(doc.store, st.id)
  if (!(local instanceof Y.Item) || local.parentSub === null) return [st]
  const { client, clock } = st.id
  return st.content.arr.map((value: unknown, k: number) => new Y.Item(
    Y.createID(client, clock + k), null, k === 0 ? st.origin : Y.createID(client, clock + k - 1), null, st.rightOrigin,
    st.parent, st.parentSub, new Y.ContentAny([value]),
  ))
}
