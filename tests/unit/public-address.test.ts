// The one list that decides where the server may connect for a user (push services, link previews,
// webhooks): private and special addresses are refused, and the internet's addresses, IPv4 as much as
// IPv6, are not.
import { describe, expect, it } from 'vitest'
import { isPrivateAddress, isPrivateHostLiteral, publicAddresses } from '../../server/http/public-address.ts'

describe('public addresses', () => {
  it('takes the internet’s IPv4 and IPv6 addresses (push services, web pages) for public', async () => {
    // Google's DNS and push service, Cloudflare, Apple, Mozilla's push service, a plain web host
    for (const ip of [
      '8.8.8.8',
      '142.250.74.42',
      '1.1.1.1',
      '17.253.144.10',
      '34.117.65.55',
      '93.184.216.34',
      '2607:f8b0:4004:c1b::5f',
      '2606:4700:4700::1111',
    ])
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, false])
    expect(isPrivateHostLiteral('8.8.8.8')).toBe(false)
    expect(isPrivateHostLiteral('[2606:4700:4700::1111]')).toBe(false)
    await expect(publicAddresses('8.8.8.8')).resolves.toEqual([{ address: '8.8.8.8', family: 4 }])
  })

  it('refuses this host, private networks and every address that carries an IPv4 one', async () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:10.0.0.1',
      '::ffff:8.8.8.8',
      '64:ff9b::a00:1',
      '2002:a00:1::',
      'not an address',
    ])
      expect([ip, isPrivateAddress(ip)]).toEqual([ip, true])
    expect(isPrivateHostLiteral('localhost')).toBe(true)
    expect(isPrivateHostLiteral('[::1]')).toBe(true)
    await expect(publicAddresses('127.0.0.1')).rejects.toMatchObject({ code: 'EPRIVATEADDRESS' })
  })
})
