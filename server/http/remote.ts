// The client's address, for throttling sign-ups and sign-in attempts.
import type { IncomingMessage } from 'node:http'
import { isIPv6 } from 'node:net'

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

/**
 * What one party is counted by: an IPv4 address (also written IPv4-mapped, "::ffff:192.0.2.1"), or the
 * /64 an IPv6 address lies in: a home or a phone gets a whole /64, and every address in it is theirs to
 * use, so counting addresses would give each party 2^64 tries.
 */
export function addressBlock(address: string): string {
  const a = address.replace(/%.*$/, '').toLowerCase()
  if (!isIPv6(a)) return a
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a)
  if (mapped) return mapped[1]
  const [head, tail] = a.includes('::') ? a.split('::') : [a, null]
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  // an embedded IPv4 tail (…:192.0.2.1) counts as two groups, and lies past the first four anyway
  const groups =
    tail === null ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}
