// Sign-ups and sign-in attempts are counted per party: an IPv4 address, or the /64 of an IPv6 one, which a
// single home or phone holds whole (every address in it would otherwise count afresh).
import { describe, expect, it } from 'vitest'
import { addressBlock } from '../../server/http/remote.ts'

describe('addressBlock', () => {
  it('counts every address of one IPv6 /64 as one, however it is written', () => {
    const one = [
      '2001:db8:a:b::1',
      '2001:0db8:000a:000b:ffff:ffff:ffff:ffff',
      '2001:DB8:A:B:0:0:0:2',
      '2001:db8:a:b:1:2:192.0.2.1',
    ]
    expect(new Set(one.map(addressBlock))).toEqual(new Set(['2001:db8:a:b::/64']))
    expect(addressBlock('2001:db8:a:c::1')).not.toBe(addressBlock('2001:db8:a:b::1'))
    expect(addressBlock('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
  })

  it('keeps an IPv4 address as it is, also written IPv4-mapped', () => {
    expect(addressBlock('192.0.2.1')).toBe('192.0.2.1')
    expect(addressBlock('::ffff:192.0.2.1')).toBe('192.0.2.1')
    expect(addressBlock('192.0.2.2')).not.toBe(addressBlock('192.0.2.1'))
  })
})
