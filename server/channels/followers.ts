// The follower count everyone (admins too) is shown. It is never exact: under FOLLOWER_COHORT_MIN it
// is null, above it rounded down to two significant digits in steps of at least ten, and it is taken
// at most every SORI_CHANNEL_COUNT_MS (an hour by default), so that an admin who watches it cannot tie
// a change to one person's follow or unfollow. Only the rounded figure is stored (and kept per day, history.ts).
import { roundFollowers } from '../../protocol/channels.ts'
import type { Db } from '../db/db.ts'
import { envInt } from '../config.ts'
import { recordDay } from './history.ts'

/** How often a channel's shown follower count is taken again, ms: SORI_CHANNEL_COUNT_MS, else an hour. */
export const countEvery = (): number => envInt('SORI_CHANNEL_COUNT_MS', 3_600_000)

/** The count to show for channel `id` (-1: null), taking it again when the stored one is older than `everyMs`. */
export async function shownFollowers(db: Db, id: string, shown: number, at: number, everyMs: number): Promise<number> {
  const now = Date.now()
  if (at > 0 && now - at < everyMs) return shown
  const row = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM follows WHERE channel_id = ?', [id])
  const fresh = roundFollowers(Number(row?.n ?? 0)) ?? -1
  await db.tx(async (q) => {
    await q.run('UPDATE channels SET followers_shown = ?, followers_at = ? WHERE id = ?', [fresh, now, id])
    await recordDay(q, id, fresh, now)
  })
  return fresh
}

const DAY_MS = 86_400_000

/**
 * Follows (still standing) made in the seven whole UTC days before today, rounded like the count; -1
 * under the cohort minimum. Whole past days only: the figure changes once a day, never with one follow.
 */
export async function shownFollowsWeek(db: Db, id: string, now = Date.now()): Promise<number> {
  const today = now - (now % DAY_MS)
  const row = await db.get<{ n: number }>(
    'SELECT COUNT(*) AS n FROM follows WHERE channel_id = ? AND created >= ? AND created < ?',
    [id, today - 7 * DAY_MS, today],
  )
  return roundFollowers(Number(row?.n ?? 0)) ?? -1
}
