// Posts for some languages only: an admin marks a post for the followers who use Sori in Japanese. It takes
// its place among all the posts, but the head says it is theirs: a Korean follower's unread count and
// preview leave it out, a Japanese follower's count it; only Japanese followers' devices are pushed it, and
// a post for everyone right after it still reaches everyone. Languages the channel does not post in, or
// that are not the app's, are refused whole.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { pushSuite } from '../fixtures/push-suite.ts'
import { connect, until, type SyncClient } from '../fixtures/sync-client.ts'
import type { TestSubscription } from '../fixtures/push-service.ts'
import {
  CHANNEL_ROOTS,
  channelHeadDoc,
  channelPageDoc,
  latestFor,
  unreadFor,
  type Channel,
  type ChannelHeadMeta,
  type ChannelPost,
} from '../../protocol/channels.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { Me, Session } from '../../protocol/api.ts'
import type { ChannelPushPayload } from '../../protocol/push.ts'

const COALESCE_MS = 300

let seq = 0
const post = (from: string, text: string, extra: Partial<ChannelPost> = {}): ChannelPost => ({
  id: `t${process.pid}x${Date.now().toString(36)}x${(seq++).toString(36)}`,
  from,
  ts: Date.now() + seq,
  kind: 'text',
  text,
  ...extra,
})

