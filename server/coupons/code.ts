// Redemption codes: `<payload>.<signature>`, both base64url; the payload is the JSON of
// CouponCodePayload, the signature Ed25519 over the payload's base64url text. Anyone with the public key
// can check a code (a shop view offline); only the server can make one.
import { randomBytes } from 'node:crypto'
import { COUPON_ID_RE, type CouponCodePayload } from '../../protocol/coupons.ts'
import type { CouponKeys } from './keys.ts'

const B64URL_RE = /^[A-Za-z0-9_-]+$/
const MAX_CODE_CHARS = 400

export function makeCode(keys: CouponKeys, couponId: string, userId: string, exp: number): string {
  const payload: CouponCodePayload = {
    c: couponId,
    p: keys.pseudonym(couponId, userId),
    n: randomBytes(12).toString('base64url'),
    e: exp,
  }
  const text = Buffer.from(JSON.stringify(payload)).toString('base64url')
  return `${text}.${keys.sign(Buffer.from(text)).toString('base64url')}`
}

/** The payload of a code whose signature holds and whose shape is right; null for anything else. */
export function readCode(keys: CouponKeys, code: unknown): CouponCodePayload | null {
  if (typeof code !== 'string' || code.length > MAX_CODE_CHARS) return null
  const [text, sig, ...rest] = code.trim().split('.')
  if (rest.length > 0 || !text || !sig || !B64URL_RE.test(text) || !B64URL_RE.test(sig)) return null
  if (!keys.verify(Buffer.from(text), Buffer.from(sig, 'base64url'))) return null
  let p: unknown
  try {
    p = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
  } catch {
    return null
  }
  if (typeof p !== 'object' || p === null) return null
  const o = p as Record<string, unknown>
  if (typeof o.c !== 'string' || !COUPON_ID_RE.test(o.c)) return null
  if (typeof o.p !== 'string' || !B64URL_RE.test(o.p) || typeof o.n !== 'string' || !Number.isSafeInteger(o.e)) return null
  return { c: o.c, p: o.p, n: o.n, e: o.e as number }
}
