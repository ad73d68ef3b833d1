// Post views and clicks in a channel's statistics: readers' apps report them, the server adds them to
// per-post counters, and its admins see them rounded, none under 20, and never who viewed or tapped.
// Bad reports, other channels' posts and reports over the budget count nothing.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, until } from '../fixtures/sync-client.ts'
import { CHANNEL_ROOTS, channelPageDoc, type Channel, type ChannelPost, type ChannelStats } from '../../protocol/channels.ts'
import type { Session } from '../../protocol/api.ts'

// more than a minute's worth of posts in one channel: the posting rate is not what this file tests
beforeAll(() => {
  vi.stubEnv('SORI_CHANNEL_POSTS_PER_MINUTE', '0')
})
afterAll(() => {
  vi.unstubAllEnvs()
})

let seq = 0
const postId = () => `p${process.pid}x${Date.now().toString(36)}x${(seq++).toString(36)}`

describe.each(backends())('channel post views and clicks (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)
  let n = 0
  const user = (name: string) => signUp(suite.server, `${name}${n++}_${tag}`, name)
  const users = async (name: string, count: number) => {
    const all: Session[] = []
    for (let i = 0; i < count; i++) all.push(await user(`${name}${i}v`))
    return all
  }
  const call = <T>(s: Session | null, method: string, path: string, body?: unknown) =>
    api<T>(suite.server, s?.token ?? null, method, path, body)
  const report = (s: Session | null, id: string, body: unknown) =>
    call<{ error?: { code: string } }>(s, 'POST', `/api/channels/${id}/insights`, body)
  const stats = async (s: Session, id: string) => {
    const r = await call<ChannelStats>(s, 'GET', `/api/channels/${id}/stats`)
    expect(r.status).toBe(200)
    return r.body
  }
  /** The counters as stored, exact (what no admin ever sees). */
  const counters = (channel: string, post: string) =>
    suite.server.db
      .get<{ views: number; clicks: number }>('SELECT views, clicks FROM channel_posts WHERE channel_id = ? AND post_id = ?', [
        channel,
        post,
      ])
      .then((r) => (r ? { views: Number(r.views), clicks: Number(r.clicks) } : undefined))

  async function channel(admin: Session): Promise<Channel> {
    const r = await call<Channel>(admin, 'POST', '/api/channels', {
      handle: `ins${n++}_${tag}`,
      name: 'Insights',
      category: 'brand',
      langs: ['en'],
    })
    expect(r.status).toBe(201)
    return r.body
  }
  /** Posts `posts` to the channel's first page through the admin's socket; resolves once they are committed. */
  async function publish(admin: Session, ch: Channel, posts: ChannelPost[]): Promise<void> {
    const before = (await stats(admin, ch.id)).posts
    const c = await connect(suite.server, admin.token, channelPageDoc(ch.id, 0))
    suite.keep(c)
    c.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push(posts)
    await until(async () => (await stats(admin, ch.id)).posts === before + posts.length, 'the posts are committed')
    c.destroy()
  }
  const textPost = (admin: Session, text: string, extra: Partial<ChannelPost> = {}): ChannelPost => ({
    id: postId(),
    from: admin.user.id,
    ts: Date.now(),
    kind: 'text',
    text,
    buttons: [{ label: 'Shop', url: 'https://example.com/shop' }],
    ...extra,
  })

  it('25 viewers show as 20, 19 as fewer than 20, taps count each, and nothing names a viewer', async () => {
    const [admin, second] = [await user('adm'), await user('sec')]
    const ch = await channel(admin)
    expect((await call(admin, 'POST', `/api/channels/${ch.id}/admins`, { handle: second.user.handle })).status).toBe(200)
    const now = Date.now()
    const a = textPost(admin, 'Spring sale', { ts: now - 2_000 })
    const b = textPost(admin, 'Summer sale', { ts: now - 1_000 })
    const ad: ChannelPost = {
      id: postId(),
      from: admin.user.id,
      ts: now,
      kind: 'list',
      ad: true,
      items: [{ title: 'Sponsored pick', url: 'https://example.com/p' }],
    }
    await publish(admin, ch, [a, b, ad])
    const fresh = await stats(admin, ch.id)
    expect(fresh.recent).toEqual([
      { id: ad.id, ts: ad.ts, kind: 'list', preview: 'Sponsored pick', views: null, clicks: null },
      { id: b.id, ts: b.ts, kind: 'text', preview: 'Summer sale', views: null, clicks: null },
      { id: a.id, ts: a.ts, kind: 'text', preview: 'Spring sale', views: null, clicks: null },
    ])

    const viewers = await users('fan', 25)
    for (const v of viewers.slice(0, 5)) expect((await call(v, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)
    // post a: 25 people, each reporting its view twice in one request and tapping once
    for (const v of viewers) expect((await report(v, ch.id, { views: [a.id, a.id], clicks: [a.id] })).status).toBe(204)
    // post b: 19 people view it; 10 of them tap its button twice
    for (const [i, v] of viewers.slice(0, 19).entries())
      expect((await report(v, ch.id, i < 10 ? { views: [b.id], clicks: [b.id, b.id] } : { views: [b.id] })).status).toBe(204)
    // the ad: one more tap than 19
    for (const v of viewers.slice(0, 19)) expect((await report(v, ch.id, { clicks: [ad.id] })).status).toBe(204)

    // the channel's admins are no readers: their reports are taken and count nothing (one lifting b to the
    // edge of 20 would see a single reader's view cross it)
    for (const adm of [admin, second]) expect((await report(adm, ch.id, { views: [b.id], clicks: [b.id] })).status).toBe(204)

    expect(await counters(ch.id, a.id)).toEqual({ views: 25, clicks: 25 })
    expect(await counters(ch.id, b.id)).toEqual({ views: 19, clicks: 20 })
    const shown = await stats(second, ch.id)
    expect(shown.recent.map(({ id, views, clicks }) => ({ id, views, clicks }))).toEqual([
      { id: ad.id, views: null, clicks: null },
      { id: b.id, views: null, clicks: 20 },
      { id: a.id, views: 20, clicks: 20 },
    ])

    // no answer an admin gets, and no stored row of counters, names a viewer
    const texts = [
      JSON.stringify(shown),
      JSON.stringify((await call(admin, 'GET', `/api/channels/${ch.id}/admins`)).body),
      JSON.stringify((await call(admin, 'GET', `/api/channels/${ch.id}/chats`)).body),
      JSON.stringify((await call(admin, 'GET', `/api/channels/${ch.id}`)).body),
      JSON.stringify(await suite.server.db.all('SELECT * FROM channel_posts WHERE channel_id = ?', [ch.id])),
    ]
    for (const text of texts)
      for (const v of viewers) {
        expect(text).not.toContain(v.user.id)
        expect(text).not.toContain(v.user.handle)
      }
  })

  it('the statistics list the 20 latest posts, newest first', async () => {
    const admin = await user('adm')
    const ch = await channel(admin)
    const now = Date.now()
    const posts = Array.from({ length: 22 }, (_, i) => textPost(admin, `Post ${i}`, { ts: now - 22_000 + i * 1_000 }))
    await publish(admin, ch, posts.slice(0, 11))
    await publish(admin, ch, posts.slice(11))
    const s = await stats(admin, ch.id)
    expect(s.posts).toBe(22)
    expect(s.recent.map((p) => p.preview)).toEqual(
      posts
        .slice(2)
        .reverse()
        .map((p) => p.text),
    )
  })

  it('a retracted post stays in the statistics without its words, as in the chat list', async () => {
    const admin = await user('adm')
    const ch = await channel(admin)
    const now = Date.now()
    const [first, second] = [
      textPost(admin, 'Sale ends Friday', { ts: now - 2_000 }),
      textPost(admin, 'Typo in this one', { ts: now - 1_000 }),
    ]
    await publish(admin, ch, [first, second])
    const c = await connect(suite.server, admin.token, channelPageDoc(ch.id, 0))
    suite.keep(c)
    // the older one, not the latest: the head's preview does not change, only the statistics can tell
    c.doc.getMap(CHANNEL_ROOTS.page.edits).set(first.id, { retracted: true, ts: Date.now() })
    await until(
      async () => (await stats(admin, ch.id)).recent.find((p) => p.id === first.id)?.preview === '',
      'the retraction reaches the statistics',
    )
    const s = await stats(admin, ch.id)
    expect(s.recent.map((p) => [p.id, p.preview])).toEqual([
      [second.id, 'Typo in this one'],
      [first.id, ''],
    ])
    expect(JSON.stringify(s)).not.toContain('Sale ends Friday')
    c.destroy()
  })

  it("unknown ids and another channel's posts count nothing; malformed reports are 400 and count nothing", async () => {
    const [admin, other, reader] = [await user('adm'), await user('oth'), await user('rdr')]
    const ch = await channel(admin)
    const elsewhere = await channel(other)
    const p = textPost(admin, 'Mine')
    const q = textPost(other, 'Theirs')
    await publish(admin, ch, [p])
    await publish(other, elsewhere, [q])

    // someone who does not follow it may report: channels are public
    expect((await report(reader, ch.id, { views: [q.id, 'unknownpost1'], clicks: [q.id, 'unknownpost2'] })).status).toBe(204)
    expect((await report(reader, ch.id, {})).status).toBe(204)
    expect(await counters(ch.id, p.id)).toEqual({ views: 0, clicks: 0 })
    expect(await counters(elsewhere.id, q.id)).toEqual({ views: 0, clicks: 0 })

    const ids51 = [p.id, ...Array.from({ length: 50 }, (_, i) => `filler${String(i).padStart(4, '0')}`)]
    const malformed: unknown[] = [
      { views: p.id },
      { clicks: { 0: p.id } },
      { views: ids51 },
      { clicks: ids51 },
      { views: [p.id, 'not an id!'] },
      { views: [p.id, 'short'] },
      { clicks: [p.id, 7] },
      { views: [p.id], who: reader.user.id },
      [p.id],
      'null',
      '{"views": [',
    ]
    for (const body of malformed) {
      const r = await report(reader, ch.id, body)
      expect(r.status, JSON.stringify(body)).toBe(400)
      expect(r.body.error?.code).toBe('bad_request')
    }
    expect(await counters(ch.id, p.id)).toEqual({ views: 0, clicks: 0 })

    // not signed in: 401; no such channel or a disabled one: 404; nothing counted
    expect((await report(null, ch.id, { views: [p.id] })).status).toBe(401)
    expect((await report(reader, 'zzzzzzzzzzzz', { views: [p.id] })).status).toBe(404)
    await suite.server.db.run('UPDATE channels SET disabled = 1 WHERE id = ?', [ch.id])
    expect((await report(reader, ch.id, { views: [p.id] })).status).toBe(404)
    await suite.server.db.run('UPDATE channels SET disabled = 0 WHERE id = ?', [ch.id])
    expect(await counters(ch.id, p.id)).toEqual({ views: 0, clicks: 0 })

    // and the figures are for admins only
    for (const s of [reader, other]) {
      const r = await call<{ error: { code: string } }>(s, 'GET', `/api/channels/${ch.id}/stats`)
      expect(r.status).toBe(403)
      expect(JSON.stringify(r.body)).not.toContain(p.id)
    }
    expect((await call(null, 'GET', `/api/channels/${ch.id}/stats`)).status).toBe(401)

    // a report within the rules still counts
    expect((await report(reader, ch.id, { views: [p.id], clicks: [p.id] })).status).toBe(204)
    expect(await counters(ch.id, p.id)).toEqual({ views: 1, clicks: 1 })
  })

  it('a user reporting over 300 ids a minute gets 429 and counts nothing more; others still count', async () => {
    const [admin, busy, calm] = [await user('adm'), await user('busy'), await user('calm')]
    const ch = await channel(admin)
    const p = textPost(admin, 'Popular')
    await publish(admin, ch, [p])
    const batch = (k: number) => Array.from({ length: 50 }, (_, i) => `batch${k}x${String(i).padStart(3, '0')}`)
    for (let k = 0; k < 5; k++) expect((await report(busy, ch.id, { views: batch(k) })).status).toBe(204)
    // 250 so far: 50 more fit, 51 do not
    const over = await report(busy, ch.id, { views: [p.id, ...batch(5).slice(0, 25)], clicks: batch(6).slice(0, 26) })
    expect(over.status).toBe(429)
    expect(over.body.error?.code).toBe('too_many_attempts')
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await counters(ch.id, p.id)).toEqual({ views: 0, clicks: 0 })
    expect((await report(busy, ch.id, { views: [p.id, ...batch(5).slice(0, 24)], clicks: batch(6).slice(0, 25) })).status).toBe(
      204,
    )
    expect((await report(busy, ch.id, { clicks: [p.id] })).status).toBe(429)
    expect((await report(calm, ch.id, { clicks: [p.id] })).status).toBe(204)
    expect(await counters(ch.id, p.id)).toEqual({ views: 1, clicks: 1 })
  })
})
