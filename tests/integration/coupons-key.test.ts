// The coupon signing key without SORI_COUPON_KEY: made on the first start and kept in the database, so
// that a code shown before a restart (or made by another node on the same database) is still redeemed,
// and the pseudonyms stay the same (a person cannot redeem a coupon again after a restart).
import { describe, expect, it } from 'vitest'
import { api, signUp, startServerOn } from '../fixtures/server.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import type { Channel } from '../../protocol/channels.ts'
import type { Coupon, CouponCode, CouponKey } from '../../protocol/coupons.ts'

describe.each(backends())('coupon key (%s)', (backend) => {
  it('is made once and kept: a code from before a restart is redeemed after it, once', async () => {
    expect(process.env.SORI_COUPON_KEY ?? '').toBe('')
    const url = await freshDatabaseUrl(backend)
    const first = await startServerOn(url)
    let code: string, key: string, channelId: string, admin: string, fan: string
    try {
      const a = await signUp(first, `kadm_${backend}`)
      const f = await signUp(first, `kfan_${backend}`)
      ;[admin, fan] = [a.token, f.token]
      const ch = await api<Channel>(first, admin, 'POST', '/api/channels', {
        handle: `kshop_${backend}`,
        name: 'Shop',
        category: 'food',
        langs: ['en'],
      })
      channelId = ch.body.id
      const c = await api<Coupon>(first, admin, 'POST', `/api/channels/${channelId}/coupons`, {
        title: 'Free cookie',
        validFrom: Date.now() - 1000,
        validTo: Date.now() + 86_400_000,
        quantity: 10,
      })
      expect(c.status).toBe(201)
      code = (await api<CouponCode>(first, fan, 'POST', `/api/coupons/${c.body.id}/code`)).body.code
      key = (await api<CouponKey>(first, fan, 'GET', '/api/coupons/key')).body.publicKey
      expect(Buffer.from(key, 'base64url').length).toBe(32)
    } finally {
      await first.close()
    }
    const second = await startServerOn(url)
    try {
      expect((await api<CouponKey>(second, fan, 'GET', '/api/coupons/key')).body.publicKey).toBe(key)
      expect((await api(second, admin, 'POST', `/api/channels/${channelId}/redeem`, { code })).status).toBe(200)
      const replay = await api<{ error: { code: string } }>(second, admin, 'POST', `/api/channels/${channelId}/redeem`, { code })
      expect(replay.status).toBe(409)
      expect(replay.body.error.code).toBe('already_redeemed')
    } finally {
      await second.close()
    }
  })
})
