// A channel's customer groups: its admins list people by Sori ID, and a post to the group's feed reaches
// the group's people who follow the channel, live and by push, and nobody else: another follower, a listed
// person who does not follow, a stranger cannot open the feed. The admins learn nothing of the listed
// people: not who follows, nor how many, nor how many saw the group's posts. Taking someone off the list,
// their unfollowing and deleting the group close their sockets to the feed.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { pushSuite } from '../fixtures/push-suite.ts'
import { connect, syncUrl, until, upgradeStatus, type SyncClient } from '../fixtures/sync-client.ts'
import type { TestSubscription } from '../fixtures/push-service.ts'
import {
  CHANNEL_ROOTS,
  channelHeadDoc,
  channelPageDoc,
  MAX_CHANNEL_GROUPS,
  type Channel,
  type ChannelGroup,
  type ChannelHeadMeta,
  type ChannelPost,
  type ChannelStats,
} from '../../protocol/channels.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { Session } from '../../protocol/api.ts'
import type { ChannelPushPayload } from '../../protocol/push.ts'

let seq = 0
const post = (from: string, text: string): ChannelPost => ({
  id: `g${process.pid}x${Date.now().toString(36)}x${(seq++).toString(36)}`,
  from,
  ts: Date.now(),
  kind: 'text',
  text,
})

