// Scheduled posts: an admin writes a post now and the server publishes it at its time, in the admin's
// name, into the channel's current page, where followers get it like any post. Checked when scheduled
// (grammar, coupon, who may) and again when due (an author who is no longer an admin is not published);
// kept across a restart, and published once.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { api, signUp, startServerOn } from '../fixtures/server.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, until } from '../fixtures/sync-client.ts'
import { CHANNEL_ROOTS, channelHeadDoc, channelPageDoc, type Channel, type ChannelPost } from '../../protocol/channels.ts'
import type { ScheduledPost } from '../../protocol/scheduled.ts'

beforeAll(() => {
  vi.stubEnv('SORI_SCHEDULE_TICK_MS', '100')
})
afterAll(() => {
  vi.unstubAllEnvs()
})

const makeChannel = async (server: { url: string }, token: string, handle: string) =>
  (await api<Channel>(server, token, 'POST', '/api/channels', { handle, name: 'Later', category: 'news', langs: ['en'] })).body

describe.each(backends())('scheduled posts (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)

  it('is published at its time in its author’s name; a follower gets it; the list empties', async () => {
    const [admin, fan] = [await signUp(suite.server, `sadm_${tag}`), await signUp(suite.server, `sfan_${tag}`)]
    const ch = await makeChannel(suite.server, admin.token, `later_${tag}`)
    await api(suite.server, fan.token, 'POST', `/api/channels/${ch.id}/follow`)
    const page = await connect(suite.server, fan.token, channelPageDoc(ch.id, 0))
    const head = await connect(suite.server, fan.token, channelHeadDoc(ch.id))
    suite.keep(page, head)
    const at = Date.now() + 1_500
    const made = await api<ScheduledPost>(suite.server, admin.token, 'POST', `/api/channels/${ch.id}/scheduled`, {
      at,
      post: { kind: 'text', text: 'Doors open at nine', buttons: [{ label: 'Tickets', url: 'https://example.com/t' }] },
    })
    expect(made.status).toBe(201)
    expect(made.body).toMatchObject({ from: admin.user.id, at, state: 'pending', post: { text: 'Doors open at nine' } })
    const listed = await api<ScheduledPost[]>(suite.server, admin.token, 'GET', `/api/channels/${ch.id}/scheduled`)
    expect(listed.body.map((s) => s.id)).toEqual([made.body.id])
    // followers see nothing of it before its time
    expect(page.doc.getArray(CHANNEL_ROOTS.page.posts).length).toBe(0)

    const posts = page.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts)
    await until(() => posts.length === 1, 'the follower has the scheduled post')
    const p = posts.get(0)
    expect(p).toMatchObject({ id: made.body.id, from: admin.user.id, kind: 'text', text: 'Doors open at nine' })
    expect(p.ts).toBeGreaterThanOrEqual(at)
    const meta = head.doc.getMap(CHANNEL_ROOTS.head.meta)
    await until(() => meta.get('count') === 1 && meta.get('preview') === 'Doors open at nine', 'the head counts it')
    await until(
      async () =>
        (await api<ScheduledPost[]>(suite.server, admin.token, 'GET', `/api/channels/${ch.id}/scheduled`)).body.length === 0,
      'the published post leaves the list',
    )
    // published, it can no longer be withdrawn here (it is retracted from the channel like any post)
    const late = await api<{ error: { code: string } }>(
      suite.server,
      admin.token,
      'DELETE',
      `/api/channels/${ch.id}/scheduled/${made.body.id}`,
    )
    expect(late.status).toBe(409)
    expect(late.body.error.code).toBe('already_published')
    const after = await api<Channel>(suite.server, fan.token, 'GET', `/api/channels/${ch.id}`)
    expect(after.body.latest).toMatchObject({ count: 1, preview: 'Doors open at nine' })
  })

  it('refuses what the page would refuse, and non-admins; withdrawn posts never appear', async () => {
    const [admin, fan] = [await signUp(suite.server, `radm_${tag}`), await signUp(suite.server, `rfan_${tag}`)]
    const ch = await makeChannel(suite.server, admin.token, `rlater_${tag}`)
    const other = await makeChannel(suite.server, admin.token, `rother_${tag}`)
    const coupon = await api<{ id: string }>(suite.server, admin.token, 'POST', `/api/channels/${other.id}/coupons`, {
      title: 'Elsewhere',
      validFrom: Date.now(),
      validTo: Date.now() + 86_400_000,
      quantity: 5,
    })
    expect(coupon.status).toBe(201)
    const url = `/api/channels/${ch.id}/scheduled`
    const soon = () => Date.now() + 60_000
    const text = { kind: 'text', text: 'hello' }
    const cases: Array<[string, unknown]> = [
      ['a time in the past', { at: Date.now() - 1000, post: text }],
      ['a time a year ahead', { at: Date.now() + 365 * 86_400_000, post: text }],
      ['no time', { post: text }],
      ['a javascript: button', { at: soon(), post: { ...text, buttons: [{ label: 'x', url: 'javascript:alert(1)' }] } }],
      ['too long a text', { at: soon(), post: { kind: 'text', text: 'a'.repeat(1301) } }],
      [
        'six buttons',
        { at: soon(), post: { ...text, buttons: Array.from({ length: 6 }, () => ({ label: 'x', url: 'https://a.example' })) } },
      ],
      ['an unknown field', { at: soon(), post: { ...text, from: fan.user.id } }],
      ['another channel’s coupon', { at: soon(), post: { ...text, coupon: { id: coupon.body.id, title: 'Elsewhere' } } }],
      ['no post', { at: soon() }],
    ]
    for (const [what, body] of cases) {
      const r = await api<{ error: { code: string; message: string } }>(suite.server, admin.token, 'POST', url, body)
      expect(r.status, what).toBe(400)
      expect(r.body.error.message, what).toMatch(/\S/)
    }
    expect((await api(suite.server, fan.token, 'POST', url, { at: soon(), post: text })).status).toBe(403)
    expect((await api(suite.server, fan.token, 'GET', url)).status).toBe(403)
    expect((await api(suite.server, admin.token, 'GET', '/api/channels/nosuchchanl/scheduled')).status).toBe(404)
    expect((await api<ScheduledPost[]>(suite.server, admin.token, 'GET', url)).body).toEqual([])

    // withdrawn before its time: gone, and never published
    const w = await api<ScheduledPost>(suite.server, admin.token, 'POST', url, {
      at: Date.now() + 1_500,
      post: { kind: 'text', text: 'withdrawn' },
    })
    expect(w.status).toBe(201)
    expect((await api(suite.server, fan.token, 'DELETE', `${url}/${w.body.id}`)).status).toBe(403)
    expect((await api(suite.server, admin.token, 'DELETE', `${url}/${w.body.id}`)).status).toBe(204)
    expect((await api(suite.server, admin.token, 'DELETE', `${url}/${w.body.id}`)).status).toBe(404)
    // a post scheduled after it, due later, proves the ticks ran past the withdrawn one's time
    const k = await api<ScheduledPost>(suite.server, admin.token, 'POST', url, {
      at: Date.now() + 2_500,
      post: { kind: 'text', text: 'kept' },
    })
    await until(
      async () => (await api<Channel>(suite.server, admin.token, 'GET', `/api/channels/${ch.id}`)).body.latest.count === 1,
      'kept is published',
    )
    const page = await connect(suite.server, fan.token, channelPageDoc(ch.id, 0))
    suite.keep(page)
    const posts = page.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts)
    await until(() => posts.length === 1, 'the page syncs')
    expect(posts.toArray().map((p) => p.id)).toEqual([k.body.id])
  })

  it('an author who is no longer an admin at its time is not published, and the list says why', async () => {
    const [a, b] = [await signUp(suite.server, `xadm_${tag}`), await signUp(suite.server, `xbdm_${tag}`)]
    const ch = await makeChannel(suite.server, a.token, `xlater_${tag}`)
    expect((await api(suite.server, a.token, 'POST', `/api/channels/${ch.id}/admins`, { handle: `xbdm_${tag}` })).status).toBe(
      200,
    )
    const s = await api<ScheduledPost>(suite.server, b.token, 'POST', `/api/channels/${ch.id}/scheduled`, {
      at: Date.now() + 1_500,
      post: { kind: 'text', text: 'from b' },
    })
    expect(s.status).toBe(201)
    expect((await api(suite.server, a.token, 'DELETE', `/api/channels/${ch.id}/admins/${b.user.id}`)).status).toBe(200)
    let failed: ScheduledPost | undefined
    await until(async () => {
      const l = await api<ScheduledPost[]>(suite.server, a.token, 'GET', `/api/channels/${ch.id}/scheduled`)
      failed = l.body.find((x) => x.id === s.body.id && x.state === 'failed')
      return !!failed
    }, 'the post is marked failed')
    expect(failed?.reason).toMatch(/admin/)
    expect((await api<Channel>(suite.server, a.token, 'GET', `/api/channels/${ch.id}`)).body.latest.count).toBe(0)
    // a failed one can be cleared from the list
    expect((await api(suite.server, a.token, 'DELETE', `/api/channels/${ch.id}/scheduled/${s.body.id}`)).status).toBe(204)
  })
})

