// Coupons of channels: admins create them, anyone saves them to "My coupons", a signed short-lived code
// is redeemed at the store by the channel's admins at most once per person and never more than the
// quantity, however many tills redeem at once; a code replayed, expired or tampered with is refused;
// no answer to an admin names who saved or redeemed. A post may carry only a coupon of its own channel.
import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, until, type SyncClient } from '../fixtures/sync-client.ts'
import { channelHeadDoc, channelPageDoc, type Channel, type ChannelPost, type ChannelStats } from '../../protocol/channels.ts'
import type { Coupon, CouponCode, CouponKey, MyCoupon, Redemption } from '../../protocol/coupons.ts'
import type { Session } from '../../protocol/api.ts'
import { CLOSE } from '../../protocol/wire.ts'

// a known key (SORI_COUPON_KEY), so that a test can sign a code the way the server would, with an expiry
// in the past: waiting out a real code's minutes is not an option
const SEED = randomBytes(32)
const PRIVATE = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), SEED]),
  format: 'der',
  type: 'pkcs8',
})
beforeAll(() => {
  vi.stubEnv('SORI_COUPON_KEY', SEED.toString('base64url'))
})
afterAll(() => {
  vi.unstubAllEnvs()
})

const signed = (payload: unknown): string => {
  const text = Buffer.from(JSON.stringify(payload)).toString('base64url')
  return `${text}.${sign(null, Buffer.from(text), PRIVATE).toString('base64url')}`
}
const payloadOf = (code: string) =>
  JSON.parse(Buffer.from(code.split('.')[0], 'base64url').toString('utf8')) as Record<string, unknown>
type Err = { error: { code: string } }

