// The store on SQLite: updates are appended to doc_journal, a table with no index but its rowid, and
// reach doc_updates (indexed by (doc, id)) only when their document compacts or goes quiet.
//
// Why: a group commit under load writes one or two updates to each of ~25 chats. In doc_updates every
// update lands on its own chat's leaf of the (doc, id) index, so a commit wrote about one 4 KB WAL page
// per update, and the commit took more than twice as long as without that index (BENCHMARKS.md).
// The journal's rows go to the end of one b-tree: a page or two per commit. Which journal rows belong to
// which document is kept in memory, which is sound because one process owns a SQLite file (several
// nodes need Postgres, whose store is table-store.ts). A load reads a document's indexed rows plus its
// journal rows by rowid.
//
// The map stays bounded: a compaction turns a document's rows into one indexed row, a document with no
// write for FOLD_IDLE_MS has its journal rows moved over as they are (a few documents per turn of the
// event loop), and opening the store moves over whatever an earlier process left.
import type { Db, Queryable, Tx } from '../db/db.ts'
import { powerOfTwoChunks } from '../db/chunks.ts'
import { logger } from '../log.ts'
import type { DocWrite, Store, StoredRows } from './store.ts'
import { asBuffer, toBytes } from './table-store.ts'

const log = logger('store')

/** A document's journal rows move to doc_updates after this long without a write, ms. */
export const FOLD_IDLE_MS = 30_000
const FOLD_SWEEP_MS = 5_000
/** Longest stretch of folding between two turns of I/O, ms. */
const FOLD_SLICE_MS = 4
/** Rows per INSERT statement at most (powers of two: db/chunks.ts). */
const CHUNK = 64

interface Journaled {
  /** journal row ids, ascending */
  ids: number[]
  lastWrite: number
}

export interface JournalOptions {
  /** how long a document's rows wait in the journal after its last write, ms */
  foldIdleMs?: number
  sweepMs?: number
}

const stores = new WeakMap<Db, Promise<Store>>()

/** The journal store of `db`: one per database, since the journal's ids live in its memory. */
export function openJournalStore(db: Db, opts: JournalOptions = {}): Promise<Store> {
  let s = stores.get(db)
  if (!s) {
    s = open(db, opts, () => stores.delete(db))
    stores.set(db, s)
  }
  return s
}

// json_each() turns one JSON array parameter into rows: one statement text for any number of ids
const IN_IDS = 'IN (SELECT value FROM json_each(?))'
const MOVE = `INSERT INTO doc_updates (id, doc, data) SELECT id, doc, data FROM doc_journal WHERE id ${IN_IDS} ORDER BY id`
const DROP = `DELETE FROM doc_journal WHERE id ${IN_IDS}`

async function moveAll(q: Queryable): Promise<void> {
  await q.run('INSERT INTO doc_updates (id, doc, data) SELECT id, doc, data FROM doc_journal ORDER BY id')
  await q.run('DELETE FROM doc_journal')
}

