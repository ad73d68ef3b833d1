// A transaction's queued statements (Tx.queue, server/db/postgres.ts and sqlite.ts) on a real database:
// on Postgres they wait and go out later, written together with the next statement awaited or with COMMIT,
// so what must hold is that every value arrives as written, that they take effect in order with the
// statements awaited between them, and that a failure anywhere, even in one written behind others, rolls
// back all of it with that statement's own error.
import { afterEach, describe, expect, it } from 'vitest'
import { openDb, type Db, type Param } from '../../server/db/db.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'

const opened: Db[] = []
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close().catch(() => {})
})

async function open(backend: 'sqlite' | 'postgres'): Promise<Db> {
  const db = await openDb(await freshDatabaseUrl(backend))
  opened.push(db)
  const bytes = backend === 'postgres' ? 'BYTEA' : 'BLOB'
  await db.run(`CREATE TABLE qt (id INTEGER PRIMARY KEY, t TEXT, n BIGINT, d DOUBLE PRECISION, b ${bytes})`)
  return db
}

const texts = [
  '',
  "it's",
  "''",
  'back\\slash \\x41 \\\\',
  "'); DELETE FROM qt; --",
  'a ? in the value, and $1',
  'line\nbreak\ttab\r',
  '안녕하세요 こんにちは สวัสดี 👋🏽 e\u0301',
  '-- not a comment',
  ';',
  'x'.repeat(5000),
]

const numbers = [0, 1, -1, -42, 2 ** 53 - 1, -(2 ** 53 - 1), 1700000000123]
const doubles = [0.5, -0.25, 1e21, -1.5e-7, 123456.789]
const blobs = [new Uint8Array([]), new Uint8Array([0, 1, 2, 255, 39, 92, 0]), new Uint8Array(3000).map((_, i) => i % 256)]

type Row = { id: number; t: string | null; n: number | null; d: number | null; b: Uint8Array | null }

const rowsOf = (db: Db) => db.all<Row>('SELECT id, t, n, d, b FROM qt ORDER BY id')
const bytes = (v: Uint8Array | null) => (v === null ? null : [...v])

describe.each(backends())('queued statements in a transaction (%s)', (backend) => {
  it('store every value exactly as a parameter would', async () => {
    const db = await open(backend)
    const expected: Array<[number, string | null, number | null, number | null, Uint8Array | null]> = []
    let id = 1
    for (const t of texts) expected.push([id++, t, null, null, null])
    for (const n of numbers) expected.push([id++, null, n, null, null])
    for (const d of doubles) expected.push([id++, null, null, d, null])
    for (const b of blobs) expected.push([id++, null, null, null, b])
    await db.tx(async (q) => {
      for (const [i, t, n, d, b] of expected) q.queue('INSERT INTO qt (id, t, n, d, b) VALUES (?, ?, ?, ?, ?)', [i, t, n, d, b])
    })
    const rows = await rowsOf(db)
    expect(rows.map((r) => [r.id, r.t, r.n === null ? null : Number(r.n), r.d, bytes(r.b)])).toEqual(
      expected.map(([i, t, n, d, b]) => [i, t, n, d, bytes(b)]),
    )
  })

  it('take effect in order with the statements awaited between them', async () => {
    const db = await open(backend)
    const seen = await db.tx(async (q) => {
      q.queue('INSERT INTO qt (id, n) VALUES (?, ?)', [1, 1])
      q.queue('UPDATE qt SET n = n + 1 WHERE id = ?', [1])
      const mid = (await q.get<{ n: number }>('SELECT n FROM qt WHERE id = ?', [1]))?.n
      q.queue('UPDATE qt SET n = n * 10 WHERE id = ?', [1])
      const changed = await q.run('UPDATE qt SET n = n + 3 WHERE id = ?', [1])
      return { mid: Number(mid), changed: changed.changes }
    })
    expect(seen).toEqual({ mid: 2, changed: 1 })
    expect(Number((await db.get<{ n: number }>('SELECT n FROM qt WHERE id = 1'))?.n)).toBe(23)
  })

  it('roll back everything when the transaction throws after queueing', async () => {
    const db = await open(backend)
    await expect(
      db.tx(async (q) => {
        await q.run('INSERT INTO qt (id, t) VALUES (?, ?)', [1, 'awaited'])
        q.queue('INSERT INTO qt (id, t) VALUES (?, ?)', [2, 'queued'])
        throw new Error('changed its mind')
      }),
    ).rejects.toThrow('changed its mind')
    expect(await rowsOf(db)).toEqual([])
  })

  it('fail the commit with the statement error and keep nothing, and the next transaction works', async () => {
    const db = await open(backend)
    await db.run('INSERT INTO qt (id, t) VALUES (1, ?)', ['before'])
    const failing = db.tx(async (q) => {
      await q.run('UPDATE qt SET t = ? WHERE id = 1', ['changed'])
      q.queue('INSERT INTO qt (id, t) VALUES (?, ?)', [2, 'new'])
      // the primary key is taken: on SQLite this throws here, on Postgres at the commit
      q.queue('INSERT INTO qt (id, t) VALUES (?, ?)', [1, 'duplicate'])
    })
    await expect(failing).rejects.toThrow(/UNIQUE|unique|duplicate/)
    expect((await rowsOf(db)).map((r) => [r.id, r.t])).toEqual([[1, 'before']])
    await db.tx(async (q) => q.queue('INSERT INTO qt (id, t) VALUES (?, ?)', [3, 'after']))
    expect((await rowsOf(db)).map((r) => [r.id, r.t])).toEqual([
      [1, 'before'],
      [3, 'after'],
    ])
  })

  // on SQLite a transaction of one queued statement runs it without BEGIN and COMMIT (server/db/sqlite.ts)
  it('commit a transaction of one queued statement, or fail it with its error and keep nothing', async () => {
    const db = await open(backend)
    await db.tx(async (q) => q.queue('INSERT INTO qt (id, t) VALUES (?, ?)', [1, 'alone']))
    await expect(
      db.tx(async (q) => q.queue('INSERT INTO qt (id, t) VALUES (?, ?), (?, ?)', [2, 'new', 1, 'dup'])),
    ).rejects.toThrow(/UNIQUE|unique|duplicate/)
    await expect(
      db.tx(async (q) => {
        q.queue('INSERT INTO qt (id, t) VALUES (?, ?)', [3, 'queued'])
        throw new Error('changed its mind')
      }),
    ).rejects.toThrow('changed its mind')
    expect((await rowsOf(db)).map((r) => [r.id, r.t])).toEqual([[1, 'alone']])
  })

  if (backend === 'postgres') {
    it('refuse a NUL in text, as Postgres refuses it, and keep nothing of the transaction', async () => {
      const db = await open(backend)
      await expect(
        db.tx(async (q) => {
          q.queue('INSERT INTO qt (id, t) VALUES (?, ?)', [1, 'fine'])
          q.queue('INSERT INTO qt (id, t) VALUES (?, ?)', [2, "a\0'); DELETE FROM qt; --"])
          q.queue('INSERT INTO qt (id, t) VALUES (?, ?)', [3, 'also fine'])
        }),
      ).rejects.toThrow(/0x00/)
      expect(await rowsOf(db)).toEqual([])
    })

    it('refuse a statement whose placeholders and values differ in number', async () => {
      const db = await open(backend)
      const values: Param[] = [1]
      await expect(db.tx(async (q) => q.queue('INSERT INTO qt (id, t) VALUES (?, ?)', values))).rejects.toThrow(/parameters/)
      expect(await rowsOf(db)).toEqual([])
    })
  }
})
