// The key coupon codes are signed with: an Ed25519 seed from SORI_COUPON_KEY (32 bytes, base64url), else
// made on first start and kept in the database (coupon_keys), so that every node of a cluster signs and
// checks with the same key and codes survive a restart. The same seed keys the HMAC that makes a user's
// per-coupon pseudonym, so that a pseudonym cannot be computed without the server's secret.
import { createHash, createHmac, createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto'
import type { Db } from '../db/db.ts'

export interface CouponKeys {
  /** the raw 32-byte public key, base64url (GET /api/coupons/key) */
  publicRaw: string
  sign(data: Buffer): Buffer
  verify(data: Buffer, signature: Buffer): boolean
  /** the user's pseudonym for one coupon: an HMAC of both ids, 128 bits, base64url */
  pseudonym(couponId: string, userId: string): string
}

// PKCS#8 wrapping of a raw Ed25519 seed (RFC 8410): node imports private keys only in a container
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')

/** The keys of a 32-byte seed; throws when it is not one. */
export function couponKeysOf(seed: Buffer): CouponKeys {
  if (seed.length !== 32) throw new Error('SORI_COUPON_KEY is not an Ed25519 seed (32 bytes, base64url)')
  const priv: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' })
  const pub = createPublicKey(priv)
  const jwk = pub.export({ format: 'jwk' })
  // a key of its own for the HMAC, not the signing seed itself
  const mac = createHash('sha256').update('sori coupon pseudonym\n').update(seed).digest()
  return {
    publicRaw: String(jwk.x),
    sign: (data) => sign(null, data, priv),
    verify: (data, signature) => {
      try {
        return verify(null, data, pub, signature)
      } catch {
        return false
      }
    },
    pseudonym: (couponId, userId) =>
      createHmac('sha256', mac).update(`${couponId}\n${userId}`).digest().subarray(0, 16).toString('base64url'),
  }
}

export async function loadCouponKeys(db: Db, env: NodeJS.ProcessEnv = process.env): Promise<CouponKeys> {
  const fromEnv = env.SORI_COUPON_KEY?.trim()
  if (fromEnv) return couponKeysOf(Buffer.from(fromEnv, 'base64url'))
  const read = () => db.get<{ seed: string }>('SELECT seed FROM coupon_keys WHERE id = 1')
  let row = await read()
  if (!row) {
    // nodes starting at once: the first insert wins and everyone reads it back
    await db.run('INSERT INTO coupon_keys (id, seed, created) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING', [
      randomBytes(32).toString('base64url'),
      Date.now(),
    ])
    row = await read()
    if (!row) throw new Error('the coupon key could not be stored')
  }
  return couponKeysOf(Buffer.from(row.seed, 'base64url'))
}
