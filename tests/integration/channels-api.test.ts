// The channel API (Plus Friends): create, follow, unfollow, block, the directory and search in any
// script, admins, and follower privacy: nothing an admin can call names a follower, and the follower
// count is never exact (nothing under 20, then rounded).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, until } from '../fixtures/sync-client.ts'
import {
  channelHeadDoc,
  channelPageDoc,
  type Channel,
  type ChannelAdmin,
  type ChannelList,
  type ChannelStats,
} from '../../protocol/channels.ts'
import type { Session } from '../../protocol/api.ts'

// the follower count is taken again on every call here (an hour in production), so that rounding is what is tested
beforeAll(() => {
  vi.stubEnv('SORI_CHANNEL_COUNT_MS', '0')
})
afterAll(() => {
  vi.unstubAllEnvs()
})

describe.each(backends())('channel API (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)
  let n = 0
  const user = (name: string) => signUp(suite.server, `${name}${n++}_${tag}`, name)
  const call = <T = Channel>(s: Session | null, method: string, path: string, body?: unknown) =>
    api<T>(suite.server, s?.token ?? null, method, path, body)
  async function create(s: Session, body: Record<string, unknown> = {}): Promise<Channel> {
    const r = await call(s, 'POST', '/api/channels', {
      handle: `chan${n++}_${tag}`,
      name: 'A channel',
      category: 'brand',
      langs: ['en'],
      ...body,
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    return r.body
  }
  const search = async (s: Session, query: string) =>
    (await call<ChannelList>(s, 'GET', `/api/channels?${query}`)).body.channels.map((c) => c.handle)

  it('creates a channel whose creator is its admin; bad input is refused and creates nothing', async () => {
    const ann = await user('ann')
    const handle = `smtown${n++}_${tag}`
    const r = await call(ann, 'POST', '/api/channels', {
      handle: `@${handle.toUpperCase()}`,
      name: ' SMTOWN ',
      description: 'Music\nand more',
      category: 'music',
      langs: ['ko', 'en', 'ko'],
    })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({
      handle,
      name: 'SMTOWN',
      description: 'Music\nand more',
      category: 'music',
      langs: ['ko', 'en'],
      verified: false,
      photo: null,
      followers: null,
      following: false,
      blocked: false,
      admin: true,
    })
    expect(r.body.id).toMatch(/^[a-z0-9]{12}$/)
    expect((await call(ann, 'GET', `/api/channels/${r.body.id}`)).body).toEqual(r.body)
    const bob = await user('bob')
    expect((await call(bob, 'GET', `/api/channels/${r.body.id}`)).body.admin).toBe(false)

    // the same handle, in another case: taken
    expect(
      (await call(bob, 'POST', '/api/channels', { handle: handle.toUpperCase(), name: 'x', category: 'music', langs: ['en'] }))
        .status,
    ).toBe(409)
    // a user's own Sori ID is free for their own channel; another person's is not, as it would pass for them
    expect((await create(bob, { handle: bob.user.handle })).handle).toBe(bob.user.handle)
    const posing = await call<{ error: { code: string } }>(bob, 'POST', '/api/channels', {
      handle: ann.user.handle,
      name: 'Ann',
      category: 'other',
      langs: ['en'],
    })
    expect([posing.status, posing.body.error.code]).toEqual([409, 'handle_taken'])
    // …and the other way round: nobody can sign up with a channel's ID, in any case, to pass for it
    for (const taken of [handle, handle.toUpperCase()]) {
      const r = await call<{ error: { code: string } }>(null, 'POST', '/api/signup', {
        handle: taken,
        name: 'SMTOWN Official',
        password: TEST_PASSWORD,
      })
      expect([r.status, r.body.error.code]).toEqual([409, 'handle_taken'])
    }
    const base = { handle: `bad${n++}_${tag}`, name: 'Bad', category: 'music', langs: ['en'] }
    const bad: Array<[string, Record<string, unknown>, string]> = [
      ['a short handle', { handle: 'ab' }, 'handle_invalid'],
      ['a handle with a space', { handle: 'a b c' }, 'handle_invalid'],
      ['no name', { name: '' }, 'name_invalid'],
      ['a long name', { name: 'x'.repeat(51) }, 'name_invalid'],
      ['a long description', { description: 'x'.repeat(501) }, 'bad_request'],
      ['an unknown category', { category: 'weapons' }, 'bad_request'],
      ['no languages', { langs: [] }, 'bad_request'],
      ['an unknown language', { langs: ['xx'] }, 'bad_request'],
    ]
    for (const [what, change, code] of bad) {
      const res = await call<{ error: { code: string } }>(bob, 'POST', '/api/channels', { ...base, ...change })
      expect(res.status, what).toBe(400)
      expect(res.body.error.code, what).toBe(code)
    }
    expect(await search(bob, `q=${base.handle}`)).toEqual([])
    expect((await call(null, 'POST', '/api/channels', base)).status).toBe(401)
    expect((await call(bob, 'GET', '/api/channels/zzzzzzzzzzzz')).status).toBe(404)
  })

  it('follow and unfollow are idempotent; my channels list what I follow; a block unfollows and keeps me from following', async () => {
    const [admin, fan] = [await user('adm'), await user('fan')]
    const [a, b] = [await create(admin), await create(admin)]
    expect((await call(fan, 'POST', `/api/channels/${a.id}/follow`)).body.following).toBe(true)
    expect((await call(fan, 'POST', `/api/channels/${a.id}/follow`)).body.following).toBe(true)
    await call(fan, 'POST', `/api/channels/${b.id}/follow`)
    expect((await call<Channel[]>(fan, 'GET', '/api/me/channels')).body.map((c) => c.id).sort()).toEqual([a.id, b.id].sort())
    expect((await call(fan, 'DELETE', `/api/channels/${a.id}/follow`)).body.following).toBe(false)
    expect((await call(fan, 'DELETE', `/api/channels/${a.id}/follow`)).status).toBe(200)
    expect((await call<Channel[]>(fan, 'GET', '/api/me/channels')).body.map((c) => c.id)).toEqual([b.id])

    const blocked = await call(fan, 'POST', `/api/channels/${b.id}/block`)
    expect(blocked.body).toMatchObject({ following: false, blocked: true })
    expect((await call<Channel[]>(fan, 'GET', '/api/me/channels')).body).toEqual([])
    const again = await call<{ error: { code: string } }>(fan, 'POST', `/api/channels/${b.id}/follow`)
    expect(again.status).toBe(403)
    expect(again.body.error.code).toBe('blocked')
    expect((await call<Channel[]>(fan, 'GET', '/api/me/channels')).body).toEqual([])
    expect((await call(fan, 'DELETE', `/api/channels/${b.id}/block`)).body.blocked).toBe(false)
    expect((await call(fan, 'POST', `/api/channels/${b.id}/follow`)).body.following).toBe(true)

    for (const [method, path] of [
      ['POST', '/follow'],
      ['DELETE', '/follow'],
      ['POST', '/block'],
      ['DELETE', '/block'],
    ])
      expect((await call(fan, method, `/api/channels/zzzzzzzzzzzz${path}`)).status).toBe(404)
  })

  it('finds channels by a substring of their handle or name in any script, by category and language, a page at a time', async () => {
    const me = await user('me')
    const k = await create(me, { name: '스타뮤직 공식채널', category: 'music', langs: ['ko'] })
    const j = await create(me, { name: 'ムービーマガジン東京', category: 'film', langs: ['ja', 'en'] })
    const t = await create(me, { name: 'ร้านอาหารไทยอร่อย', category: 'food', langs: ['th'] })
    const s = await create(me, { handle: `smtown${n++}_${tag}`, name: 'SM Town', category: 'music', langs: ['ko', 'en'] })
    expect(await search(me, `q=${encodeURIComponent('뮤직')}`)).toEqual([k.handle])
    expect(await search(me, `q=${encodeURIComponent('공식')}`)).toEqual([k.handle])
    expect(await search(me, `q=${encodeURIComponent('マガジン')}`)).toEqual([j.handle])
    // half-width katakana and full-width Latin find what NFKC makes of them
    expect(await search(me, `q=${encodeURIComponent('ﾏｶﾞｼﾞﾝ')}`)).toEqual([j.handle])
    expect(await search(me, `q=${encodeURIComponent('東京')}`)).toEqual([j.handle])
    expect(await search(me, `q=${encodeURIComponent('อาหารไทย')}`)).toEqual([t.handle])
    expect(await search(me, `q=${encodeURIComponent('ＳＭ ＴＯＷＮ')}`)).toEqual([s.handle])
    expect(await search(me, `q=${encodeURIComponent('@' + s.handle.toUpperCase())}`)).toEqual([s.handle])
    // LIKE's wildcards are plain characters in a query
    expect(await search(me, `q=${encodeURIComponent('%')}`)).toEqual([])
    expect(await search(me, `q=${encodeURIComponent(`_${tag}`)}&category=food`)).toEqual([t.handle])
    const koMusic = await search(me, 'category=music&lang=ko')
    expect(koMusic).toContain(k.handle)
    expect(koMusic).toContain(s.handle)
    expect(koMusic).not.toContain(j.handle)
    expect(await search(me, `q=${encodeURIComponent('マガジン')}&lang=ko`)).toEqual([])

    const first = (await call<ChannelList>(me, 'GET', '/api/channels?category=music&lang=ko&limit=1')).body
    expect(first.channels.length).toBe(1)
    expect(first.next).toBe(1)
    const rest = (await call<ChannelList>(me, 'GET', '/api/channels?category=music&lang=ko&limit=50&offset=1')).body
    expect([first.channels[0].handle, ...rest.channels.map((c) => c.handle)].sort()).toEqual([...koMusic].sort())
    expect(rest.next).toBeNull()
    for (const q of ['category=weapons', 'lang=xx', 'limit=0', 'limit=51', 'offset=-1', `q=${'x'.repeat(101)}`])
      expect((await call(me, 'GET', `/api/channels?${q}`)).status, q).toBe(400)
    // the refusal names the parameter that was sent
    const lang = await call<{ error: { message: string } }>(me, 'GET', '/api/channels?lang=xx')
    expect(lang.body.error.message).toMatch(/^"lang" must be one of ko, en/)
  })

  it('admins edit the channel and its admins; others may not; a channel never goes without an admin', async () => {
    const [admin, other, third] = [await user('adm'), await user('oth'), await user('thd')]
    const ch = await create(admin)
    const patched = await call(admin, 'PATCH', `/api/channels/${ch.id}`, {
      name: '새 이름',
      description: 'd',
      category: 'news',
      langs: ['ko'],
    })
    expect(patched.body).toMatchObject({ name: '새 이름', description: 'd', category: 'news', langs: ['ko'] })
    expect(await search(admin, `q=${encodeURIComponent('새')}`)).toEqual([ch.handle])
    expect((await call(other, 'PATCH', `/api/channels/${ch.id}`, { name: 'mine' })).status).toBe(403)
    expect((await call(admin, 'PATCH', `/api/channels/${ch.id}`, { name: '' })).status).toBe(400)
    expect((await call(admin, 'PATCH', `/api/channels/${ch.id}`, { handle: 'other' })).status).toBe(400)
    expect((await call(admin, 'GET', `/api/channels/${ch.id}`)).body.name).toBe('새 이름')
    // the head follows a rename
    const head = await connect(suite.server, other.token, channelHeadDoc(ch.id))
    suite.keep(head)
    expect(head.doc.getMap('meta').get('name')).toBe('새 이름')

    const admins = (s: Session) => call<ChannelAdmin[]>(s, 'GET', `/api/channels/${ch.id}/admins`)
    expect((await admins(other)).status).toBe(403)
    expect((await call(other, 'POST', `/api/channels/${ch.id}/admins`, { handle: other.user.handle })).status).toBe(403)
    expect((await call(admin, 'POST', `/api/channels/${ch.id}/admins`, { handle: 'nobody_here' })).status).toBe(404)
    const added = await call<ChannelAdmin[]>(admin, 'POST', `/api/channels/${ch.id}/admins`, { handle: other.user.handle })
    expect(added.body.map((a) => a.id)).toEqual([admin.user.id, other.user.id])
    expect((await call(other, 'PATCH', `/api/channels/${ch.id}`, { name: 'by the second admin' })).status).toBe(200)
    await until(() => head.doc.getMap('meta').get('name') === 'by the second admin', 'the head follows the second rename')
    expect((await call(third, 'DELETE', `/api/channels/${ch.id}/admins/${admin.user.id}`)).status).toBe(403)
    expect((await call(admin, 'DELETE', `/api/channels/${ch.id}/admins/${third.user.id}`)).status).toBe(404)
    expect(
      (await call<ChannelAdmin[]>(other, 'DELETE', `/api/channels/${ch.id}/admins/${admin.user.id}`)).body.map((a) => a.id),
    ).toEqual([other.user.id])
    const last = await call(other, 'DELETE', `/api/channels/${ch.id}/admins/${other.user.id}`)
    expect(last.status).toBe(400)
    expect((await admins(other)).body.map((a) => a.id)).toEqual([other.user.id])
    expect((await call(admin, 'GET', `/api/channels/${ch.id}`)).body.admin).toBe(false)
  })

  it('a deleted account leaves its follows behind; a channel it ran alone goes dark, one it ran with others stays', async () => {
    const [gone, other, fan] = [await user('gone'), await user('other'), await user('fan')]
    const alone = await create(gone)
    const shared = await create(gone)
    expect((await call(gone, 'POST', `/api/channels/${shared.id}/admins`, { handle: other.user.handle })).status).toBe(200)
    const followed = await create(other)
    expect((await call(gone, 'POST', `/api/channels/${followed.id}/follow`)).status).toBe(200)
    expect((await call(fan, 'POST', `/api/channels/${alone.id}/follow`)).status).toBe(200)

    expect((await api(suite.server, gone.token, 'DELETE', '/api/me', { password: TEST_PASSWORD })).status).toBe(204)
    expect(await suite.server.db.all('SELECT channel_id FROM follows WHERE user_id = ?', [gone.user.id])).toEqual([])
    // run alone: nobody answers for it any more, so nobody sees it
    expect((await call(fan, 'GET', `/api/channels/${alone.id}`)).status).toBe(404)
    expect((await call(fan, 'GET', '/api/me/channels')).body).toEqual([])
    // run with others: theirs now
    const admins = await call<{ id: string }[]>(other, 'GET', `/api/channels/${shared.id}/admins`)
    expect(admins.body.map((a) => a.id)).toEqual([other.user.id])
  })

  it('a report reaches the operator once per user and channel; bad reports are refused; admins see nothing of it', async () => {
    const [owner, fan] = [await user('own'), await user('rep')]
    const ch = await create(owner)
    const rows = () =>
      suite.server.db.all<{ reason: string; note: string }>('SELECT reason, note FROM channel_reports WHERE channel_id = ?', [
        ch.id,
      ])
    for (const body of [{}, { reason: 'boring' }, { reason: 'spam', note: 5 }, { reason: 'spam', note: 'x'.repeat(501) }, null])
      expect((await call(fan, 'POST', `/api/channels/${ch.id}/report`, body)).status, JSON.stringify(body)).toBe(400)
    expect((await call(fan, 'POST', '/api/channels/zzzzzzzzzzzz/report', { reason: 'spam' })).status).toBe(404)
    expect((await call(null, 'POST', `/api/channels/${ch.id}/report`, { reason: 'spam' })).status).toBe(401)
    expect(await rows()).toEqual([])
    expect((await call(fan, 'POST', `/api/channels/${ch.id}/report`, { reason: 'spam' })).status).toBe(204)
    expect((await call(fan, 'POST', `/api/channels/${ch.id}/report`, { reason: 'scam', note: ' fake shop ' })).status).toBe(204)
    expect(await rows()).toEqual([{ reason: 'scam', note: 'fake shop' }])
    // nothing an admin reads names the reporter
    for (const path of [`/api/channels/${ch.id}`, `/api/channels/${ch.id}/stats`, `/api/channels/${ch.id}/admins`])
      expect(JSON.stringify((await call(owner, 'GET', path)).body)).not.toContain(fan.user.id)
  })

  it('privacy: nothing an admin can call names a follower, and counts are rounded with nothing under 20', async () => {
    const [admin, second] = [await user('adm'), await user('sec')]
    const ch = await create(admin, { name: 'Privacy Test' })
    await call(admin, 'POST', `/api/channels/${ch.id}/admins`, { handle: second.user.handle })
    const fans: Session[] = []
    for (let i = 0; i < 25; i++) fans.push(await user(`fan${i}x`))
    const followers = (await call(admin, 'GET', `/api/channels/${ch.id}`)).body.followers
    expect(followers).toBeNull()
    for (const [i, f] of fans.entries()) {
      await call(f, 'POST', `/api/channels/${ch.id}/follow`)
      // under the cohort minimum, nothing; from 20 to 29, 20: no single follow shows
      const seen = (await call(admin, 'GET', `/api/channels/${ch.id}`)).body.followers
      expect(seen, `after ${i + 1} follows`).toBe(i + 1 < 20 ? null : 20)
    }
    // one unfollows, one blocks: still 20
    await call(fans[0], 'DELETE', `/api/channels/${ch.id}/follow`)
    await call(fans[1], 'POST', `/api/channels/${ch.id}/block`)
    // a post, so that the documents hold something
    const page = await connect(suite.server, admin.token, channelPageDoc(ch.id, 0))
    suite.keep(page)
    page.doc.getArray('posts').push([{ id: `privacy${n++}post`, from: admin.user.id, ts: Date.now(), kind: 'text', text: 'hi' }])

    // every endpoint an admin can call, as each admin
    const answers: unknown[] = []
    for (const a of [admin, second]) {
      const calls: Array<[string, string, unknown?]> = [
        ['GET', `/api/channels/${ch.id}`],
        ['GET', `/api/channels?q=${encodeURIComponent('Privacy')}`],
        ['GET', '/api/channels'],
        ['GET', '/api/channels?category=brand&lang=en'],
        ['GET', '/api/me/channels'],
        ['PATCH', `/api/channels/${ch.id}`, { description: 'who follows us?' }],
        ['GET', `/api/channels/${ch.id}/admins`],
        ['GET', `/api/channels/${ch.id}/stats`],
        ['POST', `/api/channels/${ch.id}/follow`],
        ['DELETE', `/api/channels/${ch.id}/follow`],
        ['POST', `/api/channels/${ch.id}/block`],
        ['DELETE', `/api/channels/${ch.id}/block`],
      ]
      for (const [method, path, body] of calls) {
        const r = await call<unknown>(a, method, path, body)
        expect(r.status, `${method} ${path}`).toBe(200)
        answers.push(r.body)
      }
    }
    const third = await user('thd')
    answers.push((await call(admin, 'POST', `/api/channels/${ch.id}/admins`, { handle: third.user.handle })).body)
    answers.push((await call(admin, 'DELETE', `/api/channels/${ch.id}/admins/${third.user.id}`)).body)
    const stats = (await call<ChannelStats>(admin, 'GET', `/api/channels/${ch.id}/stats`)).body
    // today's follows (and unfollows) are not in the week's figures before tomorrow, and 23 is not told apart from 20
    // and the day's figure in the history is the rounded one too
    const { recent, ...figures } = stats
    expect(figures).toEqual({
      followers: 20,
      followsWeek: null,
      unfollowsWeek: null,
      posts: 1,
      couponsSaved: null,
      couponsRedeemed: null,
      history: [{ day: new Date().toISOString().slice(0, 10), followers: 20 }],
    })
    // the post's views and clicks (once its commit is in): nothing under 20
    for (const r of recent) expect(r).toMatchObject({ preview: 'hi', views: null, clicks: null })
    // and what the channel's documents hold, as its admin syncs them
    const head = await connect(suite.server, admin.token, channelHeadDoc(ch.id))
    suite.keep(head)
    await until(() => head.doc.getMap('meta').get('count') === 1, 'the post is counted')
    answers.push(head.doc.toJSON(), page.doc.toJSON())

    const text = JSON.stringify(answers)
    for (const f of fans) {
      expect(text).not.toContain(f.user.id)
      expect(text).not.toContain(f.user.handle)
    }
    expect(text).toContain(admin.user.id) // the search does find what it should
  })
})
