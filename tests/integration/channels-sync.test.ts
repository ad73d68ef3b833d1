// Channel documents through the sync server with stock y-websocket clients: an admin's posts of every
// kind reach connected followers and those who connect later, the head's running count follows, and
// whatever a follower, a stranger or a malformed post tries is refused (close 4400) with nothing applied.
import { randomBytes } from 'node:crypto'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { channelUpload, mediaRef } from '../fixtures/media.ts'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, syncUrl, until, upgradeStatus, type SyncClient } from '../fixtures/sync-client.ts'
import {
  CHANNEL_POSTS_PER_MINUTE,
  CHANNEL_ROOTS,
  channelHeadDoc,
  channelPageDoc,
  type Channel,
  type ChannelPost,
} from '../../protocol/channels.ts'
import type { Session } from '../../protocol/api.ts'
import type { MediaRef } from '../../protocol/messages.ts'
import { CLOSE } from '../../protocol/wire.ts'

let seq = 0
function post(from: string, kind: ChannelPost['kind'], extra: Partial<ChannelPost> = {}): ChannelPost {
  return { id: `p${process.pid}x${Date.now().toString(36)}x${(seq++).toString(36)}`, from, ts: Date.now(), kind, ...extra }
}
const photo = { id: 'AAAAAAAAAAAAAAAAAAAAAA', kind: 'photo' as const, mime: 'image/jpeg', size: 120_000, w: 1200, h: 800 }
const video = {
  id: 'BBBBBBBBBBBBBBBBBBBBBB',
  kind: 'video' as const,
  mime: 'video/mp4',
  size: 3_000_000,
  w: 1280,
  h: 720,
  dur: 15_000,
}
const button = (label: string, url = 'https://example.com/shop') => ({ label, url })

/** One post of each kind, with the most the grammar allows where it has a bound (`media`: uploads for the channel). */
function everyKind(from: string, media: { photo: MediaRef; video: MediaRef } = { photo, video }): ChannelPost[] {
  return [
    post(from, 'text', { text: 'x'.repeat(1_300), buttons: [1, 2, 3, 4, 5].map((i) => button(`Buy now ${i}`.padEnd(14, '!'))) }),
    post(from, 'photo', { media: media.photo, text: 'new album cover' }),
    post(from, 'widePhoto', { media: media.photo, ad: true }),
    post(from, 'video', { media: media.video, buttons: [button('Watch', 'http://example.com/v')] }),
    post(from, 'list', {
      items: [1, 2, 3, 4, 5].map((i) => ({ title: `Track ${i}`, description: 'listen', url: `https://example.com/t/${i}` })),
    }),
    post(from, 'carousel', {
      cards: [1, 2, 3, 4, 5, 6].map((i) => ({ title: `Card ${i}`, buttons: [button('Open')] })),
      text: 'six cards',
    }),
  ]
}

const posts = (c: SyncClient) => c.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts)
const meta = (c: SyncClient) => c.doc.getMap(CHANNEL_ROOTS.head.meta)
const closedWith = (c: SyncClient, code: number) => until(() => c.closes.some((e) => e.code === code), `close ${code}`)

