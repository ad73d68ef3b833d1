// Web Push of channel posts, against a push service on localhost that checks the VAPID signature and
// decrypts every payload: followers' devices get the post in their own language; the author, a muted
// follower, one in do-not-disturb time, a non-follower and an ad get nothing; a burst is one push; 500
// followers get one push each at the channel's rate, and a chat's push is not held behind them.
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import type { RunningServer } from '../../server/app.ts'
import { openDb } from '../../server/db/db.ts'
import { hashToken } from '../../server/auth/tokens.ts'
import { api, signIn, signUp, TEST_PASSWORD, startServerOn } from '../fixtures/server.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { connect, send, until, type SyncClient } from '../fixtures/sync-client.ts'
import { startPushService, type PushServiceFixture, type TestSubscription } from '../fixtures/push-service.ts'
import { CHANNEL_ROOTS, channelPageDoc, type Channel, type ChannelPost } from '../../protocol/channels.ts'
import { pageDoc } from '../../protocol/docs.ts'
import type { Chat, Session } from '../../protocol/api.ts'
import type { ChannelPushPayload, MuteBody, PushPayload, PushState } from '../../protocol/push.ts'

const bundle = (lang: string) =>
  (JSON.parse(readFileSync(`locales/${lang}.json`, 'utf8')) as { push: Record<string, string> }).push

/** Pushes per channel and device at most every COALESCE_MS: a channel's sweep starts this long after its post. */
const COALESCE_MS = 300
/** Pushes per channel and second: 500 followers take about five seconds. */
const RATE = 100
const FANOUT = 500

let seq = 0
const post = (from: string, text: string, extra: Partial<ChannelPost> = {}): ChannelPost => ({
  id: `p${process.pid}x${Date.now().toString(36)}x${(seq++).toString(36)}`,
  from,
  ts: Date.now(),
  kind: 'text',
  text,
  ...extra,
})