describe.each(backends())('posts for some languages (%s)', (backend) => {
  const suite = pushSuite(backend, { coalesceMs: COALESCE_MS, concurrency: 2, timeoutMs: 30_000, retryBaseMs: 200 })
  let n = 0

  /** A user whose Sori language is `lang`. */
  const user = async (name: string, lang: string) => {
    const s = await signUp(suite.server, `${name}${n++}_${backend.slice(0, 2)}`, name)
    expect((await api<Me>(suite.server, s.token, 'PATCH', '/api/me', { lang })).body.lang).toBe(lang)
    return s
  }
  const delivered = (sub: TestSubscription) => suite.service.delivered(sub.name) as unknown as ChannelPushPayload[]
  const open = async (s: Session, doc: string) => {
    const c = await connect(suite.server, s.token, doc, { ack: true })
    suite.keep(c)
    return c
  }
  const write = (c: SyncClient, p: ChannelPost) => c.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([p])
  const committed = (c: SyncClient) =>
    until(() => c.ackedClock() >= Y.getState(c.doc.store, c.doc.clientID), 'the posts are committed')
  const meta = (head: SyncClient) => head.doc.getMap(CHANNEL_ROOTS.head.meta).toJSON() as ChannelHeadMeta
  const followed = async (s: Session) => (await api<Channel[]>(suite.server, s.token, 'GET', '/api/me/channels')).body[0]

  it('a post for Japanese readers counts and shows for them only, and is pushed to them only', async () => {
    const [ann, kim, aki] = [await user('ann', 'en'), await user('kim', 'ko'), await user('aki', 'ja')]
    const kimPhone = await suite.device(kim, `kim-phone-${backend}`, 'ko')
    const akiPhone = await suite.device(aki, `aki-phone-${backend}`, 'ja')
    const ch = (
      await api<Channel>(suite.server, ann.token, 'POST', '/api/channels', {
        handle: `shop${n++}_${backend.slice(0, 2)}`,
        name: 'Seoul Shop',
        category: 'shopping',
        langs: ['ko', 'ja'],
      })
    ).body
    for (const s of [kim, aki])
      expect((await api(suite.server, s.token, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)
    const page = await open(ann, channelPageDoc(ch.id, 0))
    const head = await open(kim, channelHeadDoc(ch.id))

    write(page, post(ann.user.id, 'Open today until 9'))
    await committed(page)
    await until(
      () => delivered(akiPhone).length === 1 && delivered(kimPhone).length === 1,
      'both are pushed the post for everyone',
    )
    const forJa = post(ann.user.id, '東京店のお知らせ', { langs: ['ja'] })
    write(page, forJa)
    await committed(page)

    // the head: two posts, the latest for everyone still the first, the second kept as Japanese readers'
    await until(() => meta(head).count === 2, 'the head counts both posts')
    expect(meta(head)).toMatchObject({
      preview: 'Open today until 9',
      targeted: [{ id: forJa.id, pos: 1, langs: ['ja'], preview: '東京店のお知らせ', ts: forJa.ts, kind: 'text' }],
    })
    // what each follower's list makes of it: kim has one post to read and its preview; aki two, and hers
    const kimSees = await followed(kim)
    const akiSees = await followed(aki)
    expect(kimSees.latest.targeted).toEqual(meta(head).targeted)
    expect([unreadFor(kimSees.latest, 0, 'ko'), unreadFor(akiSees.latest, 0, 'ja')]).toEqual([1, 2])
    expect([unreadFor(kimSees.latest, 1, 'ko'), unreadFor(akiSees.latest, 1, 'ja')]).toEqual([0, 1])
    expect(latestFor(kimSees.latest, 'ko').preview).toBe('Open today until 9')
    expect(latestFor(akiSees.latest, 'ja').preview).toBe('東京店のお知らせ')
    // an admin (null) is shown everything
    expect(unreadFor(kimSees.latest, 0, null)).toBe(2)
    await until(
      () => delivered(akiPhone).some((p) => p.body === '東京店のお知らせ'),
      'aki is pushed the post for Japanese readers',
    )

    // a post for everyone right after one for Japanese readers: neither push replaces the other
    const forAll = post(ann.user.id, 'New arrivals')
    const forJa2 = post(ann.user.id, '新商品', { langs: ['ja'] })
    write(page, forJa2)
    write(page, forAll)
    await committed(page)
    await until(
      () => delivered(akiPhone).some((p) => p.body === '新商品') && delivered(akiPhone).some((p) => p.body === 'New arrivals'),
      'aki is pushed both',
    )
    await until(() => delivered(kimPhone).some((p) => p.body === 'New arrivals'), 'kim is pushed the post for everyone')
    await until(
      () => suite.server.push.stats().channelSweeps === 0 && suite.server.push.stats().channelQueued === 0,
      'the sweeps end',
    )
    expect(delivered(akiPhone).map((p) => p.body)).toEqual(
      expect.arrayContaining(['Open today until 9', '東京店のお知らせ', '新商品', 'New arrivals']),
    )
    expect(delivered(kimPhone).map((p) => p.body)).toEqual(['Open today until 9', 'New arrivals'])

    // retracting a targeted post empties its preview, as a retraction of the latest post does
    page.doc.getMap(CHANNEL_ROOTS.page.edits).set(forJa2.id, { retracted: true, ts: Date.now() })
    await committed(page)
    await until(() => meta(head).targeted.find((t) => t.id === forJa2.id)?.retracted === true, 'the post is marked retracted')
    expect(meta(head).targeted.find((t) => t.id === forJa2.id)).toMatchObject({ pos: 2, preview: '' })
    expect(latestFor(meta(head), 'ja').preview).toBe('New arrivals')
  })

  it('languages the channel does not post in, or that are not the app’s, are refused whole', async () => {
    const ann = await user('ann', 'en')
    const ch = (
      await api<Channel>(suite.server, ann.token, 'POST', '/api/channels', {
        handle: `label${n++}_${backend.slice(0, 2)}`,
        name: 'Label',
        category: 'music',
        langs: ['ko', 'en'],
      })
    ).body
    const cases: [unknown, string][] = [
      [['fr'], 'a post is for languages the channel does not post in'],
      [['xx'], 'post languages are not a list of distinct app languages'],
      [[], 'post languages are not a list of distinct app languages'],
      [['ko', 'ko'], 'post languages are not a list of distinct app languages'],
      ['ko', 'post languages are not a list of distinct app languages'],
    ]
    for (const [langs, reason] of cases) {
      const page = await open(ann, channelPageDoc(ch.id, 0))
      write(page, { ...post(ann.user.id, 'hello'), langs: langs as string[] })
      await until(() => page.closes.length > 0, `${JSON.stringify(langs)} is refused`)
      expect(page.closes[0]).toMatchObject({ code: CLOSE.REFUSED, reason })
    }
    const head = await open(ann, channelHeadDoc(ch.id))
    expect(meta(head)).toMatchObject({ count: 0, targeted: [] })

    // the same for a post scheduled for later
    const later = await api(suite.server, ann.token, 'POST', `/api/channels/${ch.id}/scheduled`, {
      at: Date.now() + 3_600_000,
      post: { kind: 'text', text: 'later', langs: ['ja'] },
    })
    expect(later.status).toBe(400)
    const ok = await api(suite.server, ann.token, 'POST', `/api/channels/${ch.id}/scheduled`, {
      at: Date.now() + 3_600_000,
      post: { kind: 'text', text: 'later', langs: ['en'] },
    })
    expect(ok.status).toBe(201)
  })
})
