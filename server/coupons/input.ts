// Checking the body of POST /api/channels/:id/coupons. Every failure is a 400 naming the field.
import {
  COUPON_CELL_RE,
  COUPON_EARLIEST,
  COUPON_LONGEST_MS,
  MAX_COUPON_QUANTITY,
  MAX_COUPON_STORES,
  MAX_COUPON_TERMS_CHARS,
  MAX_COUPON_TITLE_CHARS,
  MAX_STORE_NAME_CHARS,
  type CouponStore,
  type NewCoupon,
} from '../../protocol/coupons.ts'
import { isSafeLine, isSafeText, showsSomething } from '../../protocol/text.ts'
import { badRequest } from '../http/errors.ts'
import type { JsonObject } from '../http/input.ts'

/** A new coupon once checked: its stores always said, maybe none. */
export type CheckedCoupon = NewCoupon & { stores: CouponStore[] }

function line(v: unknown, field: string, max: number): string {
  const s = typeof v === 'string' ? v.trim() : ''
  if (!showsSomething(s) || s.length > max || !isSafeLine(s))
    throw badRequest(`"${field}" must be 1 to ${max} characters on one line.`)
  return s
}

const ms = (v: unknown, field: string): number => {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw badRequest(`"${field}" must be a time in ms.`)
  return v
}

export function checkNewCoupon(b: JsonObject): CheckedCoupon {
  for (const k of Object.keys(b))
    if (!['title', 'terms', 'validFrom', 'validTo', 'quantity', 'stores'].includes(k)) throw badRequest(`Unknown field "${k}".`)
  const title = line(b.title, 'title', MAX_COUPON_TITLE_CHARS)
  if (b.terms !== undefined && (typeof b.terms !== 'string' || b.terms.length > MAX_COUPON_TERMS_CHARS))
    throw badRequest(`"terms" is at most ${MAX_COUPON_TERMS_CHARS} characters.`)
  if (typeof b.terms === 'string' && !isSafeText(b.terms))
    throw badRequest('"terms" may hold line breaks, but no other control or text-direction characters.')
  const terms = typeof b.terms === 'string' ? b.terms : ''
  const validFrom = ms(b.validFrom, 'validFrom')
  const validTo = ms(b.validTo, 'validTo')
  if (validTo <= validFrom) throw badRequest('"validTo" must come after "validFrom".')
  if (validTo <= Date.now()) throw badRequest('"validTo" is in the past.')
  // times a shop means: followers would read "valid from Jan 1, 1970", or a date their grandchildren see
  if (validFrom < COUPON_EARLIEST) throw badRequest('"validFrom" is before 2020.')
  if (validTo > Date.now() + COUPON_LONGEST_MS) throw badRequest('"validTo" is more than 5 years away.')
  const q = b.quantity
  if (typeof q !== 'number' || !Number.isSafeInteger(q) || q < 1 || q > MAX_COUPON_QUANTITY)
    throw badRequest(`"quantity" must be a whole number from 1 to ${MAX_COUPON_QUANTITY}.`)
  const stores: CouponStore[] = []
  if (b.stores !== undefined) {
    if (!Array.isArray(b.stores) || b.stores.length > MAX_COUPON_STORES)
      throw badRequest(`"stores" must be a list of at most ${MAX_COUPON_STORES}.`)
    for (const s of b.stores as unknown[]) {
      if (typeof s !== 'object' || s === null || Array.isArray(s)) throw badRequest('A store must be { name, cell }.')
      const o = s as JsonObject
      if (!Object.keys(o).every((k) => k === 'name' || k === 'cell')) throw badRequest('A store holds only "name" and "cell".')
      const name = line(o.name, 'stores[].name', MAX_STORE_NAME_CHARS)
      // a cell finer than 5 geohash characters would pin a store (and whoever is near it) too closely
      if (typeof o.cell !== 'string' || !COUPON_CELL_RE.test(o.cell))
        throw badRequest('"stores[].cell" must be a geohash of 1 to 5 characters.')
      stores.push({ name, cell: o.cell })
    }
  }
  return { title, terms, validFrom, validTo, quantity: q, stores }
}
