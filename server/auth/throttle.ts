// Slows down repeated sign-in attempts per handle and per address. The state is in the login_failures
// table (not in memory) so that every server node sees the same counts.
import { randomBytes } from 'node:crypto'
import type { Db } from '../db/db.ts'

export const WINDOW_MS = 15 * 60_000
export const HANDLE_LIMIT = 5
export const ADDRESS_LIMIT = 20
/** Lockouts after the limit is reached: doubling from 30 s, capped at 15 min. */
const LOCKOUTS_MS = [30_000, 60_000, 120_000, 240_000, 480_000]
const MAX_LOCKOUT_MS = 15 * 60_000

export const handleKey = (handle: string) => `h:${handle.slice(0, 64)}`
export const addressKey = (address: string) => `a:${address.slice(0, 64)}`

/**
 * Counts one attempt against `key`, in a single statement so that parallel attempts cannot all slip
 * in before the count is written. The attempt that brings the count to `limit` locks the key at once
 * (before its password is even checked), so the attempt after `limit` failures is the first refused;
 * an attempt that turns out not to be a failure undoes its count with `clearKey` or `forgiveAttempt`.
 * A refused attempt is not counted. Returns the milliseconds to wait when the key is locked, else 0
 * (and the attempt was counted).
 */
export async function reserveAttempt(db: Db, key: string, limit: number): Promise<number> {
  const now = Date.now()
  await db.run(
    'INSERT INTO login_failures (key, count, window_start, blocked_until) VALUES (?, 0, ?, 0) ON CONFLICT (key) DO NOTHING',
    [key, now],
  )
  const locked = 'blocked_until > ?'
  const fresh = 'window_start <= ?'
  const newCount = `(CASE WHEN ${fresh} THEN 1 ELSE count + 1 END)`
  const lockout = `(CASE ${newCount} - ${limit} ${LOCKOUTS_MS.map((ms, i) => `WHEN ${i} THEN ${ms}`).join(' ')} ELSE ${MAX_LOCKOUT_MS} END)`
  const sql = `UPDATE login_failures SET
      count = CASE WHEN ${locked} THEN count ELSE ${newCount} END,
      window_start = CASE WHEN ${locked} THEN window_start WHEN ${fresh} THEN ? ELSE window_start END,
      blocked_until = CASE WHEN ${locked} THEN blocked_until WHEN ${newCount} >= ${limit} THEN CAST(? AS BIGINT) + ${lockout} ELSE 0 END,
      last_attempt = CASE WHEN ${locked} THEN last_attempt ELSE ? END
    WHERE key = ? RETURNING blocked_until, last_attempt`
  const old = now - WINDOW_MS
  // RETURNING gives the new values only: this marks whether the row was counted for this attempt
  const nonce = randomBytes(9).toString('base64url')
  // placeholders in order of appearance
  const params = [
    now,
    old, // count: locked, fresh
    now,
    old,
    now, // window_start: locked, fresh, now
    now,
    old,
    now,
    old, // blocked_until: locked, newCount(fresh) >= limit, now + lockout(newCount(fresh))
    now,
    nonce, // last_attempt: locked, this attempt
    key,
  ]
  const row = await db.get<{ blocked_until: number; last_attempt: string }>(sql, params)
  if (Math.random() < 0.01) void sweep(db, now)
  if (!row || row.last_attempt === nonce) return 0
  return Math.max(1000, Number(row.blocked_until) - now)
}

/** A successful sign-in clears the handle's record. */
export async function clearKey(db: Db, key: string): Promise<void> {
  await db.run('DELETE FROM login_failures WHERE key = ?', [key])
}

/**
 * Takes back one attempt that `reserveAttempt` counted and that was no failure after all (a success, or
 * an attempt refused for another key), with the lock it set. Any lock on the key now is that attempt's:
 * it was counted, so the key was not locked when it came, and once an attempt locks it no other is
 * counted until the lock ends.
 */
export async function forgiveAttempt(db: Db, key: string): Promise<void> {
  await db.run(
    'UPDATE login_failures SET count = CASE WHEN count > 0 THEN count - 1 ELSE 0 END, blocked_until = 0 WHERE key = ?',
    [key],
  )
}

async function sweep(db: Db, now: number): Promise<void> {
  await db.run('DELETE FROM login_failures WHERE window_start < ? AND blocked_until < ?', [now - WINDOW_MS, now]).catch(() => {})
}

export const SIGNUP_WINDOW_MS = 60 * 60_000

/**
 * Counts one sign-up from `address` in a fixed one-hour window (the same table, key `s:<address>`).
 * Returns the milliseconds until the window ends when this sign-up is over `limit`, else 0.
 */
export async function countSignup(db: Db, address: string, limit: number): Promise<number> {
  const now = Date.now()
  const old = now - SIGNUP_WINDOW_MS
  const row = await db.get<{ count: number; window_start: number }>(
    `INSERT INTO login_failures (key, count, window_start, blocked_until) VALUES (?, 1, ?, 0)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN login_failures.window_start <= ? THEN 1 ELSE login_failures.count + 1 END,
        window_start = CASE WHEN login_failures.window_start <= ? THEN excluded.window_start ELSE login_failures.window_start END
      RETURNING count, window_start`,
    [`s:${address.slice(0, 64)}`, now, old, old],
  )
  if (!row || Number(row.count) <= limit) return 0
  return Math.max(1000, Number(row.window_start) + SIGNUP_WINDOW_MS - now)
}
