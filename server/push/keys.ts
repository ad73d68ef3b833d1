// The VAPID key pair: from SORI_VAPID_PUBLIC_KEY/SORI_VAPID_PRIVATE_KEY, else made on first start and kept
// in the database (push_keys), so that every node of a cluster signs with the same key and the browsers'
// subscriptions (made for one applicationServerKey) stay valid across restarts.
import { createECDH } from 'node:crypto'
import webpush from 'web-push'
import type { Db } from '../db/db.ts'
import type { PushOptions } from './options.ts'

export interface VapidKeys {
  /** uncompressed P-256 point, base64url */
  publicKey: string
  /** 32 bytes, base64url */
  privateKey: string
  subject: string
}

export async function loadVapidKeys(db: Db, opts: PushOptions): Promise<VapidKeys> {
  const subject = opts.vapidSubject
  if (opts.vapidPublicKey || opts.vapidPrivateKey) {
    const { vapidPublicKey: publicKey, vapidPrivateKey: privateKey } = opts
    if (!publicKey || !privateKey) throw new Error('SORI_VAPID_PUBLIC_KEY and SORI_VAPID_PRIVATE_KEY are set together')
    checkPair(publicKey, privateKey)
    return { publicKey, privateKey, subject }
  }
  const read = () =>
    db.get<{ public_key: string; private_key: string }>('SELECT public_key, private_key FROM push_keys WHERE id = 1')
  let row = await read()
  if (!row) {
    const fresh = webpush.generateVAPIDKeys()
    // nodes starting at once: the first insert wins and everyone reads it back
    await db.run('INSERT INTO push_keys (id, public_key, private_key, created) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING', [
      fresh.publicKey,
      fresh.privateKey,
      Date.now(),
    ])
    row = await read()
    if (!row) throw new Error('the VAPID keys could not be stored')
  }
  return { publicKey: row.public_key, privateKey: row.private_key, subject }
}

/** Throws unless `privateKey` is the private half of `publicKey`. */
function checkPair(publicKey: string, privateKey: string): void {
  const ecdh = createECDH('prime256v1')
  try {
    ecdh.setPrivateKey(Buffer.from(privateKey, 'base64url'))
  } catch {
    throw new Error('SORI_VAPID_PRIVATE_KEY is not a P-256 private key (32 bytes, base64url)')
  }
  if (!ecdh.getPublicKey().equals(Buffer.from(publicKey, 'base64url')))
    throw new Error('SORI_VAPID_PUBLIC_KEY is not the public key of SORI_VAPID_PRIVATE_KEY')
}
