// Document storage: the Yjs updates of every document, in the doc_updates table of either backend.
// The sync server's group commit writes many documents' updates (and relational side effects) in one
// transaction, so writes take the transaction's Queryable.
import type { Db, Queryable } from '../db/db.ts'
import { statementChunks } from '../db/chunks.ts'

export interface DocWrite {
  doc: string
  /** updates to append, oldest first */
  updates: Uint8Array[]
}

/** A document's stored rows, oldest first, and the id of the newest (what `replaceUpTo` takes). */
export interface StoredRows { updates: Uint8Array[]; lastId: number }

export interface Store {
  /** Every update stored for `doc`, oldest first. */
  load(doc: string): Promise<Uint8Array[]>
  /** Writes a batch inside a transaction the caller owns (see Db.tx). */
  write(q: Queryable, writes: DocWrite[]): Promise<void>
  /** The rows stored for `doc` so far (for compaction); null when it has none. */
  rows(doc: string): Promise<StoredRows | null>
  /**
   * Compaction, in its own transaction: the rows of `doc` up to `lastId` become one row holding `merged`
   * (which must contain everything they held), kept at `lastId` so that it still loads before the rows
   * written after it. Rows written meanwhile are not touched.
   */
  replaceUpTo(doc: string, lastId: number, merged: Uint8Array): Promise<void>
}

/** Rows per INSERT statement at most: few round trips on Postgres (see db/chunks.ts for SQLite). */
const CHUNK = 64

const toBytes = (v: unknown): Uint8Array => {
  if (v instanceof Uint8Array) return v
  throw new Error('doc_updates.data is not binary')
}

const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength)

export function createStore(db: Db): Store {
  const sqlByRows: string[] = []
  const insertSql = (n: number) =>
    (sqlByRows[n] ??= 'INSERT INTO doc_updates (doc, data) VALUES ' + Array.from({ length: n }, () => '(?, ?)').join(', '))

  async function write(q: Queryable, writes: DocWrite[]): Promise<void> {
    const rows: (string | Buffer)[] = []
    for (const w of writes) for (const u of w.updates) rows.push(w.doc, asBuffer(u))
    const pairs: Array<[string | Buffer, string | Buffer]> = []
    for (let i = 0; i < rows.length; i += 2) pairs.push([rows[i], rows[i + 1]])
    for (const part of statementChunks(db.dialect, pairs, CHUNK)) await q.run(insertSql(part.length), part.flat())
  }

  return {
    async load(doc) {
      const rows = await db.all<{ data: unknown }>('SELECT data FROM doc_updates WHERE doc = ? ORDER BY id', [doc])
      return rows.map((r) => toBytes(r.data))
    },
    write,
    async rows(doc) {
      const rows = await db.all<{ id: number | string; data: unknown }>('SELECT id, data FROM doc_updates WHERE doc = ? ORDER BY id', [doc])
      if (rows.length === 0) return null
      // Postgres returns BIGSERIAL ids as strings
      return { updates: rows.map((r) => toBytes(r.data)), lastId: Number(rows[rows.length - 1].id) }
    },
    async replaceUpTo(doc, lastId, merged) {
      await db.tx(async (q) => {
        await q.run('DELETE FROM doc_updates WHERE doc = ? AND id < ?', [doc, lastId])
        await q.run('UPDATE doc_updates SET data = ? WHERE doc = ? AND id = ?', [asBuffer(merged), doc, lastId])
      })
    },
  }
}
