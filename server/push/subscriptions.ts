// Push subscriptions: one per session (a signed-in device), checked before anything is stored.
import { ECDH } from 'node:crypto'
import type { PushState, PushSubscriptionBody } from '../../protocol/push.ts'
import { PUSH_AUTH_BYTES, PUSH_ENDPOINT_MAX_CHARS, PUSH_P256DH_BYTES } from '../../protocol/push.ts'
import { checkLang } from '../auth/rules.ts'
import type { Db, Queryable } from '../db/db.ts'
import { badRequest } from '../http/errors.ts'
import { isPrivateHostLiteral } from '../http/public-address.ts'
import { asObject, str } from '../http/input.ts'
import { isSafeUrl } from '../../protocol/text.ts'

export interface SubRow {
  session_id: string
  user_id: string
  endpoint: string
  p256dh: string
  auth: string
  lang: string
  previews: number
}

const B64URL_RE = /^[A-Za-z0-9_-]+={0,2}$/

/** base64url (or base64 with padding, as some browsers' toJSON give) of exactly `bytes` bytes, re-encoded without padding. */
function key(o: Record<string, unknown>, name: string, bytes: number): Buffer {
  const v = o[name]
  const raw = typeof v === 'string' && v.length <= 200 ? v.replaceAll('+', '-').replaceAll('/', '_') : ''
  const buf = B64URL_RE.test(raw) ? Buffer.from(raw, 'base64url') : null
  if (!buf || buf.length !== bytes) throw badRequest(`"keys.${name}" must be ${bytes} bytes, base64url.`)
  return buf
}

/** Loopback names an http:// endpoint may have when SORI_PUSH_ALLOW_HTTP=1. */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

export function checkEndpoint(raw: string, allowHttp: boolean): string {
  if (raw.length > PUSH_ENDPOINT_MAX_CHARS) throw badRequest(`"endpoint" is at most ${PUSH_ENDPOINT_MAX_CHARS} characters.`)
  // what a browser hands out is a plain URL: a backslash, a space or an invisible character is read
  // differently by different parsers ("https://fcm.example\@10.0.0.1/")
  if (raw.includes('\\') || !isSafeUrl(raw))
    throw badRequest('"endpoint" must be an https:// URL, without backslashes or spaces.')
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw badRequest('"endpoint" must be an https:// URL.')
  }
  const localHttp = allowHttp && u.protocol === 'http:' && LOOPBACK.has(u.hostname)
  if (!localHttp) {
    if (u.protocol !== 'https:') throw badRequest('"endpoint" must be an https:// URL.')
    if (isPrivateHostLiteral(u.hostname)) throw badRequest('"endpoint" must be a push service on the internet.')
  }
  if (u.username || u.password || u.hash) throw badRequest('"endpoint" must be an https:// URL without credentials or fragment.')
  return u.toString()
}

/** The body of PUT /api/push/subscription, checked; 400 naming the first bad field otherwise. */
export function checkSubscription(body: unknown, allowHttp: boolean): PushSubscriptionBody {
  const b = asObject(body)
  const endpoint = checkEndpoint(str(b, 'endpoint'), allowHttp)
  const keys = b.keys
  if (typeof keys !== 'object' || keys === null || Array.isArray(keys))
    throw badRequest('"keys" must be an object { p256dh, auth }.')
  const k = keys as Record<string, unknown>
  const p256dh = key(k, 'p256dh', PUSH_P256DH_BYTES)
  // an uncompressed point that is on the curve: anything else could never be encrypted to
  try {
    if (p256dh[0] !== 4) throw new Error('compressed')
    ECDH.convertKey(p256dh, 'prime256v1', undefined, undefined, 'uncompressed')
  } catch {
    throw badRequest('"keys.p256dh" must be an uncompressed P-256 public key (65 bytes, base64url).')
  }
  const auth = key(k, 'auth', PUSH_AUTH_BYTES)
  const lang = checkLang(str(b, 'lang'))
  if (typeof b.previews !== 'boolean') throw badRequest('"previews" must be true or false.')
  return {
    endpoint,
    keys: { p256dh: p256dh.toString('base64url'), auth: auth.toString('base64url') },
    lang,
    previews: b.previews,
  }
}

