// One attempt at a push, chat's or channel's, and what its answer means: 2xx sent; 404/410 the
// subscription is gone (deleted, matched by user and endpoint, so a newer one survives); 429, 5xx and
// no answer are tried again after Retry-After or an exponential backoff, while the push is within its
// TTL and under MAX_ATTEMPTS; anything else (400, 403, 413, a key that cannot be encrypted to) never
// will be taken.
import type { Db } from '../db/db.ts'
import { logger } from '../log.ts'
import type { PushOptions } from './options.ts'
import type { PushRequest, PushSender } from './send.ts'
import { dropEndpoint } from './subscriptions.ts'
import type { VapidSigner } from './vapid.ts'

const log = logger('push')

const MAX_ATTEMPTS = 10
const MAX_BACKOFF_MS = 10 * 60_000

/** What became of the pushes, for PushStats. */
export interface PushCounts {
  sent: number
  gone: number
  retried: number
  failed: number
}

export interface Attempting {
  db: Db
  sender: PushSender
  vapid: VapidSigner
  opts: PushOptions
  counts: PushCounts
  /** the service closed while the request was out: its answer no longer matters */
  closed(): boolean
}

export interface PushAttempt {
  req: PushRequest
  endpoint: string
  user: string
  /** when its TTL runs out, ms */
  expires: number
}

/**
 * Makes the attempt (`attempt` made before it) and counts its outcome; the delay after which to try
 * again, or null when done.
 */
export async function attemptPush(a: Attempting, p: PushAttempt, attempt: number, what: string): Promise<number | null> {
  // the TTL left, and a VAPID header valid now (a retry may come hours later). Set on the request itself:
  // a copy with `...` and new keys would be a dictionary-mode object, about 1 KB a push for the GC
  const r = p.req
  r.ttlSeconds = Math.max(0, Math.floor((p.expires - Date.now()) / 1000))
  r.authorization = a.vapid.header(p.endpoint)
  const answer = await a.sender.send(r, a.opts.timeoutMs)
  if (a.closed()) return null
  const s = answer.status
  if (s >= 200 && s < 300) {
    a.counts.sent++
  } else if (s === 404 || s === 410) {
    a.counts.gone++
    await dropEndpoint(a.db, p.user, p.endpoint)
  } else if (s === 0 || s === 429 || s >= 500) {
    const backoff = Math.min(MAX_BACKOFF_MS, a.opts.retryBaseMs * 2 ** attempt) * (0.8 + 0.4 * Math.random())
    const delay = answer.retryAfterMs ?? backoff
    if (attempt + 1 >= MAX_ATTEMPTS || Date.now() + delay >= p.expires) {
      a.counts.failed++
      return null
    }
    a.counts.retried++
    return delay
  } else {
    a.counts.failed++
    log.error(`${what} was refused`, new Error(answer.error ?? `HTTP ${s}`), { origin: new URL(p.endpoint).origin })
  }
  return null
}
