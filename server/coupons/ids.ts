// Coupon ids: 128 random bits, base64url (COUPON_ID_RE), so that nobody finds a coupon by guessing.
import { randomBytes } from 'node:crypto'

export const newCouponId = (): string => randomBytes(16).toString('base64url')