/** Registers (or replaces) the subscription of session `sessionId`. */
export async function putSubscription(db: Db, userId: string, sessionId: string, s: PushSubscriptionBody): Promise<void> {
  await db.run(
    `INSERT INTO push_subs (session_id, user_id, endpoint, p256dh, auth, lang, previews, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (session_id) DO UPDATE SET endpoint = excluded.endpoint, p256dh = excluded.p256dh, auth = excluded.auth,
        lang = excluded.lang, previews = excluded.previews, created = excluded.created`,
    [sessionId, userId, s.endpoint, s.keys.p256dh, s.keys.auth, s.lang, s.previews ? 1 : 0, Date.now()],
  )
}

export async function subscriptionState(db: Db, userId: string, sessionId: string): Promise<PushState> {
  const row = await db.get<{ lang: string; previews: number }>('SELECT lang, previews FROM push_subs WHERE session_id = ?', [
    sessionId,
  ])
  if (row) return { on: true, previews: Number(row.previews) === 1, lang: row.lang }
  const user = await db.get<{ lang: string }>('SELECT lang FROM users WHERE id = ?', [userId])
  return { on: false, previews: true, lang: user?.lang ?? 'en' }
}

export async function deleteSubscription(db: Db, sessionId: string): Promise<void> {
  await db.run('DELETE FROM push_subs WHERE session_id = ?', [sessionId])
}

/** The sessions of these users that have a subscription: what planning needs (the rest is read when a push is made). */
export const subscribedSessions = (q: Queryable, userIds: string[]): Promise<{ session_id: string; user_id: string }[]> =>
  q.all(
    `SELECT p.session_id, p.user_id FROM push_subs p
      JOIN sessions s ON s.token_hash = p.session_id WHERE p.user_id IN (${userIds.map(() => '?').join(', ')})`,
    userIds,
  )

/** The subscription of one session as it is now (null: gone, e.g. signed out since the push was planned). */
export const subscriptionOf = (q: Queryable, sessionId: string): Promise<SubRow | undefined> =>
  q.get<SubRow>(
    `SELECT p.session_id, p.user_id, p.endpoint, p.p256dh, p.auth, p.lang, p.previews FROM push_subs p
      JOIN sessions s ON s.token_hash = p.session_id WHERE p.session_id = ?`,
    [sessionId],
  )

/** The subscriptions of these sessions as they are now (a session signed out since has none): session → row. */
export async function subscriptionsOfSessions(q: Queryable, sessionIds: string[]): Promise<Map<string, SubRow>> {
  const out = new Map<string, SubRow>()
  for (let i = 0; i < sessionIds.length; i += 200) {
    const part = sessionIds.slice(i, i + 200)
    const rows = await q.all<SubRow>(
      `SELECT p.session_id, p.user_id, p.endpoint, p.p256dh, p.auth, p.lang, p.previews FROM push_subs p
        JOIN sessions s ON s.token_hash = p.session_id WHERE p.session_id IN (${part.map(() => '?').join(', ')})`,
      part,
    )
    for (const r of rows) out.set(r.session_id, r)
  }
  return out
}

/**
 * The push service says this endpoint is gone (404/410): its subscription is deleted, matched by user and
 * endpoint, so that a device that subscribed again meanwhile (a new endpoint) keeps its new one.
 */
export async function dropEndpoint(q: Queryable, userId: string, endpoint: string): Promise<number> {
  return (await q.run('DELETE FROM push_subs WHERE user_id = ? AND endpoint = ?', [userId, endpoint])).changes
}
