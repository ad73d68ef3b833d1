// Web Push, server side, against a push service on localhost that checks the VAPID signature and
// decrypts every payload with the subscription's keys as a browser's push service client would: who gets
// a push and in which language, mute, do-not-disturb, mentions, sign-out, 410, 429, a push service that
// hangs, coalescing, and bad input.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes, createECDH } from 'node:crypto'
import type { RunningServer } from '../../server/app.ts'
import { api, signIn, signUp, TEST_PASSWORD, startServerOn } from '../fixtures/server.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { connect, bodies, message, msgs, send, until, type SyncClient } from '../fixtures/sync-client.ts'
import { startPushService, type PushServiceFixture, type TestSubscription } from '../fixtures/push-service.ts'
import { headDoc, inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { BlobInfo, Chat, DeviceSessions, Session } from '../../protocol/api.ts'
import type { InboxEntry } from '../../protocol/messages.ts'
import type { NotificationSettings, PushKey, PushPayload, PushState } from '../../protocol/push.ts'
import { renderPayload } from '../../server/push/render.ts'
import { loadVapidKeys } from '../../server/push/keys.ts'
import { pushOptions } from '../../server/push/options.ts'
import { openDb } from '../../server/db/db.ts'
import sharp from 'sharp'
import { mediaMessage, mediaRef, upload } from '../fixtures/media.ts'

const bundle = (lang: string) =>
  (JSON.parse(readFileSync(`locales/${lang}.json`, 'utf8')) as { push: Record<string, string> }).push
const fill = (s: string, vars: Record<string, string>) => s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k])

/** Pushes per chat and device at most every COALESCE_MS; a short time keeps the suite quick. */
const COALESCE_MS = 500

