// A channel's coupon figures for its statistics: rounded like the follower count and null under the
// cohort minimum. Saves count only whole past UTC days (saves still standing, made before today), so
// the figure changes once a day and never with one person's save; redemptions are the shop's own doing
// (it redeemed every one of them), so they are counted as they stand, rounded.
import { roundFollowers } from '../../protocol/channels.ts'
import type { Db } from '../db/db.ts'

const DAY_MS = 86_400_000

export async function couponStats(
  db: Db,
  channelId: string,
  now = Date.now(),
): Promise<{ couponsSaved: number | null; couponsRedeemed: number | null }> {
  const today = now - (now % DAY_MS)
  const saved = await db.get<{ n: number }>(
    'SELECT COUNT(*) AS n FROM coupon_saves s JOIN coupons k ON k.id = s.coupon_id WHERE k.channel_id = ? AND s.created < ?',
    [channelId, today],
  )
  const redeemed = await db.get<{ n: number | null }>('SELECT SUM(redeemed) AS n FROM coupons WHERE channel_id = ?', [channelId])
  return { couponsSaved: roundFollowers(Number(saved?.n ?? 0)), couponsRedeemed: roundFollowers(Number(redeemed?.n ?? 0)) }
}
