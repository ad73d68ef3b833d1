// Coupons of channels (Plus Friends): what the API answers, the reference a post carries, the limits, and
// the shape of a redemption code. docs/protocol.md, "Channels (Plus Friends)" → "Coupons".
import { isSafeLine, showsSomething } from './text.ts'

/** A store where a coupon is valid. `cell`: a coarse area the device compares its own position with. */
export interface CouponStore {
  /** 1..60 characters */
  name: string
  /** a geohash of 1..5 characters (about 5 km × 5 km at 5); the server never learns where a user is */
  cell: string
}

/** POST /api/channels/:id/coupons: a new coupon as its admin writes it. */
export interface NewCoupon {
  title: string
  terms: string
  /** ms since epoch */
  validFrom: number
  validTo: number
  quantity: number
  /** absent or empty: valid at every store of the channel */
  stores?: CouponStore[]
}

/** A coupon, as anyone who can see its channel gets it. Nothing in it is about any one person. */
export interface Coupon {
  /** 128 random bits, base64url (22 characters): unguessable */
  id: string
  channelId: string
  title: string
  terms: string
  /** ms since epoch: it may be used from `validFrom` until `validTo` */
  validFrom: number
  validTo: number
  /** how many times it may be redeemed, all people together */
  quantity: number
  /** empty: valid at every store of the channel */
  stores: CouponStore[]
  /** it was all redeemed (no count of redemptions is given out: see the channel's statistics) */
  soldOut: boolean
}

export type MyCouponState = 'saved' | 'redeemed' | 'expired'

/** One entry of GET /api/me/coupons: a coupon I saved, and what became of it for me. */
export interface MyCoupon {
  coupon: Coupon
  /** 'redeemed': I used it at a store; 'expired': past `validTo` unused; else 'saved' */
  state: MyCouponState
  /** when I saved it, ms */
  saved: number
  /** the name of the channel it is from (its store, its brand), as it is now */
  channelName: string
}

/** POST /api/coupons/:id/code: what the user shows at the store (as text or a QR code). */
export interface CouponCode {
  code: string
  /** the same code as eight digits, for a till that cannot scan it: good at this coupon's channel until `exp` */
  short: string
  /** ms since epoch: the code is refused from then on; ask for a new one */
  exp: number
}

/** POST /api/channels/:id/redeem: all the shop learns is that the code was good, and for which coupon. */
export interface Redemption {
  coupon: Coupon
}

/** GET /api/coupons/key: the public key every code is signed with, for a shop view that checks offline. */
export interface CouponKey {
  alg: 'Ed25519'
  /** the raw 32-byte public key, base64url */
  publicKey: string
}

/**
 * The signed part of a code (JSON, base64url), then `.`, then its Ed25519 signature (base64url).
 * `p` is a pseudonym of the user for this coupon only (an HMAC of coupon and user id): the same person
 * gets the same `p` for one coupon, a different one for every other, and it cannot be turned back into
 * an id or a handle.
 */
export interface CouponCodePayload {
  /** the coupon id */
  c: string
  /** the user's pseudonym for this coupon, base64url */
  p: string
  /** 96 random bits, base64url: every code is a new one */
  n: string
  /** expiry, ms since epoch */
  e: number
}

/** The reference to a coupon a channel post may carry (at most one). */
export interface PostCoupon {
  id: string
  /** shown on the post before the coupon is fetched; 1..60 characters */
  title: string
}

export const COUPON_ID_RE = /^[A-Za-z0-9_-]{22}$/
/** geohash alphabet (no a, i, l, o), 1..5 characters: never finer than about 5 km */
export const COUPON_CELL_RE = /^[0-9b-hjkmnp-z]{1,5}$/
export const MAX_COUPON_TITLE_CHARS = 60
export const MAX_COUPON_TERMS_CHARS = 500
export const MAX_COUPON_QUANTITY = 1_000_000
/** The earliest `validFrom` (no "valid from Jan 1, 1970"), and how far after now `validTo` may be. */
export const COUPON_EARLIEST = Date.UTC(2020, 0, 1)
export const COUPON_LONGEST_MS = 5 * 366 * 24 * 3_600_000
export const MAX_COUPON_STORES = 50
export const MAX_STORE_NAME_CHARS = 60
/** How long a code shown at a store is good for. */
export const COUPON_CODE_MS = 5 * 60_000
/** Coupons a user may keep saved at once. */
export const MAX_SAVED_COUPONS = 500

/** Returns an error text, or null when `v` is a valid `coupon` field of a post. */
export function checkPostCoupon(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'coupon is not an object'
  const o = v as Record<string, unknown>
  if (!Object.keys(o).every((k) => k === 'id' || k === 'title')) return 'coupon has unknown fields'
  if (typeof o.id !== 'string' || !COUPON_ID_RE.test(o.id)) return 'coupon id is malformed'
  if (typeof o.title !== 'string' || !showsSomething(o.title) || o.title.length > MAX_COUPON_TITLE_CHARS || !isSafeLine(o.title))
    return 'coupon title is empty or too long'
  return null
}
