// The client's address, for throttling sign-in attempts.
import type { IncomingMessage } from 'node:http'

/**
 * The socket's address. Behind a trusted proxy (SORI_TRUST_PROXY=1), the last X-Forwarded-For hop:
 * the one that proxy appended; anything left of it came from the client and may be made up.
 */
export function remoteAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const xff = req.headers['x-forwarded-for']
    const hops = (Array.isArray(xff) ? xff.join(',') : (xff ?? ''))
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean)
    if (hops.length) return hops[hops.length - 1]
  }
  return req.socket.remoteAddress ?? 'unknown'
}
