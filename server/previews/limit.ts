// Previews fetched per user per minute. Only fetches count (a preview from the cache costs nothing). The
// count is shared by every node (http/budget.ts): it stops one account from turning the servers into a
// crawler, however many nodes its requests reach.
import type { Db } from '../db/db.ts'
import { takeBudget } from '../http/budget.ts'

export const FETCHES_PER_MINUTE = 60

/** Counts one fetch for `userId`; returns the seconds to wait instead when the minute is full. */
export const takeFetch = (db: Db, userId: string, now = Date.now()): Promise<number> =>
  takeBudget(db, `preview:${userId}`, 1, FETCHES_PER_MINUTE, 60_000, now)