async function open(db: Db, opts: JournalOptions, unregister: () => void): Promise<Store> {
  const foldIdleMs = opts.foldIdleMs ?? FOLD_IDLE_MS
  // what an earlier process left: its in-memory ids are gone, so its rows go where an index finds them
  await db.tx(moveAll)
  // ids keep rising across both tables: a document's rows load in id order, and the relational mirror's
  // mark (sync/mirror.ts) is an id. doc_updates' AUTOINCREMENT sequence remembers ids since deleted.
  const top = await db.get<{ n: number | null }>(
    "SELECT MAX(n) AS n FROM (SELECT MAX(id) AS n FROM doc_updates UNION ALL SELECT seq FROM sqlite_sequence WHERE name = 'doc_updates')",
  )
  let next = Number(top?.n ?? 0) + 1
  const journal = new Map<string, Journaled>()
  let closed = false

  const insertSql: string[] = []
  const insert = (n: number) =>
    (insertSql[n] ??= 'INSERT INTO doc_journal (id, doc, data) VALUES ' + Array.from({ length: n }, () => '(?, ?, ?)').join(', '))

  /** Forgets the ids of `doc` that `gone` says left the journal (after the transaction that moved them). */
  const forget = (doc: string, gone: (id: number) => boolean) => {
    const j = journal.get(doc)
    if (!j) return
    j.ids = j.ids.filter((id) => !gone(id))
    if (j.ids.length === 0) journal.delete(doc)
  }

  /** A document's rows, oldest first: the indexed ones and its journal rows, read in one statement. */
  const read = (doc: string) =>
    db.tx((q) => {
      // read under the transaction's lock: no fold or compaction moves rows between the map and the query
      const ids = journal.get(doc)?.ids
      return ids && ids.length > 0
        ? q.all<{ id: number; data: unknown }>(
            `SELECT id, data FROM doc_updates WHERE doc = ? UNION ALL SELECT id, data FROM doc_journal WHERE id ${IN_IDS} ORDER BY id`,
            [doc, JSON.stringify(ids)],
          )
        : q.all<{ id: number; data: unknown }>('SELECT id, data FROM doc_updates WHERE doc = ? ORDER BY id', [doc])
    })

  /** Moves a quiet document's journal rows to doc_updates as they are. */
  const fold = async (doc: string, ids: number[]) => {
    const json = JSON.stringify(ids)
    await db.tx(async (q) => {
      await q.run(MOVE, [json])
      await q.run(DROP, [json])
    })
    const moved = new Set(ids)
    forget(doc, (id) => moved.has(id))
  }

  let sweeping: Promise<void> | null = null
  const sweep = async () => {
    const before = performance.now() - foldIdleMs
    const due = [...journal].filter(([, j]) => j.lastWrite <= before).map(([doc, j]) => [doc, j.ids.slice()] as const)
    let sliceStart = performance.now()
    for (const [doc, ids] of due) {
      if (closed) return
      try {
        await fold(doc, ids)
      } catch (e) {
        log.error('moving journal rows failed', e, { doc })
      }
      if (performance.now() - sliceStart >= FOLD_SLICE_MS) {
        await new Promise((r) => setImmediate(r))
        sliceStart = performance.now()
      }
    }
  }
  const timer = setInterval(() => {
    sweeping ??= sweep().finally(() => {
      sweeping = null
    })
  }, opts.sweepMs ?? FOLD_SWEEP_MS)
  timer.unref()

  return {
    async load(doc) {
      return (await read(doc)).map((r) => toBytes(r.data))
    },

    async write(q: Tx, writes: DocWrite[]) {
      if (closed) throw new Error('the document store is closed')
      const now = performance.now()
      const rows: Array<[number, string, Buffer]> = []
      for (const w of writes) {
        if (w.updates.length === 0) continue
        let j = journal.get(w.doc)
        if (!j) journal.set(w.doc, (j = { ids: [], lastWrite: now }))
        j.lastWrite = now
        // registered before the transaction commits: a read between the commit and a later registration
        // would miss committed rows, while an id whose transaction failed has no row and reads as nothing
        for (const u of w.updates) {
          const id = next++
          j.ids.push(id)
          rows.push([id, w.doc, asBuffer(u)])
        }
      }
      for (const part of powerOfTwoChunks(rows, CHUNK)) q.queue(insert(part.length), part.flat())
    },

    async rows(doc): Promise<StoredRows | null> {
      const rows = await read(doc)
      if (rows.length === 0) return null
      return { updates: rows.map((r) => toBytes(r.data)), lastId: Number(rows[rows.length - 1].id) }
    },

    async replaceUpTo(doc, lastId, merged) {
      await db.tx(async (q) => {
        const upTo = (journal.get(doc)?.ids ?? []).filter((id) => id <= lastId)
        await q.run('DELETE FROM doc_updates WHERE doc = ? AND id < ?', [doc, lastId])
        if (upTo.length > 0) await q.run(DROP, [JSON.stringify(upTo)])
        // the row at lastId was in either table (a fold may have moved it meanwhile)
        await q.run(
          'INSERT INTO doc_updates (id, doc, data) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data',
          [lastId, doc, asBuffer(merged)],
        )
      })
      forget(doc, (id) => id <= lastId)
    },

    async close() {
      if (closed) return
      closed = true
      clearInterval(timer)
      await sweeping
      // a clean stop leaves the journal empty, so that the next start has nothing to move
      try {
        await db.tx(moveAll)
      } finally {
        journal.clear()
        unregister()
      }
    },
  }
}
