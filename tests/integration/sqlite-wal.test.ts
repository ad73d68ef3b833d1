// The SQLite write-ahead log stays bounded under a steady stream of commits: passive checkpoints alone
// never let the log start over while commits keep arriving (bench:delivery grew it to 330 MB in 13 s),
// so the checkpointer restarts it once it holds `restartFrames` pages (server/db/checkpointer.ts); and
// since that worker may not get a core on a loaded machine, the writing connection truncates the log
// itself past `limitFrames` (server/db/wal-limit.ts). And closing waits for the checkpointer's worker,
// even in a script that has nothing else to keep it alive. The worker runs only while there is something
// to checkpoint.
import { afterEach, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { execFile } from 'node:child_process'
import { mkdtempSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { openSqlite } from '../../server/db/sqlite.ts'
import type { Db } from '../../server/db/db.ts'
import { until } from '../fixtures/sync-client.ts'
import { threadIds, threadsSince, untilAThreadComesAndGoes } from '../fixtures/threads.ts'

let db: Db | null = null
afterEach(async () => {
  await db?.close()
  db = null
})

const walBytes = (path: string) => {
  try {
    return statSync(`${path}-wal`).size
  } catch {
    return 0
  }
}

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

  it(
    'keeps the log bounded when the checkpointer worker never gets to run, as on a loaded machine',
    { timeout: 120_000 },
    async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'sori-wal-')), 'starved.db')
      // a worker that never checkpoints: the writing connection alone has to hold the bound
      db = await openSqlite(path, { everyMs: 3_600_000, restartFrames: 256 })
      const maxWal = await write(db, path, 4000)
      expect(maxWal).toBeLessThan(16 * 1024 * 1024)
      expect(Number((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM t'))?.n)).toBe(2000)
    },
  )

  it(
    'runs its worker only while there is something to checkpoint, empties the log when writes stop, and checkpoints again after a pause',
    { timeout: 60_000 },
    async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'sori-wal-')), 'idle.db')
      const before = threadIds()
      db = await openSqlite(path, { everyMs: 20, idleMs: 300 })
      // opened, nothing written: no thread of its own
      expect(threadsSince(before)).toEqual([])
      // a statement that changes nothing adds nothing to the log: still no worker
      await db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)')
      await db.run('DELETE FROM t WHERE id < 0')
      await new Promise((r) => setTimeout(r, 200))
      expect(threadsSince(before)).toEqual([])
      await db.run('INSERT INTO t (v) VALUES (?)', [randomBytes(16)])
      await untilAThreadComesAndGoes(before, 'the worker')
      // the log file, which keeps its size while writes come, was emptied when they stopped
      expect(walBytes(path)).toBe(0)

      // written after the pause: a worker starts again and copies the log back into the database file
      const fileSize = statSync(path).size
      await db.tx(async (q) => {
        for (let i = 0; i < 64; i++) await q.run('INSERT INTO t (v) VALUES (?)', [randomBytes(32 * 1024)])
      })
      await until(() => statSync(path).size >= fileSize + 2 * 1024 * 1024, 'the database file to receive the log', 10_000)
      await db.close()
      db = null
      // the log was emptied at close, and what was written is there
      expect(walBytes(path)).toBe(0)
      const again = await openSqlite(path)
      try {
        expect(Number((await again.get<{ n: number }>('SELECT COUNT(*) AS n FROM t'))?.n)).toBe(65)
      } finally {
        await again.close()
      }
    },
  )

  it('closes cleanly when its worker has already left: nothing written is lost and no log is left', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sori-wal-')), 'left.db')
    const before = threadIds()
    db = await openSqlite(path, { everyMs: 20, idleMs: 200 })
    await db.run('CREATE TABLE t (v TEXT)')
    await db.run("INSERT INTO t (v) VALUES ('before the pause')")
    await untilAThreadComesAndGoes(before, 'the worker')
    // changes no row, so no worker comes back for it: only the close can copy it into the database
    await db.run('CREATE TABLE u (v TEXT)')
    expect(walBytes(path)).toBeGreaterThan(0)
    await db.close()
    db = null
    expect(walBytes(path)).toBe(0)
    const again = await openSqlite(path)
    try {
      expect(await again.all('SELECT v FROM t')).toEqual([{ v: 'before the pause' }])
      expect(await again.all("SELECT name FROM sqlite_master WHERE name = 'u'")).toEqual([{ name: 'u' }])
    } finally {
      await again.close()
    }
  })

  it('closes cleanly as the last thing a script does: the checkpointer worker is waited for', { timeout: 60_000 }, async () => {
    // a script with nothing else to do: the process must stay until close() has settled, and end with 0
    // (an unsettled top-level await ends it with 13, after the checkpoint that close() asks for is lost)
    const path = join(mkdtempSync(join(tmpdir(), 'sori-wal-')), 'script.db')
    const sqlite = fileURLToPath(new URL('../../server/db/sqlite.ts', import.meta.url))
    const script = `const { openSqlite } = await import(${JSON.stringify(sqlite)})
const db = await openSqlite(${JSON.stringify(path)})
await db.run('CREATE TABLE t (v TEXT)')
await db.tx(async (q) => { await q.run("INSERT INTO t (v) VALUES ('kept')") })
await db.close()
console.log('closed')`
    const out = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], (_err, stdout) =>
        resolve({ code: child.exitCode, stdout }),
      )
    })
    expect(out).toEqual({ code: 0, stdout: 'closed\n' })
    // the worker's truncating checkpoint on close ran: the log was copied back and emptied
    expect(walBytes(path)).toBe(0)
    const again = await openSqlite(path)
    try {
      expect(await again.all('SELECT v FROM t')).toEqual([{ v: 'kept' }])
    } finally {
      await again.close()
    }
  })
})
