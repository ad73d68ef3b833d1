// Document storage: the Yjs updates of every document, in the doc_updates table of either backend.
// The sync server's group commit writes many documents' updates (and relational side effects) in one
// transaction, so writes take the transaction's Queryable.
import type { Db, Queryable } from '../db/db.ts'
import { statementChunks } from '../db/chunks.ts'

export interface DocWrite {
  doc: string
  /** updates to append, oldest first */
  updates: Uint8Array[]
  /**
   * When set, every row stored for the doc so far is replaced by this one update (compaction); it must
   * contain everything stored before plus `updates`, which are then not written separately.
   */
  replaceWith?: Uint8Array
}

export interface Store {
  /** Every update stored for `doc`, oldest first. */
  load(doc: string): Promise<Uint8Array[]>
  /** Writes a batch inside a transaction the caller owns (see Db.tx). */
  write(q: Queryable, writes: DocWrite[]): Promise<void>
  /** Replaces the stored rows of `doc` by one merged update, in its own transaction. */
  compact(doc: string, merged: Uint8Array): Promise<void>
}

/** Rows per INSERT statement at most: few round trips on Postgres (see db/chunks.ts for SQLite). */
const CHUNK = 64

const toBytes = (v: unknown): Uint8Array => {
  if (v instanceof Uint8Array) return v
  throw new Error('doc_updates.data is not binary')
}

export function createStore(db: Db): Store {
  const sqlByRows: string[] = []
  const insertSql = (n: number) =>
    (sqlByRows[n] ??= 'INSERT INTO doc_updates (doc, data) VALUES ' + Array.from({ length: n }, () => '(?, ?)').join(', '))

  async function write(q: Queryable, writes: DocWrite[]): Promise<void> {
    const rows: (string | Buffer)[] = []
    for (const w of writes) {
      if (w.replaceWith) {
        await q.run('DELETE FROM doc_updates WHERE doc = ?', [w.doc])
        rows.push(w.doc, Buffer.from(w.replaceWith.buffer, w.replaceWith.byteOffset, w.replaceWith.byteLength))
      } else {
        for (const u of w.updates) rows.push(w.doc, Buffer.from(u.buffer, u.byteOffset, u.byteLength))
      }
    }
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
    async compact(doc, merged) {
      await db.tx((q) => write(q, [{ doc, updates: [], replaceWith: merged }]))
    },
  }
}