describe.each(backends())('channel pushes (%s)', (backend) => {
  let server: RunningServer
  let service: PushServiceFixture
  let databaseUrl: string
  const clients: SyncClient[] = []
  let n = 0

  beforeAll(async () => {
    service = await startPushService()
    databaseUrl = await freshDatabaseUrl(backend)
    server = await startServerOn(databaseUrl, {
      push: { allowHttp: true, coalesceMs: COALESCE_MS, concurrency: 4, timeoutMs: 30_000, retryBaseMs: 200, channelRate: RATE },
    })
  })
  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await server?.close()
    await service?.close()
  })

  const user = (name: string) => signUp(server, `${name}${n++}_${backend.slice(0, 2)}`, name)
  const device = async (s: Session, name: string, lang: string, previews = true) => {
    const session = await signIn(server, s.user.handle, TEST_PASSWORD, name)
    const sub = service.subscription(`${name}-${backend}`)
    const r = await api<PushState>(server, session.token, 'PUT', '/api/push/subscription', sub.body(lang, previews))
    expect(r.status).toBe(200)
    return sub
  }
  const channel = async (admin: Session, name: string) => {
    const r = await api<Channel>(server, admin.token, 'POST', '/api/channels', {
      handle: `ch${n++}_${backend.slice(0, 2)}`,
      name,
      category: 'music',
      langs: ['ko', 'en'],
    })
    expect(r.status).toBe(201)
    return r.body
  }
  const follow = async (s: Session, ch: Channel) =>
    expect((await api(server, s.token, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)
  const mute = (s: Session, ch: Channel, until: number | null) =>
    api<MuteBody>(server, s.token, 'PUT', `/api/channels/${ch.id}/mute`, { until })
  /** The admin's page of the channel, to post into. */
  const page = async (admin: Session, ch: Channel) => {
    const c = await connect(server, admin.token, channelPageDoc(ch.id, 0), { ack: true })
    clients.push(c)
    return c
  }
  const write = (c: SyncClient, p: ChannelPost) => c.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([p])
  /** Everything `c` wrote is committed (acknowledged): its posts' pushes are noted by now. */
  const committed = (c: SyncClient) =>
    until(() => c.ackedClock() >= Y.getState(c.doc.store, c.doc.clientID), 'the posts are committed')
  const delivered = (sub: TestSubscription) => service.delivered(sub.name) as unknown as ChannelPushPayload[]
  /** Every channel post noted so far has been swept and its pushes answered: what was not sent never will be. */
  const settled = () =>
    until(() => {
      const s = server.push.stats()
      return s.channelSweeps === 0 && s.channelQueued === 0 && s.channelInFlight === 0
    }, 'the channel pushes are all sent')

  it('followers’ devices get the post in their language; the author, a muted follower, do-not-disturb, a non-follower and an ad get none', async () => {
    const [ann, bob, cat, dan, eve] = [
      await user('ann'),
      await user('bob'),
      await user('cat'),
      await user('dan'),
      await user('eve'),
    ]
    const annPhone = await device(ann, 'ann', 'en')
    const bobKo = await device(bob, 'bob-ko', 'ko')
    const bobDe = await device(bob, 'bob-de', 'de', false)
    const catEn = await device(cat, 'cat', 'en')
    const danEn = await device(dan, 'dan', 'en')
    const eveEn = await device(eve, 'eve', 'en')
    const ch = await channel(ann, 'Daily Beats')
    for (const s of [ann, bob, cat, eve]) await follow(s, ch)

    // cat mutes the channel: only cat sees it, an admin's view says nothing; a non-follower cannot
    expect((await mute(cat, ch, -1)).body).toEqual({ until: -1 })
    expect((await api<Channel>(server, cat.token, 'GET', `/api/channels/${ch.id}`)).body.muted).toBe(-1)
    expect((await api<Channel[]>(server, cat.token, 'GET', '/api/me/channels')).body[0].muted).toBe(-1)
    expect((await api<Channel>(server, ann.token, 'GET', `/api/channels/${ch.id}`)).body).not.toHaveProperty('muted')
    expect((await api<Channel>(server, bob.token, 'GET', `/api/channels/${ch.id}`)).body).not.toHaveProperty('muted')
    expect((await mute(dan, ch, -1)).status).toBe(403)
    expect((await mute(cat, ch, 5)).status).toBe(200)
    expect((await mute(bob, ch, 'soon' as unknown as number)).status).toBe(400)
    expect((await mute(cat, ch, -1)).status).toBe(200)
    // eve's do-not-disturb window is now
    const hhmm = (t: number) => new Date(t).toISOString().slice(11, 16)
    const now = Date.now()
    const dnd = { dnd: { from: hhmm(now - 3600_000), to: hhmm(now + 3600_000), tz: 'UTC' }, mentions: true }
    expect((await api(server, eve.token, 'PUT', '/api/me/notifications', dnd)).status).toBe(200)

    const a = await page(ann, ch)
    // an ad, then (once it committed and any sweep of it would have been noted) a post
    write(a, post(ann.user.id, 'SALE 50% off', { ad: true }))
    await committed(a)
    await settled()
    write(a, post(ann.user.id, 'New single out today'))
    await until(() => delivered(bobKo).length === 1 && delivered(bobDe).length === 1, 'bob’s devices get the post')
    await settled()

    expect(delivered(bobKo)).toEqual([{ v: 1, channel: ch.id, title: 'Daily Beats', body: 'New single out today' }])
    // previews off: neither the channel's name nor the post: "Sori" and "New post" in the device's language
    expect(delivered(bobDe)).toEqual([{ v: 1, channel: ch.id, title: 'Sori', body: bundle('de').newPost }])
    expect(bundle('de').newPost).not.toBe(bundle('en').newPost)
    const req = service.received.find((r) => r.name === bobKo.name)!
    expect(req.headers['content-encoding']).toBe('aes128gcm')
    expect(req.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/)
    expect(req.headers.topic).not.toContain(ch.id)
    // the author, the muted follower, the one in do-not-disturb time and the non-follower: nothing, ad or not
    for (const s of [annPhone, catEn, danEn, eveEn]) expect(service.received.filter((r) => r.name === s.name)).toEqual([])
    expect(service.errors).toEqual([])

    // cat unmutes: the next post reaches cat too
    expect((await mute(cat, ch, null)).body).toEqual({ until: null })
    expect((await api<Channel>(server, cat.token, 'GET', `/api/channels/${ch.id}`)).body).not.toHaveProperty('muted')
    write(a, post(ann.user.id, 'Tour dates'))
    await until(() => delivered(catEn).length === 1, 'cat gets the next post')
    expect(delivered(catEn)[0].body).toBe('Tour dates')
    await settled()
    expect(service.received.filter((r) => r.name === annPhone.name || r.name === danEn.name)).toEqual([])
  })

  it('a burst of posts is one push per device, with the latest', async () => {
    const [ann, bob] = [await user('ann'), await user('bob')]
    const bobSub = await device(bob, 'bob-burst', 'en')
    const ch = await channel(ann, 'Burst FM')
    await follow(bob, ch)
    const a = await page(ann, ch)
    for (const text of ['one', 'two', 'three']) write(a, post(ann.user.id, text))
    await committed(a)
    await until(() => delivered(bobSub).length >= 1, 'the push')
    await settled()
    expect(delivered(bobSub)).toEqual([{ v: 1, channel: ch.id, title: 'Burst FM', body: 'three' }])
  })

  it(`${FANOUT} subscribed followers get exactly one push each at the channel's rate, and a chat's push is not held behind them`, async () => {
    const ann = await user('ann')
    const ch = await channel(ann, 'Big Channel')
    // FANOUT accounts with a signed-in device each, made in the database (signing up each would hash
    // FANOUT passwords); each subscribes and follows through the API
    const db = await openDb(databaseUrl)
    const tokens: string[] = []
    const now = Date.now()
    try {
      await db.tx(async (q) => {
        for (let i = 0; i < FANOUT; i++) {
          const id = `f${backend.slice(0, 1)}${String(i).padStart(5, '0')}${randomBytes(3).toString('hex')}`
          const token = randomBytes(32).toString('base64url')
          tokens.push(token)
          await q.run('INSERT INTO users (id, handle, name, status, pass, lang, created) VALUES (?, ?, ?, ?, ?, ?, ?)', [
            id,
            `fan${i}_${backend.slice(0, 2)}`,
            `Fan ${i}`,
            '',
            '',
            'en',
            now,
          ])
          await q.run('INSERT INTO sessions (token_hash, user_id, device, created, seen) VALUES (?, ?, ?, ?, ?)', [
            hashToken(token),
            id,
            'phone',
            now,
            now,
          ])
        }
      })
    } finally {
      await db.close()
    }
    const subs: TestSubscription[] = []
    for (let i = 0; i < FANOUT; i += 25)
      await Promise.all(
        tokens.slice(i, i + 25).map(async (token, j) => {
          const sub = service.subscription(`fan-${backend}-${i + j}`)
          subs.push(sub)
          const langs = ['ko', 'en', 'ja', 'th']
          expect(
            (await api(server, token, 'PUT', '/api/push/subscription', sub.body(langs[(i + j) % langs.length]))).status,
          ).toBe(200)
          expect((await api(server, token, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)
        }),
      )
    // two friends in a chat, one with a device
    const [kim, lee] = [await user('kim'), await user('lee')]
    const leePhone = await device(lee, 'lee-chat', 'en')
    const chat = (await api<Chat>(server, kim.token, 'POST', '/api/chats/direct', { userId: lee.user.id })).body
    const kimPage = await connect(server, kim.token, pageDoc(chat.id, 0))
    clients.push(kimPage)

    const channelPushes = () => subs.reduce((k, s) => k + delivered(s).length, 0)
    const a = await page(ann, ch)
    const posted = Date.now()
    write(a, post(ann.user.id, 'Concert tickets on sale now'))
    await until(() => channelPushes() >= 50, 'the first channel pushes')
    // a friend's message meanwhile: its push comes while the channel's are still being sent
    send(kimPage, kim.user.id, 'are you going?')
    await until(() => service.delivered(leePhone.name).length === 1, 'the chat push')
    const sentWhenChatArrived = channelPushes()
    expect((service.delivered(leePhone.name)[0] as PushPayload).body).toBe('are you going?')
    expect(sentWhenChatArrived).toBeLessThan(FANOUT)

    await until(() => channelPushes() >= FANOUT, `${FANOUT} channel pushes`, 60_000)
    const took = Date.now() - posted
    await settled()
    for (const s of subs)
      expect(delivered(s), s.name).toEqual([{ v: 1, channel: ch.id, title: 'Big Channel', body: 'Concert tickets on sale now' }])
    // the rate: after the first second's burst, RATE a second (a loaded machine is only slower)
    expect(took).toBeGreaterThanOrEqual(((FANOUT - RATE) / RATE) * 1000)
    expect(service.errors).toEqual([])
    console.log(
      `[${backend}] ${FANOUT} followers pushed in ${took} ms at ${RATE}/s; the chat push came after ${sentWhenChatArrived} of them`,
    )
  })
})
