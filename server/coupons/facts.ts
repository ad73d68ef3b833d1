// What a channel post's coupon reference is checked against when it is appended: the channel the coupon
// belongs to, looked up for the update that names it (the engine's `lacks`, server/sync/kind.ts).
import type { Queryable } from '../db/db.ts'

/** coupon id → its channel's id; null: there is no such coupon */
export type CouponLookup = Map<string, string | null>

export async function loadCouponChannels(q: Queryable, ids: string[]): Promise<CouponLookup> {
  const found = new Map<string, string | null>(ids.map((id) => [id, null]))
  if (ids.length === 0) return found
  const rows = await q.all<{ id: string; channel_id: string }>(
    `SELECT id, channel_id FROM coupons WHERE id IN (${ids.map(() => '?').join(', ')})`,
    ids,
  )
  for (const r of rows) found.set(r.id, r.channel_id)
  return found
}

/** The refusal of a post naming a coupon of another channel (or none), else null. */
export const couponMismatch = (channelId: string, couponChannel: string | null): string | null =>
  couponChannel === channelId ? null : "a post's coupon must be one of the channel's own"
