// Yjs persistence in the account's single Dexie database (not y-indexeddb: one IndexedDB per doc, snapshot per open).
// Every update of a doc is appended as a row; past COMPACT_AT rows they are merged into one in a transaction.
//
// An IndexedDB write commits some milliseconds after the message is on screen, and a page that reloads or
// closes in between aborts it: the message the user just saw as "waiting" would be gone. So this tab's own
// updates are also kept in localStorage, synchronously, until their IndexedDB write has committed; a doc
// opened later applies and stores whatever is still kept there (stash.ts).
//
// This tab's own updates are also marked in the outbox's index (outbox.ts), in the transaction that
// stores them, so that they are sent whichever screen is open, and after a restart.
import * as Y from 'yjs'
import { db } from './db.ts'
import { ackKey, clocksOf, markKey, markUnsent, type Clocks } from './outbox.ts'
import { guardWrite } from './storage.ts'
import { stashAdd, stashDrop, stashTake } from './stash.ts'

const COMPACT_AT = 50
/** Origin of updates applied from the local store, so they are not written back. */
export const FROM_STORE = Symbol('sori-store')
/** Origin of updates recovered from the stash (stored by the loader itself, not stashed again). */
const FROM_STASH = Symbol('sori-stash')

export interface Persistence {
  /** resolves when the stored state has been applied to the doc */
  loaded: Promise<void>
  /** resolves when every update so far is written */
  flush(): Promise<void>
  destroy(): void
}

export function persist(name: string, doc: Y.Doc): Persistence {
  let pending: Uint8Array[] = []
  /** the clocks of this tab's own updates among `pending` */
  let written: Clocks = new Map()
  let writing: Promise<void> = Promise.resolve()
  let rows = 0

  /** the sequence number of this tab's newest stashed update (stash.ts) */
  let stashed = 0

  const write = async (): Promise<void> => {
    const store = db()
    if (!store || pending.length === 0) return
    const batch = pending.length === 1 ? pending[0] : Y.mergeUpdates(pending)
    const mine = written
    pending = []
    written = new Map()
    const covered = stashed
    await guardWrite(async () => {
      if (mine.size === 0) await store.updates.add({ doc: name, data: batch })
      else
        await store.transaction('rw', store.updates, store.kv, async () => {
          await store.updates.add({ doc: name, data: batch })
          await markUnsent(store, name, mine)
        })
      rows++
      if (rows > COMPACT_AT) rows = await compact(name, doc)
    })
    // committed: the stashed copies of this batch's updates are no longer needed
    if (covered > 0) stashDrop(store.name, name, covered)
  }

  const onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin === FROM_STORE || origin === FROM_STASH) return
    pending.push(update)
    // this tab's own changes (origin null: not the provider's, not the store's) are stashed at once
    const store = db()
    if (origin == null) {
      for (const [client, clock] of clocksOf(update)) written.set(client, Math.max(written.get(client) ?? 0, clock))
      if (store) stashed = stashAdd(store.name, name, update) || stashed
    }
    // one write per task: a burst of updates becomes one row, and nothing waits on a timer (tab may close)
    if (pending.length === 1) writing = writing.then(() => new Promise<void>((r) => queueMicrotask(r))).then(write)
  }

  const loaded = (async () => {
    const store = db()
    if (!store) return
    // what an earlier page (or another tab) wrote but has not stored yet, taken BEFORE the stored rows are
    // read: a kept update is dropped only once its row has committed, so every update kept now has its
    // client's earlier ones either kept now or stored by the time the rows are read. Read the other way
    // round, a row committing in between would leave a client's later updates without their earlier ones,
    // and a sync would send the server that gap.
    const kept = stashTake(store.name, name)
    const stored = await store.updates
      .where('doc')
      .equals(name)
      .toArray()
      .catch(() => [])
    rows = stored.length
    if (stored.length)
      Y.transact(
        doc,
        () => {
          for (const r of stored) Y.applyUpdate(doc, r.data)
        },
        FROM_STORE,
      )
    if (kept.updates.length) {
      Y.transact(
        doc,
        () => {
          for (const u of kept.updates) Y.applyUpdate(doc, u)
        },
        FROM_STASH,
      )
      try {
        const merged = Y.mergeUpdates(kept.updates)
        // only this device's own updates are ever kept there: they may not have reached the server
        await store.transaction('rw', store.updates, store.kv, async () => {
          await store.updates.add({ doc: name, data: merged })
          await markUnsent(store, name, clocksOf(merged))
        })
        kept.forget()
      } catch {
        /* kept for the next time the doc opens */
      }
    }
    // Updates that still wait for earlier ones no copy on this device holds (a kept update that an earlier
    // version took from another doc: a chat's head took its pages') can never be applied here, and a sync
    // would send them on as a gap the server refuses for good. The server, or the doc they belong to, has
    // whatever of them is real; here they are left out.
    if (doc.store.pendingStructs || doc.store.pendingDs) {
      console.warn(`sori: ${name} held updates it cannot apply; they are left out`)
      doc.store.pendingStructs = null
      doc.store.pendingDs = null
    }
  })()
  // updates made before the stored state is in are still written (order does not matter to Yjs)
  doc.on('update', onUpdate)

  return {
    loaded,
    flush: () => writing.then(write),
    destroy: () => doc.off('update', onUpdate),
  }
}

/**
 * Replaces a doc's rows with one. Rows written by other tabs are merged in (not just this tab's doc
 * state), so compaction never drops what another tab stored.
 */
async function compact(name: string, doc: Y.Doc): Promise<number> {
  const store = db()
  if (!store) return 0
  await store.transaction('rw', store.updates, async () => {
    const all = await store.updates.where('doc').equals(name).toArray()
    const merged = Y.mergeUpdates([...all.map((r) => r.data), Y.encodeStateAsUpdate(doc)])
    await store.updates.bulkDelete(all.map((r) => r.id as number))
    await store.updates.add({ doc: name, data: merged })
  })
  return 1
}

/** Has anything of this doc ever been stored? */
export async function isStored(name: string): Promise<boolean> {
  return (
    ((await db()
      ?.updates.where('doc')
      .equals(name)
      .count()
      .catch(() => 0)) ?? 0) > 0
  )
}

/**
 * Forgets this device's copy of a doc (its rows, what the server was known to store of it, its outbox
 * mark and what tabs kept of it), so that it is next read from the server alone.
 */
export async function forgetStored(name: string): Promise<void> {
  const store = db()
  if (!store) return
  stashTake(store.name, name).forget()
  await guardWrite(() =>
    store.transaction('rw', store.updates, store.kv, async () => {
      await store.updates.where('doc').equals(name).delete()
      await store.kv.bulkDelete([markKey(name), ackKey(name)])
    }),
  )
}