describe.each(backends())('customer groups (%s)', (backend) => {
  const suite = pushSuite(backend, { coalesceMs: 200, concurrency: 2, timeoutMs: 30_000, retryBaseMs: 200 })
  let n = 0

  const tag = backend.slice(0, 2)
  const user = (name: string) => signUp(suite.server, `${name}${n++}_${tag}`, name)
  const call = <T>(s: Session, method: string, path: string, body?: unknown) => api<T>(suite.server, s.token, method, path, body)
  const delivered = (sub: TestSubscription) => suite.service.delivered(sub.name) as unknown as ChannelPushPayload[]
  const open = async (s: Session, doc: string) => {
    const c = await connect(suite.server, s.token, doc, { ack: true })
    suite.keep(c)
    return c
  }
  const upgrade = (s: Session, doc: string) => upgradeStatus(`${syncUrl(suite.server)}/${doc}?token=${s.token}`)
  const write = (c: SyncClient, p: ChannelPost) => c.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([p])
  const committed = (c: SyncClient) =>
    until(() => c.ackedClock() >= Y.getState(c.doc.store, c.doc.clientID), 'the posts are committed')
  const channel = async (admin: Session) => {
    const r = await call<Channel>(admin, 'POST', '/api/channels', {
      handle: `shop${n++}_${tag}`,
      name: 'Corner Shop',
      category: 'shopping',
      langs: ['en'],
    })
    expect(r.status).toBe(201)
    return r.body
  }
  const follow = async (s: Session, ch: Channel) =>
    expect((await call(s, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)

  it("a group's feed reaches its people who follow the channel, and nobody else", async () => {
    const [ann, mia, nat, oli, sam] = [
      await user('ann'),
      await user('mia'),
      await user('nat'),
      await user('oli'),
      await user('sam'),
    ]
    const miaPhone = await suite.device(mia, `mia-phone-${backend}`)
    const oliPhone = await suite.device(oli, `oli-phone-${backend}`)
    const ch = await channel(ann)
    await follow(mia, ch)
    await follow(oli, ch)

    // the list: mia (follows), nat (does not), and an ID nobody has
    const made = await call<ChannelGroup>(ann, 'POST', `/api/channels/${ch.id}/groups`, {
      name: 'Regulars',
      handles: [`@${mia.user.handle}`, nat.user.handle.toUpperCase(), 'nobody_has_this'],
    })
    expect(made.status).toBe(201)
    expect(made.body).toEqual({ id: expect.any(String), name: 'Regulars', posts: 0, created: expect.any(Number) })
    const gid = made.body.id
    expect((await call<ChannelGroup[]>(ann, 'GET', `/api/channels/${ch.id}/groups`)).body).toEqual([made.body])

    // only mia is told she is in it, and only while she follows
    expect((await call<Channel>(mia, 'GET', `/api/channels/${ch.id}`)).body.groups).toEqual([
      { id: gid, name: 'Regulars', latest: { count: 0, preview: '', ts: 0 } },
    ])
    for (const s of [oli, nat, sam]) expect((await call<Channel>(s, 'GET', `/api/channels/${ch.id}`)).body.groups).toBeUndefined()
    // and only she and the admins may open its feed
    for (const s of [oli, nat, sam]) {
      expect(await upgrade(s, channelHeadDoc(gid))).toBe(403)
      expect(await upgrade(s, channelPageDoc(gid, 0))).toBe(403)
    }
    const miaHead = await open(mia, channelHeadDoc(gid))
    const miaPage = await open(mia, channelPageDoc(gid, 0))

    // the admin posts to the group: mia has it live and by push, oli neither
    const annPage = await open(ann, channelPageDoc(gid, 0))
    write(annPage, post(ann.user.id, '20% off for our regulars this weekend'))
    await committed(annPage)
    await until(() => miaPage.doc.getArray(CHANNEL_ROOTS.page.posts).length === 1, 'mia has the post')
    await until(() => (miaHead.doc.getMap(CHANNEL_ROOTS.head.meta).toJSON() as ChannelHeadMeta).count === 1, 'the feed counts it')
    await until(() => delivered(miaPhone).length === 1, "mia's push")
    expect(delivered(miaPhone)[0]).toMatchObject({
      channel: ch.id,
      title: 'Corner Shop',
      body: '20% off for our regulars this weekend',
    })
    // a post for everyone reaches oli's phone: it works, and had nothing of the group's
    const main = await open(ann, channelPageDoc(ch.id, 0))
    write(main, post(ann.user.id, 'Open until 9 tonight'))
    await committed(main)
    await until(() => delivered(oliPhone).length === 1, "oli's push of the post for everyone")
    expect(delivered(oliPhone).map((p) => p.body)).toEqual(['Open until 9 tonight'])
    const mine = (await call<Channel[]>(mia, 'GET', '/api/me/channels')).body[0]
    expect(mine.groups?.[0].latest).toMatchObject({ count: 1, preview: '20% off for our regulars this weekend' })
    expect(mine.latest).toMatchObject({ count: 1, preview: 'Open until 9 tonight' })

    // a member writes nothing into it
    write(miaPage, post(mia.user.id, 'me too'))
    await until(() => miaPage.closes.length > 0, "mia's write is refused")
    expect(miaPage.closes[0]).toMatchObject({ code: CLOSE.REFUSED, reason: "only the channel's admins write into it" })

    // nothing the admins get names anyone listed
    const text = JSON.stringify([made.body, (await call(ann, 'GET', `/api/channels/${ch.id}/groups`)).body])
    for (const s of [mia, nat]) {
      expect(text).not.toContain(s.user.id)
      expect(text).not.toContain(s.user.handle)
    }

    // taken off the list: her socket to the feed closes, and it stays shut
    const put = await call<ChannelGroup>(ann, 'PUT', `/api/channels/${ch.id}/groups/${gid}`, { handles: [nat.user.handle] })
    expect(put.status).toBe(200)
    await until(() => miaHead.closes.length > 0, "mia's socket closes")
    expect(miaHead.closes[0].code).toBe(CLOSE.FORBIDDEN)
    expect(await upgrade(mia, channelHeadDoc(gid))).toBe(403)
    expect((await call<Channel>(mia, 'GET', `/api/channels/${ch.id}`)).body.groups).toBeUndefined()

    // back on the list, then she unfollows: closed again
    await call(ann, 'PUT', `/api/channels/${ch.id}/groups/${gid}`, { handles: [mia.user.handle] })
    const again = await open(mia, channelHeadDoc(gid))
    await call(mia, 'DELETE', `/api/channels/${ch.id}/follow`)
    await until(() => again.closes.length > 0, "mia's socket closes at her unfollow")
    expect(again.closes[0].code).toBe(CLOSE.FORBIDDEN)

    // deleted: gone from the list, and its feed opens for nobody
    const annHead = await open(ann, channelHeadDoc(gid))
    expect((await call(ann, 'DELETE', `/api/channels/${ch.id}/groups/${gid}`)).status).toBe(204)
    await until(() => annHead.closes.length > 0, "the admin's socket closes")
    expect((await call<ChannelGroup[]>(ann, 'GET', `/api/channels/${ch.id}/groups`)).body).toEqual([])
    expect(await upgrade(ann, channelHeadDoc(gid))).toBe(403)
    expect((await call(ann, 'PUT', `/api/channels/${ch.id}/groups/${gid}`, { name: 'x' })).status).toBe(404)
  })

  it("tells the admins neither how many listed people follow nor how many saw the group's posts", async () => {
    const ann = await user('ann')
    const ch = await channel(ann)
    // the attack this guards against: 19 accounts the admin controls, listed with one more person
    const people: Session[] = []
    for (let i = 0; i < 20; i++) people.push(await user('fan'))
    for (const p of people) await follow(p, ch)
    const handles = people.map((p) => p.user.handle)
    const g = (await call<ChannelGroup>(ann, 'POST', `/api/channels/${ch.id}/groups`, { name: 'Members', handles })).body
    expect(Object.keys(g).sort()).toEqual(['created', 'id', 'name', 'posts'])
    expect((await call<ChannelGroup[]>(ann, 'GET', `/api/channels/${ch.id}/groups`)).body).toEqual([g])

    // a post to the group and one to the channel, each seen and tapped by all twenty
    const feed = await open(ann, channelPageDoc(g.id, 0))
    const forGroup = post(ann.user.id, 'members only')
    write(feed, forGroup)
    await committed(feed)
    const page = await open(ann, channelPageDoc(ch.id, 0))
    const forAll = post(ann.user.id, 'everyone')
    write(page, forAll)
    await committed(page)
    for (const p of people) {
      const r = await call(p, 'POST', `/api/channels/${ch.id}/insights`, {
        views: [forGroup.id, forAll.id],
        clicks: [forGroup.id, forAll.id],
      })
      expect(r.status).toBe(204)
    }
    const stats = (await call<ChannelStats>(ann, 'GET', `/api/channels/${ch.id}/stats`)).body
    // the channel's post shows its twenty; the group's post is not among the statistics at all
    expect(stats.recent.map(({ id, views, clicks }) => ({ id, views, clicks }))).toEqual([
      { id: forAll.id, views: 20, clicks: 20 },
    ])
    expect((await call<ChannelGroup[]>(ann, 'GET', `/api/channels/${ch.id}/groups`)).body).toEqual([{ ...g, posts: 1 }])
  })

  it('refuses bad lists and strangers, and caps the groups of a channel', async () => {
    const [ann, bob] = [await user('ann'), await user('bob')]
    const ch = await channel(ann)
    const path = `/api/channels/${ch.id}/groups`
    for (const body of [
      { name: '', handles: [bob.user.handle] },
      { name: 'x'.repeat(51), handles: [bob.user.handle] },
      { name: 'ok', handles: [] },
      { name: 'ok', handles: ['a b'] },
      { name: 'ok', handles: 'bob' },
      { name: 'ok' },
    ])
      expect((await call(ann, 'POST', path, body)).status, JSON.stringify(body)).toBe(400)
    expect((await call(bob, 'POST', path, { name: 'mine', handles: [bob.user.handle] })).status).toBe(403)
    expect((await call(bob, 'GET', path)).status).toBe(403)
    expect((await call<ChannelGroup[]>(ann, 'GET', path)).body).toEqual([])
    for (let i = 0; i < MAX_CHANNEL_GROUPS; i++)
      expect((await call(ann, 'POST', path, { name: `g${i}`, handles: [bob.user.handle] })).status).toBe(201)
    expect((await call(ann, 'POST', path, { name: 'one more', handles: [bob.user.handle] })).status).toBe(409)
    expect((await call(ann, 'PUT', `${path}/nosuchgroup1`, { name: 'x' })).status).toBe(404)
  })
})
