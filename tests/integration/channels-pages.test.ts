// A channel's pages roll over: once the current page holds CHANNEL_PAGE_SIZE posts, the head names the
// next page, which followers may then open and admins post to, while the page before still takes the
// posts written while it was current, up to CHANNEL_PAGE_HARD_LIMIT. The head's running count spans pages.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, syncUrl, until, upgradeStatus, type SyncClient } from '../fixtures/sync-client.ts'
import {
  CHANNEL_PAGE_HARD_LIMIT,
  CHANNEL_PAGE_SIZE,
  CHANNEL_ROOTS,
  channelHeadDoc,
  channelPageDoc,
  type Channel,
  type ChannelPost,
} from '../../protocol/channels.ts'
import { CLOSE } from '../../protocol/wire.ts'

// a thousand posts at once: the posting rate is not what this file tests
beforeAll(() => {
  vi.stubEnv('SORI_CHANNEL_POSTS_PER_MINUTE', '0')
})
afterAll(() => {
  vi.unstubAllEnvs()
})

let seq = 0
const post = (from: string, text: string): ChannelPost => ({
  id: `q${process.pid}x${Date.now().toString(36)}x${(seq++).toString(36)}`,
  from,
  ts: Date.now(),
  kind: 'text',
  text,
})
const posts = (c: SyncClient) => c.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts)

describe.each(backends())('channel pages (%s)', (backend) => {
  const suite = serverSuite(backend)

  it('a full page rolls over to the next; the count spans pages; late posts still land in the page before', async () => {
    const tag = backend.slice(0, 2)
    const [admin, fan] = [await signUp(suite.server, `padm_${tag}`), await signUp(suite.server, `pfan_${tag}`)]
    const ch = (
      await api<Channel>(suite.server, admin.token, 'POST', '/api/channels', {
        handle: `pages_${tag}`,
        name: 'Pages',
        category: 'news',
        langs: ['en'],
      })
    ).body
    const open = async (doc: string, token = admin.token) => {
      const c = await connect(suite.server, token, doc)
      suite.keep(c)
      return c
    }
    const head = await open(channelHeadDoc(ch.id), fan.token)
    const meta = head.doc.getMap(CHANNEL_ROOTS.head.meta)
    const url = (page: number) => `${syncUrl(suite.server)}/${channelPageDoc(ch.id, page)}?token=${fan.token}`
    expect(await upgradeStatus(url(1))).toBe(403)

    const p0 = await open(channelPageDoc(ch.id, 0))
    // an admin who was offline a while: two posts written into page 0 before they learn it is full
    const late = await open(channelPageDoc(ch.id, 0))
    posts(p0).push(Array.from({ length: CHANNEL_PAGE_SIZE }, (_, i) => post(admin.user.id, `post ${i}`)))
    await until(() => meta.get('page') === 1 && meta.get('count') === CHANNEL_PAGE_SIZE, 'the head names page 1')
    expect(meta.get('preview')).toBe(`post ${CHANNEL_PAGE_SIZE - 1}`)
    expect(await upgradeStatus(url(1))).toBe(101)
    expect(await upgradeStatus(url(2))).toBe(403)

    const p1 = await open(channelPageDoc(ch.id, 1))
    posts(p1).push([post(admin.user.id, 'first of page 1')])
    await until(() => meta.get('count') === CHANNEL_PAGE_SIZE + 1, 'page 1 counts')
    await until(() => posts(late).length === CHANNEL_PAGE_SIZE, 'the late one has page 0')
    posts(late).push([post(admin.user.id, 'late a'), post(admin.user.id, 'late b')])
    await until(() => meta.get('count') === CHANNEL_PAGE_SIZE + 3, 'late posts count')
    expect(meta.get('page')).toBe(1)
    expect(late.closes).toEqual([])

    // up to the hard limit and no further
    const room = CHANNEL_PAGE_HARD_LIMIT - CHANNEL_PAGE_SIZE - 2
    const full = await open(channelPageDoc(ch.id, 0))
    posts(full).push(Array.from({ length: room + 1 }, (_, i) => post(admin.user.id, `over ${i}`)))
    await until(() => full.closes.length > 0, 'the page is full')
    expect(full.closes[0]).toEqual({ code: CLOSE.REFUSED, reason: 'page is full' })

    const fresh0 = await open(channelPageDoc(ch.id, 0), fan.token)
    expect(posts(fresh0).length).toBe(CHANNEL_PAGE_SIZE + 2)
    const fresh1 = await open(channelPageDoc(ch.id, 1), fan.token)
    expect(
      posts(fresh1)
        .toJSON()
        .map((p) => p.text),
    ).toEqual(['first of page 1'])
    const stats = await api<{ posts: number }>(suite.server, admin.token, 'GET', `/api/channels/${ch.id}/stats`)
    expect(stats.body.posts).toBe(CHANNEL_PAGE_SIZE + 3)
  })
})
