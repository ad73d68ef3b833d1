// The SQLite write-ahead log stays bounded under a steady stream of commits: passive checkpoints alone
// never let the log start over while commits keep arriving (bench:delivery grew it to 330 MB in 13 s),
// so the checkpointer restarts it once it holds `restartFrames` pages (server/db/checkpointer.ts).
import { afterEach, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqlite } from '../../server/db/sqlite.ts'
import type { Db } from '../../server/db/db.ts'

let db: Db | null = null
afterEach(async () => { await db?.close(); db = null })

const walBytes = (path: string) => { try { return statSync(`${path}-wal`).size } catch { return 0 } }

/** `n` commits back to back (one event-loop turn between them, as a busy server does); the largest WAL seen. */
async function write(d: Db, path: string, n: number): Promise<number> {
  await d.run('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)')
  let commits = 0
  let maxWal = 0
  while (commits < n) {
    await d.tx(async (q) => {
      for (let i = 0; i < 20; i++) await q.run('INSERT INTO t (v) VALUES (?)', [randomBytes(300)])
      await q.run('DELETE FROM t WHERE id <= (SELECT MAX(id) - 2000 FROM t)')
    })
    commits++
    if (commits % 50 === 0) maxWal = Math.max(maxWal, walBytes(path))
    await new Promise((r) => setImmediate(r))
  }
  return Math.max(maxWal, walBytes(path))
}

describe('sqlite write-ahead log', () => {
  it('starts the log over while commits keep coming, so it stays a few MB', { timeout: 120_000 }, async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sori-wal-')), 'wal.db')
    db = await openSqlite(path, { everyMs: 20, restartFrames: 256 })
    // without the restarts the log reaches ~140 MB here
    const maxWal = await write(db, path, 4000)
    expect(maxWal).toBeLessThan(16 * 1024 * 1024)
    // and everything committed is there
    expect(Number((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM t'))?.n)).toBe(2000)
  })
})