describe.each(backends())('scheduled posts across a restart (%s)', (backend) => {
  it('a post scheduled before the server stopped is published after it starts again, once', async () => {
    const url = await freshDatabaseUrl(backend)
    const first = await startServerOn(url)
    let token: string, channelId: string, ids: string[]
    try {
      const admin = await signUp(first, `zadm_${backend}`)
      token = admin.token
      channelId = (await makeChannel(first, token, `zlater_${backend}`)).id
      ids = []
      for (const n of [1, 2, 3]) {
        const r = await api<ScheduledPost>(first, token, 'POST', `/api/channels/${channelId}/scheduled`, {
          at: Date.now() + 3_000,
          post: { kind: 'text', text: `after restart ${n}` },
        })
        ids.push(r.body.id)
      }
    } finally {
      await first.close()
    }
    const second = await startServerOn(url)
    try {
      await until(
        async () => (await api<Channel>(second, token, 'GET', `/api/channels/${channelId}`)).body.latest.count === 3,
        'all three are published',
      )
      const page = await connect(second, token, channelPageDoc(channelId, 0))
      try {
        const posts = page.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts)
        await until(() => posts.length === 3, 'the page syncs')
        expect(
          posts
            .toArray()
            .map((p) => p.id)
            .sort(),
        ).toEqual([...ids].sort())
        // ticks after that publish nothing more
        await new Promise((r) => setTimeout(r, 500))
        expect((await api<Channel>(second, token, 'GET', `/api/channels/${channelId}`)).body.latest.count).toBe(3)
        expect(posts.length).toBe(3)
      } finally {
        page.destroy()
      }
    } finally {
      await second.close()
    }
  })
})
