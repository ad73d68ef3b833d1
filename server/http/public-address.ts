// Addresses on the internet, as opposed to the network the server runs in. Whenever the server connects
// somewhere a user named (a push service, a page to preview), a name can resolve to anything: loopback,
// the cloud's metadata service, a database on the private network. The same list decides for every such
// connection, so that one fix reaches all of them.
import { lookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns'
import { BlockList, isIP } from 'node:net'

/** IPv4 ranges that are not the public internet: this host, private, CGNAT, loopback, link-local, benchmarking, documentation, multicast and reserved. */
export const BLOCKED_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
]

/**
 * IPv6 ranges likewise: unspecified and loopback, discard, unique-local, link-local, multicast,
 * documentation, and every address that carries an IPv4 one (mapped, NAT64), which could carry a private one.
 */
export const BLOCKED_V6: ReadonlyArray<readonly [string, number]> = [
  // unspecified, loopback and IPv4-compatible (::a.b.c.d, deprecated: an IPv4 address by another name)
  ['::', 96],
  ['100::', 64],
  // Teredo and 6to4 carry an IPv4 address inside; a network that routes them could reach a private one
  ['2001::', 32],
  ['2002::', 16],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
]

// One list per family: Node's BlockList checks an IPv4 address against IPv6 rules too, as the mapped
// ::ffff:a.b.c.d, so one list holding ::ffff:0:0/96 took every IPv4 address for a private one.
const blockedV4 = new BlockList()
for (const [a, n] of BLOCKED_V4) blockedV4.addSubnet(a, n, 'ipv4')
const blockedV6 = new BlockList()
for (const [a, n] of BLOCKED_V6) blockedV6.addSubnet(a, n, 'ipv6')

/** An IP address (v4 or v6, without brackets) that is not on the public internet; anything that is no IP address counts as one too. */
export function isPrivateAddress(ip: string): boolean {
  const v = isIP(ip)
  if (v === 0) return true
  return v === 6 ? blockedV6.check(ip, 'ipv6') : blockedV4.check(ip, 'ipv4')
}

/** A URL's hostname that names this machine or a private network without any lookup: localhost names and private IP literals. */
export function isPrivateHostLiteral(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (h === 'localhost' || h.endsWith('.localhost') || h === 'localhost.' || h.endsWith('.localhost.')) return true
  return isIP(h) !== 0 && isPrivateAddress(h)
}

/** Raised when a name resolves to an address that is not on the internet. */
export class PrivateAddressError extends Error {
  readonly code = 'EPRIVATEADDRESS'
  constructor(readonly host: string) {
    super(`${host} resolves to an address that is not on the internet.`)
  }
}

/**
 * Every address of `host` (a name or an IP literal), refused with PrivateAddressError when ANY of them is
 * not public: a name with one public and one private address would let the connection pick the private one.
 */
export async function publicAddresses(host: string): Promise<LookupAddress[]> {
  const h = host.replace(/^\[|\]$/g, '')
  const v = isIP(h)
  const addrs = v ? [{ address: h, family: v }] : await lookupAll(h)
  if (!addrs.length || addrs.some((a) => isPrivateAddress(a.address))) throw new PrivateAddressError(h)
  return addrs
}

const lookupAll = (host: string) =>
  new Promise<LookupAddress[]>((resolve, reject) =>
    lookup(host, { all: true, verbatim: true }, (err, addrs) => (err ? reject(err) : resolve(addrs))),
  )

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void

/**
 * A `lookup` for an http(s) Agent or request that answers with these (already checked) addresses only, so
 * that the socket goes where the check looked and a second DNS answer cannot swap in another address.
 */
export function pinnedLookup(addrs: LookupAddress[]) {
  return (_host: string, opts: LookupOneOptions | LookupAllOptions, cb: LookupCallback): void => {
    if (opts && opts.all) cb(null, addrs)
    else cb(null, addrs[0].address, addrs[0].family)
  }
}
