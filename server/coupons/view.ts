// Coupon rows as the API answers them.
import type { Coupon, CouponStore } from '../../protocol/coupons.ts'
import type { Queryable } from '../db/db.ts'
import { notFound } from '../http/errors.ts'
import { COUPON_ID_RE } from '../../protocol/coupons.ts'

export interface CouponRow {
  id: string
  channel_id: string
  title: string
  terms: string
  valid_from: number | string
  valid_to: number | string
  quantity: number | string
  redeemed: number | string
  stores: string
}

export const COUPON_COLUMNS = 'k.id, k.channel_id, k.title, k.terms, k.valid_from, k.valid_to, k.quantity, k.redeemed, k.stores'

export function toCoupon(r: CouponRow): Coupon {
  return {
    id: r.id,
    channelId: r.channel_id,
    title: r.title,
    terms: r.terms,
    validFrom: Number(r.valid_from),
    validTo: Number(r.valid_to),
    quantity: Number(r.quantity),
    stores: JSON.parse(r.stores) as CouponStore[],
    soldOut: Number(r.redeemed) >= Number(r.quantity),
  }
}

export const noCoupon = () => notFound('No such coupon.')

/** The coupon, of an open channel; 404 otherwise (a malformed id too). */
export async function couponRow(q: Queryable, id: string): Promise<CouponRow> {
  const row = COUPON_ID_RE.test(id)
    ? await q.get<CouponRow>(
        `SELECT ${COUPON_COLUMNS} FROM coupons k JOIN channels c ON c.id = k.channel_id WHERE k.id = ? AND c.disabled = 0`,
        [id],
      )
    : undefined
  if (!row) throw noCoupon()
  return row
}
