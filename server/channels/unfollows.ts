// A channel's unfollows, for its statistics: a counter per channel and UTC day (channel_unfollows), bumped
// in the transaction that deletes the follow, so that a follow that did not end counts nothing and one
// that did counts once. No user id is ever written: what is kept is a number per day, and what an admin
// sees is the sum over the same whole past days as followsWeek (followers.ts), rounded, null under
// FOLLOWER_COHORT_MIN. Leaving an account (users/delete-account.ts) deletes its follows without counting.
import { roundFollowers } from '../../protocol/channels.ts'
import type { Queryable } from '../db/db.ts'
import { utcDay } from './history.ts'

const DAY_MS = 86_400_000
/** Days a row is kept: the week shown needs eight, the rest is slack for a clock that moves. */
const KEEP_DAYS = 35

/** Counts one ended follow of channel `id` on the UTC day of `now`; run it in the transaction that deleted the follow. */
export async function countUnfollow(q: Queryable, id: string, now = Date.now()): Promise<void> {
  await q.run(
    `INSERT INTO channel_unfollows (channel_id, day, n) VALUES (?, ?, 1)
     ON CONFLICT (channel_id, day) DO UPDATE SET n = channel_unfollows.n + 1`,
    [id, utcDay(now)],
  )
  // the channel's own rows only, through the primary key: cheap enough to do on every write
  await q.run('DELETE FROM channel_unfollows WHERE channel_id = ? AND day < ?', [id, utcDay(now - KEEP_DAYS * DAY_MS)])
}

/**
 * Unfollows in the seven whole UTC days before today (the days followsWeek covers), rounded like the
 * follower count; -1 under the cohort minimum. Today is left out, so that no single unfollow shows as it happens.
 */
export async function shownUnfollowsWeek(q: Queryable, id: string, now = Date.now()): Promise<number> {
  const row = await q.get<{ n: number | string | null }>(
    'SELECT SUM(n) AS n FROM channel_unfollows WHERE channel_id = ? AND day >= ? AND day < ?',
    [id, utcDay(now - 7 * DAY_MS), utcDay(now)],
  )
  return roundFollowers(Number(row?.n ?? 0)) ?? -1
}
