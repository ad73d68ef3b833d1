import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Db, Param, Tx } from './db.ts'
import { AsyncLock } from './lock.ts'
import { checkpointSettings, startCheckpointer, type CheckpointOptions } from './checkpointer.ts'
import { BUSY_MS, checkpoint, walLimit } from './wal-limit.ts'

/**
 * SQLite through better-sqlite3. Its calls are synchronous, so a transaction whose callback awaits
 * could let other queries run inside it; the lock makes every query wait while a transaction is open.
 */
export async function openSqlite(path: string, checkpoints: CheckpointOptions = {}): Promise<Db> {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const sql = new Database(path)
  sql.pragma('journal_mode = WAL')
  // WAL + NORMAL survives a killed process (what kill -9 tests); SORI_SQLITE_SYNC=full also survives power loss.
  sql.pragma(`synchronous = ${process.env.SORI_SQLITE_SYNC === 'full' ? 'FULL' : 'NORMAL'}`)
  sql.pragma(`busy_timeout = ${BUSY_MS}`)
  sql.pragma('foreign_keys = ON')
  // No journal_size_limit: with one, the first commit after the log starts over cuts the file back, and
  // freeing 64 MB of cached pages took that commit 22 ms on the event loop (BENCHMARKS.md, bench:push).
  // While the server is busy the file keeps its size and is written again from its start, which costs less
  // than growing it; the checkpointer's worker empties it once writes have stopped (checkpointer.ts).
  const lock = new AsyncLock()
  let restartQueued = false
  // between two transactions: copies what the last passive checkpoint left so that the next commit
  // writes the log from its start; never waits (busy_timeout 0) for the worker's checkpoint
  const restartLog = () => {
    if (restartQueued) return
    restartQueued = true
    void lock.run(async () => {
      restartQueued = false
      // a report that arrives while the database closes finds it closed
      if (!sql.open) return
      // busy: the next passive checkpoint asks again
      try {
        checkpoint(sql, 'RESTART')
      } catch {}
    })
  }
  // checkpoints run in a worker (checkpointer.ts), not inside a commit on the event loop
  const checkpointer =
    path === ':memory:' ? null : (sql.pragma('wal_autocheckpoint = 0'), startCheckpointer(path, restartLog, checkpoints))
  // and past a hard limit the writing connection truncates the log itself, whether the worker ran or not
  const frameBytes = 24 + Number(sql.pragma('page_size', { simple: true }))
  const limit = path === ':memory:' ? null : walLimit(sql, path, 32 + checkpointSettings(checkpoints).limitFrames * frameBytes)
  const cache = new Map<string, Database.Statement>()
  const stmt = (s: string) => {
    let st = cache.get(s)
    if (!st) {
      st = sql.prepare(s)
      cache.set(s, st)
    }
    return st
  }
  /** rows changed since the checkpointer last heard of it: a statement that changes none adds nothing to the log */
  let changed = 0
  const wrote = () => {
    if (changed === 0) return
    changed = 0
    checkpointer?.wrote()
  }
  const norm = (params: readonly Param[] = []) => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p))
  const q: Tx = {
    async all<T>(s: string, p?: readonly Param[]) {
      return stmt(s).all(...norm(p)) as T[]
    },
    async get<T>(s: string, p?: readonly Param[]) {
      return stmt(s).get(...norm(p)) as T | undefined
    },
    async run(s: string, p?: readonly Param[]) {
      const { changes } = stmt(s).run(...norm(p))
      changed += changes
      return { changes }
    },
    queue(s: string, p?: readonly Param[]) {
      changed += stmt(s).run(...norm(p)).changes
    },
  }
  return {
    dialect: 'sqlite',
    all: (s, p) => (lock.idle() ? q.all(s, p) : lock.run(() => q.all(s, p))),
    get: (s, p) => (lock.idle() ? q.get(s, p) : lock.run(() => q.get(s, p))),
    run: (s, p) => {
      const r = lock.idle() ? q.run(s, p) : lock.run(() => q.run(s, p))
      void r.then(wrote, () => {})
      if (limit?.exceeded()) void lock.run(() => limit.truncate())
      return r
    },
    tx: (fn) =>
      lock.run(async () => {
        // BEGIN waits for the transaction's first statement that is not queued, or its second: a
        // transaction of one queued statement (a group commit of updates and nothing else) runs it alone,
        // which SQLite commits as atomically as inside BEGIN and COMMIT, without those two statements
        // (parsing them was a sixth of the store's instructions per commit: bench:instructions)
        let first = null as [string, readonly Param[] | undefined] | null
        let begun = false
        const begin = () => {
          if (begun) return
          sql.exec('BEGIN IMMEDIATE')
          begun = true
          if (first) q.queue(...first)
          first = null
        }
        const t: Tx = {
          all: (s, p) => (begin(), q.all(s, p)),
          get: (s, p) => (begin(), q.get(s, p)),
          run: (s, p) => (begin(), q.run(s, p)),
          queue(s, p) {
            if (!begun && !first) first = [s, p]
            else {
              begin()
              q.queue(s, p)
            }
          },
        }
        try {
          const r = await fn(t)
          if (begun) sql.exec('COMMIT')
          else if (first) q.queue(...first)
          wrote()
          // still holding the lock: no transaction starts before the log is back under the limit
          if (limit?.exceeded()) await limit.truncate()
          return r
        } catch (e) {
          if (sql.inTransaction) sql.exec('ROLLBACK')
          changed = 0
          throw e
        }
      }),
    async close() {
      await lock.run(async () => sql.close())
      await checkpointer?.stop()
    },
  }
}