describe.each(backends())('coupons (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)
  let n = 0
  const user = (name: string) => signUp(suite.server, `${name}${n++}_${tag}`, name)
  const call = <T = unknown>(s: Session | null, method: string, path: string, body?: unknown) =>
    api<T>(suite.server, s?.token ?? null, method, path, body)
  async function channel(s: Session): Promise<Channel> {
    const r = await call<Channel>(s, 'POST', '/api/channels', {
      handle: `shop${n++}_${tag}`,
      name: 'Shop',
      category: 'food',
      langs: ['ko'],
    })
    expect(r.status).toBe(201)
    return r.body
  }
  const day = 86_400_000
  async function coupon(s: Session, channelId: string, body: Record<string, unknown> = {}): Promise<Coupon> {
    const r = await call<Coupon>(s, 'POST', `/api/channels/${channelId}/coupons`, {
      title: '아메리카노 1+1',
      terms: 'One per visit.\nNot with other offers.',
      validFrom: Date.now() - day,
      validTo: Date.now() + day,
      quantity: 100,
      stores: [{ name: '강남점', cell: 'wydm6' }],
      ...body,
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    return r.body
  }
  const codeFor = async (s: Session, couponId: string) => {
    const r = await call<CouponCode>(s, 'POST', `/api/coupons/${couponId}/code`)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    return r.body
  }
  const redeem = (s: Session, channelId: string, code: string) =>
    call<Redemption & Err>(s, 'POST', `/api/channels/${channelId}/redeem`, { code })

  it('admins create coupons; anyone saves one to My coupons, sees its state, and removes it; bad input is refused', async () => {
    const [admin, fan, other] = [await user('adm'), await user('fan'), await user('oth')]
    const ch = await channel(admin)
    const c = await coupon(admin, ch.id)
    expect(c).toMatchObject({
      channelId: ch.id,
      title: '아메리카노 1+1',
      quantity: 100,
      stores: [{ name: '강남점', cell: 'wydm6' }],
      soldOut: false,
    })
    expect(c.id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(Object.keys(c).sort()).toEqual([
      'channelId',
      'id',
      'quantity',
      'soldOut',
      'stores',
      'terms',
      'title',
      'validFrom',
      'validTo',
    ])
    expect((await call<Coupon>(fan, 'GET', `/api/coupons/${c.id}`)).body).toEqual(c)
    expect((await call<Coupon[]>(fan, 'GET', `/api/channels/${ch.id}/coupons`)).body).toEqual([c])

    expect(
      (
        await call(other, 'POST', `/api/channels/${ch.id}/coupons`, {
          title: 'mine',
          validFrom: Date.now(),
          validTo: Date.now() + day,
          quantity: 1,
        })
      ).status,
    ).toBe(403)
    const base = { title: 'x', validFrom: Date.now(), validTo: Date.now() + day, quantity: 10 }
    const bad: Array<[string, Record<string, unknown>]> = [
      ['no title', { title: '' }],
      ['a long title', { title: 'x'.repeat(61) }],
      ['long terms', { terms: 'x'.repeat(501) }],
      ['terms with control characters', { terms: '\u0000\u0007' }],
      ['terms turned around', { terms: 'Valid \u202Enoitpmeder' }],
      ['a title of a zero-width space', { title: '\u200B' }],
      ['no quantity', { quantity: 0 }],
      ['too many', { quantity: 1_000_001 }],
      ['a fraction', { quantity: 1.5 }],
      ['to before from', { validTo: Date.now() - 1, validFrom: Date.now() - day }],
      ['from 1970', { validFrom: 0 }],
      ['to a century ahead', { validTo: Date.now() + 100 * 365 * day }],
      ['a precise location', { stores: [{ name: 'A', cell: 'wydm6xyz' }] }],
      ['coordinates', { stores: [{ name: 'A', cell: '37.49,127.02' }] }],
      ['an unknown field', { remaining: 3 }],
    ]
    for (const [what, change] of bad)
      expect((await call(admin, 'POST', `/api/channels/${ch.id}/coupons`, { ...base, ...change })).status, what).toBe(400)
    expect((await call<Coupon[]>(fan, 'GET', `/api/channels/${ch.id}/coupons`)).body.length).toBe(1)

    const saved = await call<MyCoupon>(fan, 'POST', `/api/coupons/${c.id}/save`)
    expect(saved.status).toBe(200)
    // and whose coupon it is, by the channel's name (it says nothing about the fan to anyone)
    expect(saved.body).toMatchObject({ coupon: c, state: 'saved', channelName: ch.name })
    expect((await call(fan, 'POST', `/api/coupons/${c.id}/save`)).status).toBe(200)
    expect((await call<MyCoupon[]>(fan, 'GET', '/api/me/coupons')).body.map((m) => [m.coupon.id, m.state])).toEqual([
      [c.id, 'saved'],
    ])
    expect((await call<MyCoupon[]>(other, 'GET', '/api/me/coupons')).body).toEqual([])
    expect((await call(fan, 'DELETE', `/api/coupons/${c.id}/save`)).status).toBe(200)
    expect((await call<MyCoupon[]>(fan, 'GET', '/api/me/coupons')).body).toEqual([])
    for (const id of ['zzzzzzzzzzzzzzzzzzzzzz', 'short'])
      for (const [method, path] of [
        ['GET', ''],
        ['POST', '/save'],
        ['POST', '/code'],
      ])
        expect((await call(fan, method, `/api/coupons/${id}${path}`)).status, `${method} ${path}`).toBe(404)
    expect((await call(null, 'GET', `/api/coupons/${c.id}`)).status).toBe(401)
  })

  it('a post may carry a coupon of its own channel only', async () => {
    const [admin, rival] = [await user('adm'), await user('riv')]
    const [ch, theirs] = [await channel(admin), await channel(rival)]
    const own = await coupon(admin, ch.id)
    const foreign = await coupon(rival, theirs.id)
    const post = (couponRef: unknown): ChannelPost =>
      ({
        id: `cp${n++}post${tag}`,
        from: admin.user.id,
        ts: Date.now(),
        kind: 'text',
        text: 'Coffee!',
        coupon: couponRef,
      }) as ChannelPost
    const open = async (): Promise<SyncClient> => {
      const c = await connect(suite.server, admin.token, channelPageDoc(ch.id, 0))
      suite.keep(c)
      return c
    }
    const good = await open()
    good.doc.getArray<ChannelPost>('posts').push([post({ id: own.id, title: own.title })])
    const head = await connect(suite.server, admin.token, channelHeadDoc(ch.id))
    suite.keep(head)
    await until(() => head.doc.getMap('meta').get('count') === 1, 'the post with its own coupon is taken')
    expect(good.closes).toEqual([])

    const cases: Array<[string, unknown, string]> = [
      ["another channel's coupon", { id: foreign.id, title: foreign.title }, "channel's own"],
      ['a coupon that does not exist', { id: 'A'.repeat(22), title: 'Free' }, "channel's own"],
      ['a malformed id', { id: 'nope', title: 'Free' }, 'coupon id is malformed'],
      ['no title', { id: own.id, title: ' ' }, 'coupon title'],
      ['more fields', { id: own.id, title: 'x', quantity: 1 }, 'unknown fields'],
    ]
    for (const [what, ref, reason] of cases) {
      const c = await open()
      c.doc.getArray<ChannelPost>('posts').push([post(ref)])
      await until(() => c.closes.length > 0, `the server answers ${what}`)
      expect(c.closes[0]?.code, what).toBe(CLOSE.REFUSED)
      expect(c.closes[0]?.reason, what).toContain(reason)
      c.destroy()
    }
    const later = await open()
    expect(later.doc.getArray<ChannelPost>('posts').length).toBe(1)
  })

  it('a code is redeemed once at the store; a replay, an expired, a tampered or a foreign code is refused; non-admins cannot redeem', async () => {
    const [admin, staff, fan, stranger, rival] = [
      await user('adm'),
      await user('stf'),
      await user('fan'),
      await user('str'),
      await user('riv'),
    ]
    const ch = await channel(admin)
    await call(admin, 'POST', `/api/channels/${ch.id}/admins`, { handle: staff.user.handle })
    const c = await coupon(admin, ch.id)
    await call(fan, 'POST', `/api/coupons/${c.id}/save`)
    const { code, exp } = await codeFor(fan, c.id)
    expect(exp).toBeGreaterThan(Date.now())
    expect(exp).toBeLessThanOrEqual(Date.now() + 10 * 60_000)
    const p = payloadOf(code)
    // the code names the user by a pseudonym of this coupon only
    expect(JSON.stringify(p)).not.toContain(fan.user.id)
    expect(p.p).toBe(payloadOf((await codeFor(fan, c.id)).code).p)
    const otherCoupon = await coupon(admin, ch.id)
    expect(payloadOf((await codeFor(fan, otherCoupon.id)).code).p).not.toBe(p.p)

    // a shop view can check the signature offline with the public key
    const key = (await call<CouponKey>(staff, 'GET', '/api/coupons/key')).body
    expect(key.alg).toBe('Ed25519')
    const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.publicKey }, format: 'jwk' })
    const [text, sig] = code.split('.')
    expect(verify(null, Buffer.from(text), pub, Buffer.from(sig, 'base64url'))).toBe(true)

    // non-admins and another channel's admins redeem nothing
    expect((await redeem(fan, ch.id, code)).status).toBe(403)
    expect((await redeem(stranger, ch.id, code)).status).toBe(403)
    const theirs = await channel(rival)
    const foreign = await redeem(rival, theirs.id, code)
    expect(foreign.status).toBe(400)
    expect(foreign.body.error.code).toBe('code_invalid')

    // tampered: a later expiry on the same signature, a flipped signature, garbage
    const later = Buffer.from(JSON.stringify({ ...p, e: Date.now() + day })).toString('base64url')
    const flipped = `${text}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`
    for (const [what, bad] of [
      ['a later expiry', `${later}.${sig}`],
      ['a flipped signature', flipped],
      ['garbage', 'hello'],
      [
        'a signature of another key',
        `${text}.${sign(null, Buffer.from(text), createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), randomBytes(32)]), format: 'der', type: 'pkcs8' })).toString('base64url')}`,
      ],
    ]) {
      const r = await redeem(staff, ch.id, bad)
      expect(r.status, what).toBe(400)
      expect(r.body.error.code, what).toBe('code_invalid')
    }
    // expired: signed by the server's key, but past its time
    const expired = await redeem(staff, ch.id, signed({ ...p, n: 'old', e: Date.now() - 1 }))
    expect(expired.status).toBe(410)
    expect(expired.body.error.code).toBe('code_expired')

    const ok = await redeem(staff, ch.id, code)
    expect(ok.status, JSON.stringify(ok.body)).toBe(200)
    expect(ok.body).toEqual({ coupon: { ...c, soldOut: false } })
    // the shop learns nothing of who it was
    expect(JSON.stringify(ok.body)).not.toContain(fan.user.id)
    expect(JSON.stringify(ok.body)).not.toContain(fan.user.handle)
    const replay = await redeem(admin, ch.id, code)
    expect(replay.status).toBe(409)
    expect(replay.body.error.code).toBe('already_redeemed')
    // a fresh code of the same person for the same coupon is a replay too, and none is given any more
    const again = await call<Err>(fan, 'POST', `/api/coupons/${c.id}/code`)
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('already_redeemed')
    const mine = (await call<MyCoupon[]>(fan, 'GET', '/api/me/coupons')).body
    expect(mine.map((m) => [m.coupon.id, m.state])).toEqual([[c.id, 'redeemed']])
  })

  it("a code's eight digits redeem it at its own channel only, once; wrong digits are limited", async () => {
    const [admin, fan, buddy, rival] = [await user('adm'), await user('fan'), await user('bud'), await user('riv')]
    const ch = await channel(admin)
    const c = await coupon(admin, ch.id)
    const { code, short } = await codeFor(fan, c.id)
    expect(short).toMatch(/^[0-9]{8}$/)
    // each code its own digits
    const other = await codeFor(buddy, c.id)
    expect(other.short).not.toBe(short)
    // another channel's admin cannot use them, nor can a typo
    const theirs = await channel(rival)
    expect((await redeem(rival, theirs.id, short)).body.error.code).toBe('code_invalid')
    const typo = short.slice(0, 7) + ((Number(short[7]) + 1) % 10)
    expect((await redeem(admin, ch.id, typo)).body.error.code).toBe('code_invalid')
    // read out in two groups of four: the same code
    const ok = await redeem(admin, ch.id, `${short.slice(0, 4)} ${short.slice(4)}`)
    expect(ok.status, JSON.stringify(ok.body)).toBe(200)
    expect(ok.body.coupon.id).toBe(c.id)
    // the digits are that signed code: used once, whichever form comes again
    expect((await redeem(admin, ch.id, short)).body.error.code).toBe('already_redeemed')
    expect((await redeem(admin, ch.id, code)).body.error.code).toBe('already_redeemed')
    // guessing: after 20 wrong numbers in a row the channel waits, the right digits included
    for (let i = 0; i < 19; i++) await redeem(admin, ch.id, String(10_000_000 + i))
    const locked = await redeem(admin, ch.id, other.short)
    expect([locked.status, locked.body.error.code]).toEqual([429, 'too_many_attempts'])
  })

  it('200 people redeeming a coupon of 50 at once: exactly 50 succeed; one person at two tills at once: once', async () => {
    const [admin, staff] = [await user('adm'), await user('stf')]
    const ch = await channel(admin)
    await call(admin, 'POST', `/api/channels/${ch.id}/admins`, { handle: staff.user.handle })
    const c = await coupon(admin, ch.id, { quantity: 50 })
    const people: Session[] = []
    for (let i = 0; i < 200; i += 20)
      people.push(...(await Promise.all(Array.from({ length: 20 }, (_, j) => user(`p${i + j}x`)))))
    const codes = await Promise.all(people.map((s) => codeFor(s, c.id)))
    const results = await Promise.all(codes.map((k, i) => redeem(i % 2 ? admin : staff, ch.id, k.code)))
    const statuses = results.map((r) => r.status)
    expect(statuses.filter((s) => s === 200).length).toBe(50)
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 409 && r.body.error.code === 'sold_out')).toBe(true)
    expect((await call<Coupon>(admin, 'GET', `/api/coupons/${c.id}`)).body.soldOut).toBe(true)
    // the channel's statistics count them, rounded (50 is a step of its own)
    const stats = await call<ChannelStats>(staff, 'GET', `/api/channels/${ch.id}/stats`)
    expect(stats.body.couponsRedeemed).toBe(50)
    const late = await call<Err>(people[0], 'POST', `/api/coupons/${c.id}/code`)
    expect(late.status).toBe(409)

    // one person, two codes, two tills, ten times over on fresh coupons
    for (let round = 0; round < 10; round++) {
      const one = await coupon(admin, ch.id, { quantity: 5 })
      const [a, b] = [await codeFor(people[round], one.id), await codeFor(people[round], one.id)]
      expect(a.code).not.toBe(b.code)
      const both = await Promise.all([redeem(admin, ch.id, a.code), redeem(staff, ch.id, b.code)])
      expect(both.map((r) => r.status).sort()).toEqual([200, 409])
      expect(both.find((r) => r.status === 409)?.body.error.code).toBe('already_redeemed')
    }
  })

  it('no answer an admin gets names who saved or redeemed a coupon', async () => {
    const admin = await user('adm')
    const ch = await channel(admin)
    const c = await coupon(admin, ch.id, { title: 'Privacy coupon' })
    const fans: Session[] = []
    for (let i = 0; i < 5; i++) fans.push(await user(`pfan${i}x`))
    for (const f of fans) await call(f, 'POST', `/api/coupons/${c.id}/save`)
    const answers: unknown[] = []
    for (const f of fans.slice(0, 3)) answers.push((await redeem(admin, ch.id, (await codeFor(f, c.id)).code)).body)
    const calls: Array<[string, string, unknown?]> = [
      ['GET', `/api/channels/${ch.id}`],
      ['GET', `/api/channels/${ch.id}/coupons`],
      ['GET', `/api/coupons/${c.id}`],
      ['GET', `/api/channels/${ch.id}/stats`],
      ['GET', `/api/channels/${ch.id}/admins`],
      ['GET', '/api/me/coupons'],
      ['GET', '/api/coupons/key'],
      [
        'POST',
        `/api/channels/${ch.id}/coupons`,
        { title: 'Another', validFrom: Date.now(), validTo: Date.now() + day, quantity: 3 },
      ],
    ]
    for (const [method, path, body] of calls) {
      const r = await call(admin, method, path, body)
      expect(r.status, `${method} ${path}`).toBeLessThan(300)
      answers.push(r.body)
    }
    // five saves, three redemptions: fewer than 20, so nothing
    expect((await call<ChannelStats>(admin, 'GET', `/api/channels/${ch.id}/stats`)).body).toMatchObject({
      couponsSaved: null,
      couponsRedeemed: null,
    })
    const text = JSON.stringify(answers)
    for (const f of fans) {
      expect(text).not.toContain(f.user.id)
      expect(text).not.toContain(f.user.handle)
    }
    expect(text).toContain(c.id)
  })
})
