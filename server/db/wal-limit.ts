// The hard limit on the SQLite write-ahead log. The checkpointer's worker (checkpointer.ts) keeps the log short
// when it gets a core, but it runs at nice 10: on a loaded machine it can wait for one while every commit
// still appends to the log, which then grows without bound (tests/integration/sqlite-wal.test.ts failed that
// way beside two CPU-bound processes). So the writing connection looks at the -wal file's size itself, between
// two of its transactions, and once it is past `limitFrames` (checkpointer.ts) truncates the log with its own
// checkpoint. The worker is an optimisation; this is the guarantee.
//
// The check is a stat of the -wal file. One per commit would cost about a tenth of a small commit, so the
// size is looked at most every CHECK_MS and otherwise a clock read is all a commit pays; the log can pass the
// limit by what is written in those few milliseconds. The checkpoint runs on the event loop (it copies what
// the worker has not and syncs the database), which is why it is the fallback and not the rule. When the
// worker or another process holds the checkpoint lock, the connection keeps its own lock, so no further
// transaction starts, and asks again every millisecond without blocking the event loop, for up to WAIT_MS;
// past that it gives up and retries without waiting, so that a long reader (a backup) stalls writes once only.
import { statSync } from 'node:fs'
import type Database from 'better-sqlite3'

const CHECK_MS = 10
const WAIT_MS = 1000
/** the connection's busy_timeout outside these checkpoints (sqlite.ts) */
export const BUSY_MS = 5000

/**
 * A checkpoint that never waits in SQLite's busy handler, which would block the event loop: false when the
 * checkpoint lock, a reader or a writer kept it from finishing.
 */
export function checkpoint(sql: Database.Database, mode: 'RESTART' | 'TRUNCATE'): boolean {
  sql.pragma('busy_timeout = 0')
  try {
    const [r] = sql.pragma(`wal_checkpoint(${mode})`) as { busy: number }[]
    return r?.busy === 0
  } finally {
    sql.pragma(`busy_timeout = ${BUSY_MS}`)
  }
}

export interface WalLimit {
  /** Whether the log is past the limit; it is looked at most every CHECK_MS, so most calls read only the clock. */
  exceeded(): boolean
  /** Truncates the log. Call it between two transactions, holding the connection's lock; it never throws. */
  truncate(): Promise<void>
}

export function walLimit(sql: Database.Database, path: string, limitBytes: number): WalLimit {
  const wal = `${path}-wal`
  let checkedAt = -Infinity
  let patient = true
  return {
    exceeded() {
      const now = performance.now()
      if (now - checkedAt < CHECK_MS) return false
      checkedAt = now
      try {
        return (statSync(wal, { throwIfNoEntry: false })?.size ?? 0) >= limitBytes
      } catch {
        return false
      }
    },
    async truncate() {
      const until = performance.now() + (patient ? WAIT_MS : 0)
      for (;;) {
        // a truncation queued while the database closes finds it closed
        if (!sql.open) return
        try {
          if (checkpoint(sql, 'TRUNCATE')) {
            patient = true
            return
          }
        } catch (e) {
          console.error('sqlite wal limit:', (e as Error).message)
          return
        }
        if (performance.now() >= until) break
        await new Promise((r) => setTimeout(r, 1))
      }
      if (patient) console.error(`sqlite: the write-ahead log is past ${limitBytes} bytes and held by a reader or checkpoint`)
      patient = false
    },
  }
}