describe.each(backends())('web push (%s)', (backend) => {
  let server: RunningServer
  let service: PushServiceFixture
  const clients: SyncClient[] = []
  let n = 0

  beforeAll(async () => {
    service = await startPushService()
    server = await startServerOn(await freshDatabaseUrl(backend), {
      // two workers: the test of a hanging push service holds both
      push: { allowHttp: true, coalesceMs: COALESCE_MS, concurrency: 2, timeoutMs: 30_000, retryBaseMs: 200 },
    })
  })
  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy()
    service?.release()
    await server?.close()
    await service?.close()
  })

  const user = (name: string) => signUp(server, `${name}${n++}_${backend.slice(0, 2)}`, name)
  const open = async (s: Session, doc: string) => {
    const c = await connect(server, s.token, doc)
    clients.push(c)
    return c
  }
  /** Another signed-in device of `s`'s account, subscribed at the push service as `name`. */
  const device = async (s: Session, name: string, lang: string, previews = true) => {
    const session = await signIn(server, s.user.handle, TEST_PASSWORD, name)
    const sub = service.subscription(name)
    const r = await api<PushState>(server, session.token, 'PUT', '/api/push/subscription', sub.body(lang, previews))
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ on: true, previews, lang })
    return { session, sub }
  }
  const group = async (owner: Session, title: string, others: Session[]) =>
    (await api<Chat>(server, owner.token, 'POST', '/api/chats/group', { title, userIds: others.map((o) => o.user.id) })).body
  const direct = async (a: Session, b: Session) =>
    (await api<Chat>(server, a.token, 'POST', '/api/chats/direct', { userId: b.user.id })).body
  const delivered = (sub: TestSubscription) => service.delivered(sub.name)
  const waitPushes = (sub: TestSubscription, k: number) => until(() => delivered(sub).length >= k, `${k} pushes to ${sub.name}`)

  it('the members’ devices get the message in their own language; the author’s and a reading device get none', async () => {
    const [ann, bob, cat] = [await user('ann'), await user('bob'), await user('cat')]
    const aPhone = await device(ann, `a-phone-${backend}`, 'en')
    const bKo = await device(bob, `b-ko-${backend}`, 'ko')
    const bDe = await device(bob, `b-de-${backend}`, 'de')
    const cTh = await device(cat, `c-th-${backend}`, 'th')
    const cFr = await device(cat, `c-fr-${backend}`, 'fr', false)
    const cReading = await device(cat, `c-reading-${backend}`, 'en')
    const cHidden = await device(cat, `c-hidden-${backend}`, 'en')
    const chat = await group(ann, 'Trip', [bob, cat])
    // cat's reading device shows the chat (awareness `viewing: true`); another holds it open in a hidden tab
    const reading = await open(cReading.session, headDoc(chat.id))
    reading.provider.awareness.setLocalStateField('viewing', true)
    const hidden = await open(cHidden.session, headDoc(chat.id))
    hidden.provider.awareness.setLocalStateField('viewing', false)
    const says = (v: boolean) =>
      [...(server.sync.docs.get(headDoc(chat.id))?.awareness.values() ?? [])].some((e) => e.state.includes(`"viewing":${v}`))
    await until(() => says(true) && says(false), 'the server has both devices’ awareness')

    const page = await open(ann, pageDoc(chat.id, 0))
    const m1 = send(page, ann.user.id, 'hello team')
    for (const d of [bKo, bDe, cTh, cFr, cHidden]) await waitPushes(d.sub, 1)

    const key = (await api<PushKey>(server, bob.token, 'GET', '/api/push/key')).body.key
    for (const [d, lang] of [
      [bKo, 'ko'],
      [bDe, 'de'],
      [cTh, 'th'],
    ] as const) {
      const p = delivered(d.sub)[0]
      expect(p).toEqual({
        v: 1,
        chat: chat.id,
        msg: m1.id,
        kind: 'group',
        title: fill(bundle(lang).inGroup, { name: 'ann', chat: 'Trip' }),
        body: 'hello team',
        count: 1,
        badge: 1,
      } satisfies PushPayload)
      const req = service.received.find((r) => r.name === d.sub.name)!
      expect(req.vapidKey).toBe(key)
      expect(req.headers.urgency).toBe('normal')
      expect(Number(req.headers.ttl)).toBeGreaterThan(0)
      expect(req.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/)
      expect(req.headers.topic).not.toContain(chat.id)
    }
    // one topic per chat, so the push service keeps only its newest
    expect(new Set(service.received.filter((r) => r.name.endsWith(backend)).map((r) => r.headers.topic)).size).toBe(1)
    expect(service.received.find((r) => r.name === bKo.sub.name)!.headers['content-encoding']).toBe('aes128gcm')
    // previews off: no sender, no chat name, no text
    expect(delivered(cFr.sub)[0]).toEqual({
      v: 1,
      chat: chat.id,
      count: 1,
      badge: 1,
      title: 'Sori',
      body: bundle('fr').newMessage,
    })

    // bob answers: ann's device gets its first push now, and it is bob's message, not her own
    const bobPage = await open(bob, pageDoc(chat.id, 0))
    await until(() => bodies(bobPage).length === 1, 'bob has the chat')
    const m2 = send(bobPage, bob.user.id, 'hi ann')
    await waitPushes(aPhone.sub, 1)
    // (her count is 2: nothing here moved her read position past her own message, as an app would)
    expect(delivered(aPhone.sub).map((p) => [p.msg, p.title, p.count])).toEqual([[m2.id, 'bob in Trip', 2]])

    // the device showing the chat got nothing; once it stops showing it, the next message is its first push
    expect(service.received.filter((r) => r.name === cReading.sub.name)).toEqual([])
    reading.provider.awareness.setLocalStateField('viewing', false)
    await until(() => !says(true), 'the server has the device’s awareness')
    const m3 = send(page, ann.user.id, 'are you there?')
    await waitPushes(cReading.sub, 1)
    expect(delivered(cReading.sub).map((p) => [p.msg, p.count])).toEqual([[m3.id, 3]])
    expect(service.errors).toEqual([])
  })

  it('a muted chat, a signed-out and a removed device get none; a mention passes the mute; do-not-disturb holds all', async () => {
    const [ann, bob, cid] = [await user('ann'), await user('bob'), await user('cid')]
    const b1 = await device(bob, `b1-${backend}`, 'en')
    const b2 = await device(bob, `b2-${backend}`, 'en')
    const b3 = await device(bob, `b3-${backend}`, 'en')
    // cid's pushes show when a message's pushes have been decided: bob's with them
    const c1 = await device(cid, `cid-${backend}`, 'en')
    const decided = (m: { id: string }) => until(() => delivered(c1.sub).some((p) => p.msg === m.id), `the pushes of ${m.id}`)
    const g = await group(ann, 'Muted', [bob, cid])
    const d = await direct(ann, bob)

    expect((await api(server, bob.token, 'PUT', `/api/chats/${g.id}/mute`, { until: -1 })).body).toEqual({ until: -1 })
    const inbox = await open(bob, inboxDoc(bob.user.id))
    const entry = (id: string) => inbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(id)
    await until(() => entry(g.id)?.muted === -1, 'the inbox entry says muted')
    expect(entry(d.id)?.muted).toBeUndefined()

    expect((await api(server, b2.session.token, 'POST', '/api/signout')).status).toBe(204)
    const list = (await api<DeviceSessions>(server, b1.session.token, 'GET', '/api/sessions')).body.sessions
    // the devices list says which devices get notifications: b1 and b3, not b2 (signed out) nor the device bob signed up on
    expect(Object.fromEntries(list.map((s) => [s.device, s.push]))).toEqual({
      [b1.sub.name]: true,
      [b3.sub.name]: true,
      '': false,
    })
    const b3id = list.find((s) => s.device === b3.sub.name)!.id
    expect((await api(server, b1.session.token, 'DELETE', `/api/sessions/${b3id}`)).status).toBe(204)
    const rows = await server.db.all<{ session_id: string }>('SELECT session_id FROM push_subs WHERE user_id = ?', [bob.user.id])
    expect(rows.length).toBe(1)

    const gPage = await open(ann, pageDoc(g.id, 0))
    const dPage = await open(ann, pageDoc(d.id, 0))
    const m1 = send(gPage, ann.user.id, 'in the muted group')
    await decided(m1)
    const m2 = send(dPage, ann.user.id, 'direct hello')
    await waitPushes(b1.sub, 1)
    expect(delivered(b1.sub).map((p) => p.msg)).toEqual([m2.id])
    expect(service.received.find((r) => r.name === b1.sub.name)!.headers.urgency).toBe('high')
    expect(service.received.filter((r) => r.name === b2.sub.name || r.name === b3.sub.name)).toEqual([])

    // a mention of @bob passes the mute (mentions are on by default)
    const m3 = send(gPage, ann.user.id, `@${bob.user.handle} look at this`)
    await waitPushes(b1.sub, 2)
    // the badge leaves the muted chat out: the direct chat's one message
    expect(delivered(b1.sub)[1]).toMatchObject({ msg: m3.id, mention: true, count: 2, badge: 1 })
    expect(service.received.filter((r) => r.name === b1.sub.name)[1].headers.urgency).toBe('high')
    // with mentions off, a mention in a muted chat is muted too
    const off: NotificationSettings = { dnd: null, mentions: false }
    expect((await api(server, bob.token, 'PUT', '/api/me/notifications', off)).body).toEqual(off)
    await decided(send(gPage, ann.user.id, `@${bob.user.handle} again`))

    // unmuted, but do not disturb from an hour ago to an hour from now (UTC): nothing
    expect((await api(server, bob.token, 'PUT', `/api/chats/${g.id}/mute`, { until: null })).body).toEqual({ until: null })
    await until(() => entry(g.id) !== undefined && entry(g.id)!.muted === undefined, 'the inbox entry is unmuted')
    const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16)
    const dnd: NotificationSettings = {
      dnd: { from: hhmm(Date.now() - 3600_000), to: hhmm(Date.now() + 3600_000), tz: 'UTC' },
      mentions: true,
    }
    expect((await api(server, bob.token, 'PUT', '/api/me/notifications', dnd)).status).toBe(200)
    expect((await api(server, bob.token, 'GET', '/api/me/notifications')).body).toEqual(dnd)
    await decided(send(gPage, ann.user.id, 'during dnd'))

    // the window shut: the next message pushes, and it is bob's first since the mention
    await api(server, bob.token, 'PUT', '/api/me/notifications', { dnd: null, mentions: true })
    const m6 = send(gPage, ann.user.id, 'after dnd')
    await waitPushes(b1.sub, 3)
    expect(delivered(b1.sub).map((p) => p.msg)).toEqual([m2.id, m3.id, m6.id])
    // five unread in the group; the badge counts both chats now
    expect(delivered(b1.sub)[2]).toMatchObject({ count: 5, badge: 6, title: 'ann in Muted' })
    expect(service.errors).toEqual([])
  })

  it('a mention in an earlier message of the same commit passes the mute too', async () => {
    const [ann, bob] = [await user('ann'), await user('bob')]
    const b1 = await device(bob, `bm-${backend}`, 'en')
    const g = await group(ann, 'Batch', [bob])
    expect((await api(server, bob.token, 'PUT', `/api/chats/${g.id}/mute`, { until: -1 })).status).toBe(200)
    const page = await open(ann, pageDoc(g.id, 0))
    // one update, two messages: the mention is not the latest
    const first = message(ann.user.id, `@${bob.user.handle} are you coming?`)
    const second = message(ann.user.id, 'we leave at eight')
    msgs(page).push([first, second])
    await waitPushes(b1.sub, 1)
    expect(delivered(b1.sub)[0]).toMatchObject({ msg: second.id, mention: true, count: 2 })
  })

  it('410 deletes the subscription, but not a newer one of the same device; 429 is retried and delivered once', async () => {
    const [ann, cat] = [await user('ann'), await user('cat')]
    const gone = await device(cat, `gone-${backend}`, 'en')
    const busy = await device(cat, `busy-${backend}`, 'en')
    const renewed = await device(cat, `renewed-${backend}`, 'en')
    service.script(gone.sub.name, [{ status: 410 }])
    service.script(busy.sub.name, [{ status: 429, retryAfter: '1' }])
    service.script(renewed.sub.name, ['hang'])
    const chat = await direct(ann, cat)
    const page = await open(ann, pageDoc(chat.id, 0))
    const m1 = send(page, ann.user.id, 'first')

    // gone: answered 410, its subscription is deleted
    await until(async () => {
      const s = await api<PushState>(server, gone.session.token, 'GET', '/api/push/subscription')
      return !s.body.on
    }, 'the 410 subscription is deleted')
    expect(service.received.filter((r) => r.name === gone.sub.name).map((r) => r.status)).toEqual([410])

    // renewed: its push hangs while the device subscribes anew; the late 410 leaves the new subscription
    await until(() => service.hanging(renewed.sub.name) === 1, 'the push to the renewed device hangs')
    const fresh = service.subscription(`renewed2-${backend}`)
    expect((await api(server, renewed.session.token, 'PUT', '/api/push/subscription', fresh.body('en'))).status).toBe(200)
    service.release(410)
    // busy: 429 first, then retried after Retry-After and delivered once
    await waitPushes(busy.sub, 1)
    expect(service.received.filter((r) => r.name === busy.sub.name).map((r) => r.status)).toEqual([429, 201])
    expect(delivered(busy.sub).map((p) => p.msg)).toEqual([m1.id])

    const m2 = send(page, ann.user.id, 'second')
    await waitPushes(fresh, 1)
    await waitPushes(busy.sub, 2)
    expect(delivered(fresh).map((p) => p.msg)).toEqual([m2.id])
    expect((await api<PushState>(server, renewed.session.token, 'GET', '/api/push/subscription')).body.on).toBe(true)
    expect(delivered(busy.sub).map((p) => p.msg)).toEqual([m1.id, m2.id])
    expect(service.received.filter((r) => r.name === busy.sub.name).length).toBe(3)
    expect(service.received.filter((r) => r.name === gone.sub.name).length).toBe(1)
    expect(service.errors).toEqual([])
  })

  it('a push service that hangs holds up no message: another member’s live client gets it meanwhile', async () => {
    const [ann, dan, eve] = [await user('ann'), await user('dan'), await user('eve')]
    // two devices whose pushes hang: every push worker is held
    const h1 = await device(dan, `hang1-${backend}`, 'en')
    const h2 = await device(dan, `hang2-${backend}`, 'en')
    service.script(h1.sub.name, ['hang'])
    service.script(h2.sub.name, ['hang'])
    const chat = await group(ann, 'Hang', [dan, eve])
    const page = await open(ann, pageDoc(chat.id, 0))
    const live = await open(eve, pageDoc(chat.id, 0))
    send(page, ann.user.id, 'one')
    await until(() => service.hanging(h1.sub.name) + service.hanging(h2.sub.name) === 2, 'both pushes hang')
    const sent = performance.now()
    send(page, ann.user.id, 'two')
    await until(() => bodies(live).includes('two'), 'eve gets the second message')
    const ms = performance.now() - sent
    // delivered while both push requests are still unanswered
    expect(service.hanging(h1.sub.name) + service.hanging(h2.sub.name)).toBe(2)
    console.info(`message delivery with every push worker held by a hanging push service: ${ms.toFixed(1)} ms`)
    service.release()
    // the hung pushes end, and the coalesced second message follows
    await until(
      () => delivered(h1.sub).some((p) => p.body === 'two') && delivered(h2.sub).some((p) => p.body === 'two'),
      'the second push',
    )
    expect(delivered(h1.sub).at(-1)).toMatchObject({ count: 2 })
  })

  it('a burst of five messages gives fewer pushes, the last with the final count', async () => {
    const [ann, fay] = [await user('ann'), await user('fay')]
    const f = await device(fay, `burst-${backend}`, 'en')
    const chat = await direct(ann, fay)
    const page = await open(ann, pageDoc(chat.id, 0))
    for (let i = 0; i < 5; i++) send(page, ann.user.id, `burst ${i}`)
    await until(() => delivered(f.sub).some((p) => p.count === 5), 'a push with the count 5')
    const pushes = delivered(f.sub)
    expect(pushes.length).toBeLessThan(5)
    expect(pushes.at(-1)).toMatchObject({ count: 5, body: 'burst 4', title: 'ann' })
    // nothing more comes of the burst: the next push is the next message's
    send(page, ann.user.id, 'after the burst')
    await until(() => delivered(f.sub).some((p) => p.count === 6), 'a push with the count 6')
    expect(delivered(f.sub).length).toBe(pushes.length + 1)
    expect(delivered(f.sub).at(-1)).toMatchObject({ body: 'after the burst' })
  })

  it('photos sent together are pushed as one album: "3 photos", in the subscriber’s language', async () => {
    const [ann, fay] = [await user('ann'), await user('fay')]
    const f = await device(fay, `album-${backend}`, 'de')
    const chat = await direct(ann, fay)
    const page = await open(ann, pageDoc(chat.id, 0))
    const blobs: BlobInfo[] = []
    const png = (w: number) =>
      sharp({ create: { width: w, height: 10, channels: 3, background: '#2a6' } })
        .png()
        .toBuffer()
    for (const w of [11, 12, 13]) blobs.push(await upload(server, ann.token, chat.id, 'photo', await png(w)))
    // one update, as the app sends photos picked together
    msgs(page).push(blobs.map((b) => mediaMessage(ann.user.id, mediaRef(b))))
    await until(() => delivered(f.sub).some((p) => p.count === 3), 'a push with the count 3')
    expect(delivered(f.sub).at(-1)).toMatchObject({ count: 3, body: fill(bundle('de').photos_other, { count: '3' }) })
    // words end the album: the next photo with a caption says so
    const more = await upload(server, ann.token, chat.id, 'photo', await png(14))
    msgs(page).push([mediaMessage(ann.user.id, mediaRef(more), 'am Meer')])
    await until(() => delivered(f.sub).some((p) => p.count === 4), 'a push with the count 4')
    expect(delivered(f.sub).at(-1)).toMatchObject({
      body: fill(bundle('de').withCaption, { kind: bundle('de').photo, caption: 'am Meer' }),
    })
  })

  it('a message its author takes back before its push goes is not pushed; an edit is no new message', async () => {
    const [ann, fay] = [await user('ann'), await user('fay')]
    const f = await device(fay, `retract-${backend}`, 'en')
    const chat = await direct(ann, fay)
    const page = await open(ann, pageDoc(chat.id, 0))
    send(page, ann.user.id, 'hello')
    await waitPushes(f.sub, 1)
    // the next push of the chat waits COALESCE_MS after this one: meanwhile ann sends and takes it back
    const secret = send(page, ann.user.id, 'my card number is 4111 1111 1111 1111')
    page.doc.getMap(ROOTS.page.edits).set(secret.id, { retracted: true, ts: Date.now() })
    const hello = msgs(page).get(0)
    page.doc.getMap(ROOTS.page.edits).set(hello.id, { body: 'hello, edited', ts: Date.now() })
    // past the time the retracted message's push would have gone
    await new Promise((r) => setTimeout(r, 3 * COALESCE_MS))
    send(page, ann.user.id, 'after')
    await until(() => delivered(f.sub).some((p) => p.body === 'after'), "the next message's push")
    expect(delivered(f.sub).map((p) => p.body)).toEqual(['hello', 'after'])
  })

  it('a member who turns notifications on after a message that found no device of theirs gets the next one', async () => {
    const [ann, fay, gil] = [await user('ann'), await user('fay'), await user('gil')]
    const g = await device(gil, `late-g-${backend}`, 'en')
    const chat = await group(ann, 'Late', [fay, gil])
    const page = await open(ann, pageDoc(chat.id, 0))
    send(page, ann.user.id, 'before fay subscribed')
    // gil's push says the round that planned this message is over: it found no device of fay's
    await waitPushes(g.sub, 1)
    const f = await device(fay, `late-f-${backend}`, 'en')
    send(page, ann.user.id, 'after fay subscribed')
    await waitPushes(f.sub, 1)
    expect(delivered(f.sub)).toEqual([expect.objectContaining({ title: 'ann in Late', body: 'after fay subscribed', count: 2 })])
  })

  it('bad bodies get 400 and change nothing', async () => {
    const [gus, hal] = [await user('gus'), await user('hal')]
    const g = await device(gus, `good-${backend}`, 'de')
    const good = g.sub.body('de')
    const t = g.session.token
    const state = () => api<PushState>(server, t, 'GET', '/api/push/subscription')
    const row = () =>
      server.db.get('SELECT endpoint, p256dh, auth, lang, previews FROM push_subs WHERE session_id IS NOT NULL AND user_id = ?', [
        gus.user.id,
      ])
    const before = await row()
    const notOnCurve = Buffer.concat([Buffer.from([4]), randomBytes(64)]).toString('base64url')
    const compressed = createECDH('prime256v1')
    compressed.generateKeys()
    const bad: unknown[] = [
      'not json',
      [],
      { ...good, endpoint: 'http://example.com/push' },
      { ...good, endpoint: 'https://10.0.0.1/push' },
      { ...good, endpoint: 'https://localhost/push' },
      { ...good, endpoint: 'ftp://push.example.com/x' },
      { ...good, endpoint: 'https://user:pw@push.example.com/x' },
      // read as push.example.com by one parser and as 10.0.0.1 by another
      { ...good, endpoint: 'https://push.example.com\\@10.0.0.1/x' },
      { ...good, endpoint: 'https://push.example.com/x y' },
      { ...good, endpoint: `https://push.example.com/${'a'.repeat(2100)}` },
      { ...good, endpoint: 42 },
      { ...good, keys: undefined },
      { ...good, keys: { ...good.keys, p256dh: good.keys.p256dh.slice(0, -2) } },
      { ...good, keys: { ...good.keys, p256dh: notOnCurve } },
      { ...good, keys: { ...good.keys, p256dh: compressed.getPublicKey(undefined, 'compressed').toString('base64url') } },
      { ...good, keys: { ...good.keys, auth: randomBytes(15).toString('base64url') } },
      { ...good, keys: { ...good.keys, auth: '!!!!' } },
      { ...good, lang: 'xx' },
      { ...good, previews: 'yes' },
    ]
    for (const b of bad) {
      const r = await api<{ error: { code: string } }>(server, t, 'PUT', '/api/push/subscription', b)
      expect([r.status, r.body.error.code], JSON.stringify(b).slice(0, 80)).toEqual([400, 'bad_request'])
    }
    expect((await state()).body).toEqual({ on: true, previews: true, lang: 'de' })
    expect(await row()).toEqual(before)

    const settings = { dnd: { from: '22:00', to: '07:00', tz: 'Asia/Seoul' }, mentions: false }
    expect((await api(server, t, 'PUT', '/api/me/notifications', settings)).status).toBe(200)
    for (const b of [
      { dnd: { from: '25:00', to: '07:00', tz: 'Asia/Seoul' }, mentions: true },
      { dnd: { from: '22:00', to: '22:00', tz: 'Asia/Seoul' }, mentions: true },
      { dnd: { from: '22:00', to: '07:00', tz: 'Mars/Olympus' }, mentions: true },
      { dnd: null },
      { dnd: 'night', mentions: true },
    ])
      expect((await api(server, t, 'PUT', '/api/me/notifications', b)).status).toBe(400)
    expect((await api(server, t, 'GET', '/api/me/notifications')).body).toEqual(settings)

    const chat = await direct(gus, hal)
    for (const b of [{ until: 'soon' }, { until: Date.now() + 400 * 86_400_000 }, { until: -2 }, {}])
      expect((await api(server, t, 'PUT', `/api/chats/${chat.id}/mute`, b)).status).toBe(400)
    const [ivy] = [await user('ivy')]
    expect((await api(server, ivy.token, 'PUT', `/api/chats/${chat.id}/mute`, { until: -1 })).status).toBe(403)
    expect((await api(server, null, 'GET', '/api/push/key')).status).toBe(401)
    const muted = await server.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM members WHERE conv_id = ? AND muted <> 0', [
      chat.id,
    ])
    expect(Number(muted?.n)).toBe(0)

    // DELETE turns this device's pushes off
    expect((await api(server, t, 'DELETE', '/api/push/subscription')).status).toBe(204)
    expect((await state()).body).toEqual({ on: false, previews: true, lang: 'en' })
    // a deleted account's devices go with their subscriptions
    await device(hal, `hal-${backend}`, 'ko')
    const hals = () => server.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM push_subs WHERE user_id = ?', [hal.user.id])
    expect(Number((await hals())?.n)).toBe(1)
    expect((await api(server, hal.token, 'DELETE', '/api/me', { password: TEST_PASSWORD })).status).toBe(204)
    expect(Number((await hals())?.n)).toBe(0)
  })

  it('nodes on one database share one VAPID key pair; keys from the environment win', async () => {
    const url = await freshDatabaseUrl(backend)
    const [db1, db2] = [await openDb(url), await openDb(url)]
    try {
      // two nodes starting at once: the first to store its pair wins, and both sign with it
      const [k1, k2] = await Promise.all([loadVapidKeys(db1, pushOptions({}, {})), loadVapidKeys(db2, pushOptions({}, {}))])
      expect(k1.publicKey).toBe(k2.publicKey)
      expect(k1.privateKey).toBe(k2.privateKey)
      expect(Buffer.from(k1.publicKey, 'base64url').length).toBe(65)
      // a restart reads it back
      expect((await loadVapidKeys(db1, pushOptions({}, {}))).publicKey).toBe(k1.publicKey)
      const own = createECDH('prime256v1')
      own.generateKeys()
      const env = {
        SORI_VAPID_PUBLIC_KEY: own.getPublicKey().toString('base64url'),
        SORI_VAPID_PRIVATE_KEY: own.getPrivateKey().toString('base64url'),
        SORI_VAPID_SUBJECT: 'mailto:ops@sori.example',
      }
      expect(await loadVapidKeys(db1, pushOptions({}, env))).toEqual({
        publicKey: env.SORI_VAPID_PUBLIC_KEY,
        privateKey: env.SORI_VAPID_PRIVATE_KEY,
        subject: 'mailto:ops@sori.example',
      })
      await expect(loadVapidKeys(db1, pushOptions({}, { ...env, SORI_VAPID_PUBLIC_KEY: k1.publicKey }))).rejects.toThrow(
        /not the public key/,
      )
    } finally {
      await db1.close()
      await db2.close()
    }
  })

  it('media messages say their kind, in the subscriber’s language', () => {
    const chat = { id: 'abcdefghijkl', kind: 'direct' as const, title: '', members: 2, sender: 'Jun' }
    const photo = {
      id: 'x',
      body: '',
      kind: 'media' as const,
      media: { id: 'b', kind: 'photo' as const, mime: 'image/jpeg', size: 1, w: 1, h: 1 },
    }
    const base = { chat, count: 1, badge: 1, mention: false, previews: true }
    const last = { preview: '', from: 'u', ts: 1 }
    expect(renderPayload({ ...base, lang: 'de', latest: { msg: photo, last } }).body).toBe(bundle('de').photo)
    expect(renderPayload({ ...base, lang: 'ko', latest: { msg: { ...photo, body: '바다' }, last } }).body).toBe(
      fill(bundle('ko').withCaption, { kind: bundle('ko').photo, caption: '바다' }),
    )
    expect(renderPayload({ ...base, lang: 'th', previews: false, count: 3, latest: { msg: photo, last } }).body).toBe(
      fill(bundle('th').newMessages_other, { count: '3' }),
    )
    // a long text is cut, and the whole payload stays far below 4 KB
    const long = renderPayload({ ...base, lang: 'en', latest: { msg: { id: 'y', body: '가'.repeat(5000), kind: 'text' }, last } })
    expect([...long.body].length).toBe(200)
    expect(Buffer.byteLength(JSON.stringify(long))).toBeLessThan(1024)
  })
})