describe.each(backends())('channel documents (%s)', (backend) => {
  const suite = serverSuite(backend)
  let n = 0
  const user = (name: string) => signUp(suite.server, `${name}${n++}_${backend.slice(0, 2)}`, name)
  const open = async (s: Session, doc: string, ack = false) => {
    const c = await connect(suite.server, s.token, doc, { ack })
    suite.keep(c)
    return c
  }
  /** What a fresh client of `s` syncs of `doc`: the server's stored state. */
  async function fresh(s: Session, doc: string): Promise<SyncClient> {
    const c = await open(s, doc)
    c.destroy()
    return c
  }
  async function channel(admin: Session): Promise<Channel> {
    const r = await api<Channel>(suite.server, admin.token, 'POST', '/api/channels', {
      handle: `ch${n++}_${backend.slice(0, 2)}`,
      name: 'Sample Channel',
      category: 'music',
      langs: ['ko', 'en'],
    })
    expect(r.status).toBe(201)
    return r.body
  }
  /** Writes `values` as `s` into a page of its own and expects the server to refuse it with 4400. */
  async function refused(s: Session, doc: string, write: (c: SyncClient) => void, code: number = CLOSE.REFUSED): Promise<void> {
    const c = await open(s, doc)
    write(c)
    await closedWith(c, code)
    c.destroy()
  }

  it('an admin posts one post of each kind: a connected follower gets them, the head counts them, a later one syncs them', async () => {
    const [admin, fan, late] = [await user('adm'), await user('fan'), await user('late')]
    const ch = await channel(admin)
    expect((await api(suite.server, fan.token, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)
    const fanPage = await open(fan, channelPageDoc(ch.id, 0))
    const fanHead = await open(fan, channelHeadDoc(ch.id))
    await until(() => meta(fanHead).get('count') === 0, 'the head is written on load')
    expect(meta(fanHead).get('handle')).toBe(ch.handle)
    expect(meta(fanHead).get('name')).toBe('Sample Channel')
    expect(meta(fanHead).get('page')).toBe(0)

    // a photo and a video post name uploads made for this channel (a post naming any other blob is refused)
    const jpeg = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#48a' } })
      .jpeg()
      .toBuffer()
    const up = async (kind: string, bytes: Uint8Array) => {
      const r = await channelUpload(suite.server, admin.token, ch.id, kind, bytes)
      expect(r.status, r.code).toBe(201)
      return mediaRef(r.blob!)
    }
    const media = {
      photo: await up('photo', jpeg),
      video: { ...(await up('video', randomBytes(20_000))), w: 1280, h: 720, dur: 15_000 },
    }
    const a = await open(admin, channelPageDoc(ch.id, 0), true)
    const all = everyKind(admin.user.id, media)
    for (const p of all) posts(a).push([p])
    await until(() => posts(fanPage).length === all.length, 'the follower gets every post')
    expect(posts(fanPage).toJSON()).toEqual(all)
    await until(() => meta(fanHead).get('count') === all.length, 'the head counts them')
    expect(meta(fanHead).get('kind')).toBe('carousel')
    expect(meta(fanHead).get('preview')).toBe('six cards')
    expect(meta(fanHead).get('ts')).toBe(all[all.length - 1].ts)
    expect(a.closes).toEqual([])

    // someone who was not connected (not even following: channels are public) syncs all of it
    const later = await fresh(late, channelPageDoc(ch.id, 0))
    expect(posts(later).toJSON()).toEqual(all)
    expect(meta(await fresh(late, channelHeadDoc(ch.id))).get('count')).toBe(all.length)
    // the count is the relational one too: an admin's statistics say it
    const stats = await api<{ posts: number }>(suite.server, admin.token, 'GET', `/api/channels/${ch.id}/stats`)
    expect(stats.body.posts).toBe(all.length)
    // and every Channel answer carries it, so that a list shows the latest post without opening heads
    const home = await api<Channel>(suite.server, late.token, 'GET', `/api/channels/${ch.id}`)
    expect(home.body.latest).toEqual({ count: all.length, preview: 'six cards', ts: all[all.length - 1].ts, targeted: [] })
  })

  it("a follower's or a stranger's post, a retraction or a write into the head is refused with nothing applied", async () => {
    const [admin, fan, stranger] = [await user('adm'), await user('fan'), await user('str')]
    const ch = await channel(admin)
    await api(suite.server, fan.token, 'POST', `/api/channels/${ch.id}/follow`)
    const a = await open(admin, channelPageDoc(ch.id, 0))
    const first = post(admin.user.id, 'text', { text: 'hello' })
    posts(a).push([first])
    const watcher = await open(fan, channelPageDoc(ch.id, 0))
    await until(() => posts(watcher).length === 1, 'the first post')
    const head = await open(fan, channelHeadDoc(ch.id))
    await until(() => meta(head).get('count') === 1, 'count 1')

    const page = channelPageDoc(ch.id, 0)
    for (const s of [fan, stranger]) {
      await refused(s, page, (c) => posts(c).push([post(s.user.id, 'text', { text: 'me too' })]))
      // posing as the admin does not help
      await refused(s, page, (c) => posts(c).push([post(admin.user.id, 'text', { text: 'as admin' })]))
      await refused(s, page, (c) => c.doc.getMap(CHANNEL_ROOTS.page.edits).set(first.id, { retracted: true, ts: Date.now() }))
      await refused(s, channelHeadDoc(ch.id), (c) => meta(c).set('count', 0))
    }
    // nor may an admin write the head, delete a post or edit one
    await refused(admin, channelHeadDoc(ch.id), (c) => meta(c).set('name', 'other'))
    await refused(admin, page, (c) => posts(c).delete(0, 1))
    await refused(admin, page, (c) => c.doc.getMap(CHANNEL_ROOTS.page.edits).set(first.id, { text: 'edited', ts: 1 }))
    await refused(admin, page, (c) => c.doc.getMap('other').set('x', 1))

    const after = await fresh(stranger, page)
    expect(posts(after).toJSON()).toEqual([first])
    expect(after.doc.getMap(CHANNEL_ROOTS.page.edits).size).toBe(0)
    expect(posts(watcher).toJSON()).toEqual([first])
    const h = await fresh(stranger, channelHeadDoc(ch.id))
    expect(meta(h).get('count')).toBe(1)
    expect(meta(h).get('name')).toBe('Sample Channel')

    // the admin retracts the post: everyone sees the retraction, the count stays
    expect(meta(head).get('preview')).toBe('hello')
    a.doc.getMap(CHANNEL_ROOTS.page.edits).set(first.id, { retracted: true, ts: Date.now() })
    await until(() => watcher.doc.getMap(CHANNEL_ROOTS.page.edits).has(first.id), 'the retraction arrives')
    // the head no longer shows what was retracted, and still counts it
    await until(() => meta(head).get('preview') === '', 'the preview goes')
    expect(a.closes).toEqual([])
    const h2 = meta(await fresh(stranger, channelHeadDoc(ch.id)))
    expect([h2.get('count'), h2.get('preview'), h2.get('kind')]).toEqual([1, '', 'text'])
  })

  it('malformed posts are refused, each with nothing applied', async () => {
    const [admin, fan] = [await user('adm'), await user('fan')]
    const ch = await channel(admin)
    const me = admin.user.id
    const bad: Array<[string, string, ChannelPost | Record<string, unknown>]> = [
      ['a 15-character button label', 'label', post(me, 'text', { text: 'hi', buttons: [button('x'.repeat(15))] })],
      ['a javascript: link', 'http(s)', post(me, 'text', { text: 'hi', buttons: [button('Open', 'javascript:alert(1)')] })],
      ['a data: link in a list', 'http(s)', post(me, 'list', { items: [{ title: 'a', url: 'data:text/html,<b>' }] })],
      [
        'a link with credentials',
        'http(s)',
        post(me, 'text', { text: 'hi', buttons: [button('Open', 'https://bank.com@evil.example/')] }),
      ],
      ['6 buttons', 'buttons', post(me, 'text', { text: 'hi', buttons: [1, 2, 3, 4, 5, 6].map((i) => button(`b${i}`)) })],
      ['1,301 characters', '1300', post(me, 'text', { text: 'x'.repeat(1_301) })],
      ['7 cards', '2 to 6 cards', post(me, 'carousel', { cards: [1, 2, 3, 4, 5, 6, 7].map((i) => ({ title: `c${i}` })) })],
      ['1 card', '2 to 6 cards', post(me, 'carousel', { cards: [{ title: 'alone' }] })],
      ['6 list items', '1 to 5 items', post(me, 'list', { items: [1, 2, 3, 4, 5, 6].map((i) => ({ title: `i${i}` })) })],
      ['an empty list', '1 to 5 items', post(me, 'list', { items: [] })],
      ['a photo post without a photo', 'media', post(me, 'photo', { text: 'where is it' })],
      ['a video post with a photo', 'another kind', post(me, 'video', { media: photo })],
      ['media on a text post', 'no media', post(me, 'text', { text: 'hi', media: photo })],
      ['an empty text post', 'needs text', post(me, 'text', { text: '  ' })],
      ['an unknown kind', 'kind is unknown', { ...post(me, 'text', { text: 'hi' }), kind: 'coupon' }],
      ['an unknown field', 'unknown fields', { ...post(me, 'text', { text: 'hi' }), html: '<b>hi</b>' }],
      ['ad that is not a boolean', 'ad', { ...post(me, 'text', { text: 'hi' }), ad: 'yes' }],
      ['another author', 'author', post(fan.user.id, 'text', { text: 'hi' })],
      ['a malformed id', 'id is malformed', { ...post(me, 'text', { text: 'hi' }), id: 'short' }],
    ]
    const page = channelPageDoc(ch.id, 0)
    for (const [what, reason, p] of bad) {
      const c = await open(admin, page)
      posts(c).push([p as ChannelPost])
      await until(() => c.closes.length > 0, `the server answers ${what}`)
      expect(c.closes[0]?.code, what).toBe(CLOSE.REFUSED)
      expect(c.closes[0]?.reason, what).toContain(reason)
      c.destroy()
    }
    // a good post then a bad one in one update: the whole update is refused
    await refused(admin, page, (c) =>
      c.doc.transact(() => posts(c).push([post(me, 'text', { text: 'ok' }), bad[0][2] as ChannelPost])),
    )
    // and the same id twice
    const once = post(me, 'text', { text: 'once' })
    const a = await open(admin, page)
    posts(a).push([once])
    const head = await open(fan, channelHeadDoc(ch.id))
    await until(() => meta(head).get('count') === 1, 'one post')
    await refused(admin, page, (c) => posts(c).push([{ ...once, text: 'twice' }]))

    const after = await fresh(fan, page)
    expect(posts(after).toJSON()).toEqual([once])
    expect(meta(await fresh(fan, channelHeadDoc(ch.id))).get('count')).toBe(1)
  })

  it('who may open what: any signed-in user opens a channel, nobody a page above the current one or an unknown channel', async () => {
    const [admin, other] = [await user('adm'), await user('oth')]
    const ch = await channel(admin)
    const base = syncUrl(suite.server)
    const url = (doc: string, token = other.token) => `${base}/${doc}?token=${encodeURIComponent(token)}`
    expect(await upgradeStatus(url(channelHeadDoc(ch.id)))).toBe(101)
    expect(await upgradeStatus(url(channelPageDoc(ch.id, 0)))).toBe(101)
    expect(await upgradeStatus(url(channelPageDoc(ch.id, 1)))).toBe(403)
    expect(await upgradeStatus(url(channelHeadDoc('zzzzzzzzzzzz')))).toBe(403)
    expect(await upgradeStatus(url(channelHeadDoc(ch.id), 'x'.repeat(43)))).toBe(401)
    expect(await upgradeStatus(url(`ch:${ch.id}:01`))).toBe(404)
  })

  it('a removed admin can no longer post, a new one can; a channel posts at most its rate a minute', async () => {
    const [admin, second] = [await user('adm'), await user('sec')]
    const ch = await channel(admin)
    const page = channelPageDoc(ch.id, 0)
    await refused(second, page, (c) => posts(c).push([post(second.user.id, 'text', { text: 'not yet' })]))
    const added = await api(suite.server, admin.token, 'POST', `/api/channels/${ch.id}/admins`, { handle: second.user.handle })
    expect(added.status).toBe(200)
    const s = await open(second, page)
    posts(s).push([post(second.user.id, 'text', { text: 'now I can' })])
    const h = await open(admin, channelHeadDoc(ch.id))
    await until(() => meta(h).get('count') === 1, 'the new admin posted')
    expect(s.closes).toEqual([])
    s.destroy()
    expect((await api(suite.server, admin.token, 'DELETE', `/api/channels/${ch.id}/admins/${second.user.id}`)).status).toBe(200)
    await refused(second, page, (c) => posts(c).push([post(second.user.id, 'text', { text: 'removed' })]))

    // the rate: more than CHANNEL_POSTS_PER_MINUTE at once is refused whole, with the code that says to send
    // it again later (4029, not the 4400 of a client's mistake); up to it passes, one more does not
    const many = (k: number) => Array.from({ length: k }, () => post(admin.user.id, 'text', { text: 'spam' }))
    await refused(admin, page, (c) => posts(c).push(many(CHANNEL_POSTS_PER_MINUTE + 1)), CLOSE.SLOW_DOWN)
    const a = await open(admin, page)
    posts(a).push(many(CHANNEL_POSTS_PER_MINUTE - 1))
    await until(() => meta(h).get('count') === CHANNEL_POSTS_PER_MINUTE, 'a minute of posts')
    a.destroy()
    await refused(admin, page, (c) => posts(c).push(many(1)), CLOSE.SLOW_DOWN)
    expect(meta(await fresh(admin, channelHeadDoc(ch.id))).get('count')).toBe(CHANNEL_POSTS_PER_MINUTE)
  })
})
