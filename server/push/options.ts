// What the push sender is tuned by: SORI_PUSH_* and SORI_VAPID_* (README, "Configuration").
import { envInt } from '../config.ts'

export interface PushOptions {
  /** push requests in flight at once (SORI_PUSH_CONCURRENCY) */
  concurrency: number
  /** at most one push per chat per device this often, ms; a burst becomes one later push (SORI_PUSH_COALESCE_MS) */
  coalesceMs: number
  /** a push request unanswered this long is given up and retried, ms (SORI_PUSH_TIMEOUT_MS) */
  timeoutMs: number
  /** how long a push service keeps a push for an offline device, and retries are made, s (SORI_PUSH_TTL) */
  ttlSeconds: number
  /** first retry delay, doubling, when the push service sends no Retry-After, ms */
  retryBaseMs: number
  /** pushes of one channel's posts per second at most, all its followers' devices together (SORI_CHANNEL_PUSH_RATE) */
  channelRate: number
  /** accept http:// endpoints on 127.0.0.1, [::1] and localhost (SORI_PUSH_ALLOW_HTTP=1; for tests and benchmarks) */
  allowHttp: boolean
  /** VAPID: fixed keys (both or neither), and the contact the push services see */
  vapidPublicKey?: string
  vapidPrivateKey?: string
  vapidSubject: string
}

export function pushOptions(over: Partial<PushOptions> = {}, env: NodeJS.ProcessEnv = process.env): PushOptions {
  return {
    concurrency: Math.max(1, envInt('SORI_PUSH_CONCURRENCY', 16, env)),
    coalesceMs: envInt('SORI_PUSH_COALESCE_MS', 3000, env),
    timeoutMs: Math.max(1, envInt('SORI_PUSH_TIMEOUT_MS', 10_000, env)),
    ttlSeconds: envInt('SORI_PUSH_TTL', 86_400, env),
    retryBaseMs: 1000,
    channelRate: Math.max(1, envInt('SORI_CHANNEL_PUSH_RATE', 200, env)),
    allowHttp: env.SORI_PUSH_ALLOW_HTTP === '1',
    vapidPublicKey: env.SORI_VAPID_PUBLIC_KEY || undefined,
    vapidPrivateKey: env.SORI_VAPID_PRIVATE_KEY || undefined,
    vapidSubject: env.SORI_VAPID_SUBJECT || 'mailto:postmaster@localhost',
    ...over,
  }
}
