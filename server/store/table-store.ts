// Documents' updates as rows of doc_updates, indexed by (doc, id): the store on Postgres (store.ts).
import type { Db, Tx } from '../db/db.ts'
import { statementChunks } from '../db/chunks.ts'
import type { DocWrite, Store } from './store.ts'

/** Rows per INSERT statement at most: few statements for Postgres to parse and plan (see db/chunks.ts for SQLite). */
const CHUNK = 64

export const toBytes = (v: unknown): Uint8Array => {
  if (v instanceof Uint8Array) return v
  throw new Error('doc_updates.data is not binary')
}

export const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength)

export function createTableStore(db: Db): Store {
  const sqlByRows: string[] = []
  const insertSql = (n: number) =>
    (sqlByRows[n] ??= 'INSERT INTO doc_updates (doc, data) VALUES ' + Array.from({ length: n }, () => '(?, ?)').join(', '))

  async function write(q: Tx, writes: DocWrite[]): Promise<void> {
    const rows: (string | Buffer)[] = []
    for (const w of writes) for (const u of w.updates) rows.push(w.doc, asBuffer(u))
    const pairs: Array<[string | Buffer, string | Buffer]> = []
    for (let i = 0; i < rows.length; i += 2) pairs.push([rows[i], rows[i + 1]])
    for (const part of statementChunks(db.dialect, pairs, CHUNK)) q.queue(insertSql(part.length), part.flat())
  }

  return {
    async load(doc) {
      const rows = await db.all<{ data: unknown }>('SELECT data FROM doc_updates WHERE doc = ? ORDER BY id', [doc])
      return rows.map((r) => toBytes(r.data))
    },
    write,
    async rows(doc) {
      const rows = await db.all<{ id: number | string; data: unknown }>(
        'SELECT id, data FROM doc_updates WHERE doc = ? ORDER BY id',
        [doc],
      )
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
    async close() {},
  }
}
