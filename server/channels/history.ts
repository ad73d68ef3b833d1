// A channel's follower count by UTC day, for its statistics screen. Each row is the rounded figure last
// taken that day (followers.ts: at most every SORI_CHANNEL_COUNT_MS), -1 under FOLLOWER_COHORT_MIN:
// the history is the count an admin could have watched anyway, kept once a day, never an exact count.
import type { ChannelStats } from '../../protocol/channels.ts'
import type { Queryable } from '../db/db.ts'

const DAY_MS = 86_400_000
/** Days the history covers, today (UTC) included. */
export const HISTORY_DAYS = 30

/** 'YYYY-MM-DD' of the UTC day `ms` falls in. */
export const utcDay = (ms: number): string => new Date(ms - (ms % DAY_MS)).toISOString().slice(0, 10)

/** Keeps `shown` (rounded; -1: under the cohort minimum) as channel `id`'s figure for the day of `now`. */
export async function recordDay(q: Queryable, id: string, shown: number, now: number): Promise<void> {
  await q.run(
    `INSERT INTO channel_daily (channel_id, day, followers) VALUES (?, ?, ?)
     ON CONFLICT (channel_id, day) DO UPDATE SET followers = excluded.followers`,
    [id, utcDay(now), shown],
  )
}

/** The days of the last HISTORY_DAYS that have a figure, oldest first. */
export async function followerHistory(q: Queryable, id: string, now = Date.now()): Promise<ChannelStats['history']> {
  const rows = await q.all<{ day: string; followers: number | string }>(
    'SELECT day, followers FROM channel_daily WHERE channel_id = ? AND day >= ? ORDER BY day',
    [id, utcDay(now - (HISTORY_DAYS - 1) * DAY_MS)],
  )
  return rows.map((r) => {
    const n = Number(r.followers)
    return { day: r.day, followers: n < 0 ? null : n }
  })
}
