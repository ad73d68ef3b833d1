// The VAPID Authorization header, signed once per push service (audience) and reused for hours rather
// than signed for every push: the JWT names only the audience, an expiry and our contact.
import { createHash } from 'node:crypto'
import webpush from 'web-push'
import type { VapidKeys } from './keys.ts'
import type { PushRequest } from './send.ts'

/** A JWT is valid this long (RFC 8292 allows up to 24 h) and reused until an hour before it expires. */
const JWT_SECONDS = 12 * 3600
const RENEW_BEFORE_MS = 3600_000

export class VapidSigner {
  /** by the endpoint's text up to its path (scheme, host, port): a URL parsed for every push is ~500 B of garbage */
  private cache = new Map<string, { header: string; until: number }>()

  constructor(readonly keys: VapidKeys) {}

  /** `Authorization: vapid t=<JWT>, k=<public key>` for the push service at `endpoint`. */
  header(endpoint: string): string {
    const scheme = endpoint.indexOf('://')
    const path = scheme < 0 ? -1 : endpoint.indexOf('/', scheme + 3)
    const key = path < 0 ? endpoint : endpoint.slice(0, path)
    const now = Date.now()
    const hit = this.cache.get(key)
    if (hit && hit.until > now) return hit.header
    // the audience is the origin as a URL spells it (host in lower case, no default port)
    const audience = new URL(endpoint).origin
    // a few push services in practice; a bound all the same, as endpoints come from clients
    if (this.cache.size >= 1024) this.cache.clear()
    const exp = Math.floor(now / 1000) + JWT_SECONDS
    const { Authorization } = webpush.getVapidHeaders(
      audience,
      this.keys.subject,
      this.keys.publicKey,
      this.keys.privateKey,
      'aes128gcm',
      exp,
    )
    this.cache.set(key, { header: Authorization, until: exp * 1000 - RENEW_BEFORE_MS })
    return Authorization
  }
}

/** The Topic of a chat's pushes: a push service keeps only the latest undelivered push per topic. A hash, so it does not learn chat ids. */
export function topicOf(convId: string): string {
  let t = topics.get(convId)
  if (t === undefined) {
    // a burst of pushes is mostly a few chats' (a group's message to all its members): hashed once each
    if (topics.size >= TOPICS_KEPT) topics.clear()
    t = createHash('sha256').update(`sori-push:${convId}`).digest('base64url').slice(0, 22)
    topics.set(convId, t)
  }
  return t
}
const topics = new Map<string, string>()
const TOPICS_KEPT = 1024

/**
 * One push to subscription `sub`: `payload` as JSON, with this server's VAPID header and the topic of
 * `topicKey` (the push service keeps only the newest undelivered push of a topic for the device).
 */
export function pushRequest(
  vapid: VapidSigner,
  sub: { endpoint: string; p256dh: string; auth: string },
  payload: unknown,
  o: { ttlSeconds: number; urgency: PushRequest['urgency']; topicKey: string },
): PushRequest {
  return {
    endpoint: sub.endpoint,
    p256dh: sub.p256dh,
    auth: sub.auth,
    payload: JSON.stringify(payload),
    ttlSeconds: o.ttlSeconds,
    urgency: o.urgency,
    topic: topicOf(o.topicKey),
    authorization: vapid.header(sub.endpoint),
  }
}
