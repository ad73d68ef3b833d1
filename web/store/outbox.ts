// The outbox's index: which docs hold updates written on this device that the server has not yet
// acknowledged. Each doc's Y.Doc is the outbox itself (sync sends whatever the server lacks); this
// record lets the app find those docs without opening every one, at start and whichever screen is
// shown. Per doc, `outbox:<doc>` holds the clocks written here (clientID → clock, exclusive) and
// `ack:<doc>` what the server is known to store; a mark is gone once the acknowledged clocks cover it.
// Both live in `kv` and change only in transactions over it, so a mark and an ack never miss each
// other, whichever lands first and in whichever tab.
import { liveQuery } from 'dexie'
import * as Y from 'yjs'
import { db, type SoriDb } from './db.ts'
import { guardWrite } from './storage.ts'

/** clientID → clock: everything of that client below the clock */
export type Clocks = Map<number, number>

const MARK = 'outbox:'
export const ackKey = (doc: string): string => `ack:${doc}`
export const markKey = (doc: string): string => MARK + doc

type Pairs = [number, number][]

function merge(into: Clocks, from: Iterable<[number, number]>): boolean {
  let grew = false
  for (const [client, clock] of from) {
    if ((into.get(client) ?? 0) < clock) {
      into.set(client, clock)
      grew = true
    }
  }
  return grew
}

/** What of `mark` the acknowledged clocks do not cover yet. */
export function uncovered(mark: Iterable<[number, number]>, acked: Clocks): Clocks {
  const rest: Clocks = new Map()
  for (const [client, clock] of mark) if ((acked.get(client) ?? 0) < clock) rest.set(client, clock)
  return rest
}

async function read(store: SoriDb, key: string): Promise<Clocks> {
  const row = await store.kv.get(key)
  return new Map(Array.isArray(row?.value) ? (row.value as Pairs) : [])
}

/** Writes `doc`'s mark as what of `mark` the stored acknowledgement does not cover (or removes it). */
async function settle(store: SoriDb, doc: string, mark: Clocks): Promise<void> {
  const rest = uncovered(mark, await read(store, ackKey(doc)))
  if (rest.size) await store.kv.put({ key: markKey(doc), value: [...rest] })
  else await store.kv.delete(markKey(doc))
}

/**
 * Marks `doc` as holding the clocks `written` (this device's own updates). Call it inside a
 * transaction over `kv` and `updates`, so that the mark commits together with the updates it stands for.
 */
export async function markUnsent(store: SoriDb, doc: string, written: Clocks): Promise<void> {
  const mark = await read(store, markKey(doc))
  if (merge(mark, written)) await settle(store, doc, mark)
}

/** The clocks an update brings (empty for one that only deletes). */
export const clocksOf = (update: Uint8Array): Clocks => Y.parseUpdateMeta(update).to

/** Records that the server stores everything below `sv`, and clears what of `doc`'s mark that covers. */
export async function recordAck(doc: string, sv: Clocks): Promise<void> {
  const store = db()
  if (!store) return
  await guardWrite(() =>
    store.transaction('rw', store.kv, async () => {
      const acked = await read(store, ackKey(doc))
      if (merge(acked, sv)) await store.kv.put({ key: ackKey(doc), value: [...acked] })
      const mark = await read(store, markKey(doc))
      if (mark.size) await settle(store, doc, mark)
    }),
  )
}

/** What the server is known to store of `doc` (kept across reloads, so 'sent' shows offline). */
export async function storedAck(doc: string): Promise<Clocks> {
  const store = db()
  return store ? read(store, ackKey(doc)).catch(() => new Map()) : new Map()
}

/** Forgets `doc`'s mark: the server will never take it (this user lost access to it). */
export async function dropMark(doc: string): Promise<void> {
  const store = db()
  if (store) await guardWrite(() => store.kv.delete(markKey(doc)))
}

/**
 * Calls `fn` with the names of the docs holding unsent updates, now and after every change, in this
 * tab or another; returns a function that stops watching.
 */
export function watchUnsent(fn: (docs: readonly string[]) => void): () => void {
  const store = db()
  if (!store) return () => undefined
  const sub = liveQuery(() => store.kv.where('key').startsWith(MARK).primaryKeys()).subscribe({
    next: (keys) => fn(keys.map((k) => k.slice(MARK.length))),
    error: (e: unknown) => console.warn('sori: reading the outbox failed', e),
  })
  return () => sub.unsubscribe()
}
