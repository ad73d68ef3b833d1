// Budgets of work per user and window (link previews fetched a minute), kept in the database rather than
// in a node's memory: behind a round-robin balancer a user's requests reach every node, and counts per
// node would give them a budget per node.

import type { ErrorCode } from '../../protocol/api.ts'
import type { Db } from '../db/db.ts'
import { HttpError } from './errors.ts'

/** Rows of windows that began this long ago go (now and then, with a request): no window is longer. */
const KEPT_MS = 60 * 60_000

/**
 * Takes `n` of `limit` from `key`'s fixed window of `windowMs` (at most KEPT_MS): the row is made if
 * absent, then one conditional update takes from it, so that requests on several nodes at once cannot
 * all slip in (each update sees the one before). A request that does not fit takes nothing. Returns 0
 * when taken, else the seconds until the window ends (at least 1).
 */
export async function takeBudget(
  db: Db,
  key: string,
  n: number,
  limit: number,
  windowMs: number,
  now = Date.now(),
): Promise<number> {
  const old = now - windowMs
  await db.run('INSERT INTO budgets (key, window_start, used) VALUES (?, ?, 0) ON CONFLICT (key) DO NOTHING', [key, now])
  // a window that ended starts again with this request
  const used = 'CASE WHEN window_start <= ? THEN CAST(? AS BIGINT) ELSE used + ? END'
  const taken = await db.get<{ used: number | string }>(
    `UPDATE budgets SET used = ${used}, window_start = CASE WHEN window_start <= ? THEN CAST(? AS BIGINT) ELSE window_start END
      WHERE key = ? AND ${used} <= ? RETURNING used`,
    [old, n, n, old, now, key, old, n, n, limit],
  )
  if (Math.random() < 0.01) void db.run('DELETE FROM budgets WHERE window_start < ?', [now - KEPT_MS]).catch(() => {})
  if (taken) return 0
  const row = await db.get<{ window_start: number | string }>('SELECT window_start FROM budgets WHERE key = ?', [key])
  return Math.max(1, Math.ceil((Number(row?.window_start ?? now) + windowMs - now) / 1000))
}

/**
 * Takes one of `limit` from `key`'s hour, or answers 429 `code` with Retry-After ("`what` Try again in N
 * minutes."); a `limit` of 0 is no limit.
 */
export async function takeHourly(db: Db, key: string, limit: number, code: ErrorCode, what: string): Promise<void> {
  if (limit <= 0) return
  const s = await takeBudget(db, key, 1, limit, 3_600_000)
  if (s) throw new HttpError(429, code, `${what} Try again in ${Math.ceil(s / 60)} minutes.`, { 'Retry-After': String(s) })
}
