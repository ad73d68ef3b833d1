// Channel photos and the media of channel posts through the real server and real sync clients: an admin
// sets the channel's photo (a phone's photo comes back a 512 px square without metadata), its version is in
// every Channel and the head, anyone signed in fetches it, and only admins change it. A photo post names a
// blob uploaded for that very channel, or it is refused whole; once posted, anyone signed in (a follower,
// a stranger) fetches the photo, and the collector keeps it while a post names it; retracted, it is its
// uploader's alone again.
import sharp from 'sharp'
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import type { Chat, Session } from '../../protocol/api.ts'
import {
  CHANNEL_ROOTS,
  channelHeadDoc,
  channelPageDoc,
  type Channel,
  type ChannelGroup,
  type ChannelPost,
} from '../../protocol/channels.ts'
import type { MediaRef } from '../../protocol/messages.ts'
import { CLOSE } from '../../protocol/wire.ts'
import { releaseUnreferenced, sweepContent } from '../../server/media/collector.ts'
import { backends } from '../fixtures/databases.ts'
import { channelUpload, download, mediaRef, upload } from '../fixtures/media.ts'
import { getImage, PHONE_EXIF, putImage } from '../fixtures/photos.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, until, type SyncClient } from '../fixtures/sync-client.ts'

type Server = { url: string }

const png = (width: number, height: number, background = '#2a6') =>
  sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer()

/** A 3000 × 2000 JPEG as a phone writes it, with GPS coordinates and an owner in its EXIF. */
const phoneJpeg = () =>
  sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#ff0000' } })
    .jpeg()
    .withExif(PHONE_EXIF)
    .toBuffer()

const putPhoto = (server: Server, token: string, channelId: string, bytes: Uint8Array) =>
  putImage<Channel>(server, token, `/api/channels/${channelId}/photo`, bytes)

const getPhoto = (server: Server, token: string | null, channelId: string, query = '') =>
  getImage(server, token, `/api/channels/${channelId}/photo${query}`)

let seq = 0
const photoPost = (from: string, media: MediaRef, text?: string): ChannelPost => ({
  id: `cm${process.pid}x${Date.now().toString(36)}x${(seq++).toString(36)}`,
  from,
  ts: Date.now(),
  kind: 'photo',
  media,
  ...(text ? { text } : {}),
})

describe.each(backends())('channel media (%s)', (backend) => {
  const suite = serverSuite(backend)
  let n = 0
  const tag = backend.slice(0, 2)
  const user = (name: string) => signUp(suite.server, `${name}${n++}_${tag}`, name)
  const call = <T>(who: Session | null, method: string, path: string, body?: unknown) =>
    api<T>(suite.server, who?.token ?? null, method, path, body)

  async function channel(admin: Session): Promise<Channel> {
    const r = await call<Channel>(admin, 'POST', '/api/channels', {
      handle: `media${n++}_${tag}`,
      name: 'Media Channel',
      category: 'music',
      langs: ['en'],
    })
    expect(r.status).toBe(201)
    return r.body
  }

  async function open(who: Session, doc: string): Promise<SyncClient> {
    const c = await connect(suite.server, who.token, doc, { ack: true })
    suite.keep(c)
    return c
  }
  const meta = (c: SyncClient) => c.doc.getMap(CHANNEL_ROOTS.head.meta)

  /** Appends `p` from a fresh client of the admin and waits for the verdict: the close, or null once committed. */
  async function verdict(admin: Session, channelId: string, p: ChannelPost): Promise<{ code: number; reason: string } | null> {
    const c = await open(admin, channelPageDoc(channelId, 0))
    c.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([p])
    const clock = Y.getState(c.doc.store, c.doc.clientID)
    await until(() => c.closes.length > 0 || c.ackedClock() >= clock, 'a verdict on the post')
    c.destroy()
    return c.closes[0] ?? null
  }

  it('an admin sets the photo (square, without EXIF), followers and strangers read it, the head shows it; only admins change it', async () => {
    const [admin, fan, stranger] = [await user('adm'), await user('fan'), await user('str')]
    const ch = await channel(admin)
    expect(ch.photo).toBeNull()
    expect((await call(fan, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)
    const head = await open(fan, channelHeadDoc(ch.id))
    await until(() => meta(head).get('handle') === ch.handle, 'the head is written')
    expect(meta(head).get('photo')).toBeNull()
    expect((await getPhoto(suite.server, fan.token, ch.id)).status).toBe(404)

    const original = await phoneJpeg()
    expect(original.includes('Kim Minji')).toBe(true)
    // a follower is no admin: refused before anything is read
    const refused = await putPhoto(suite.server, fan.token, ch.id, original)
    expect([refused.status, refused.body.error?.code]).toEqual([403, 'forbidden'])

    const put = await putPhoto(suite.server, admin.token, ch.id, original)
    expect(put.status).toBe(200)
    const version = put.body.photo
    expect(version).toMatch(/^[0-9a-f]{16}$/)
    await until(() => meta(head).get('photo') === version, "the photo's version in the head")
    expect((await call<Channel>(fan, 'GET', `/api/channels/${ch.id}`)).body.photo).toBe(version)
    expect((await call<Channel[]>(fan, 'GET', '/api/me/channels')).body.find((c) => c.id === ch.id)?.photo).toBe(version)

    for (const who of [fan, stranger]) {
      const got = await getPhoto(suite.server, who.token, ch.id, `?v=${version}`)
      expect(got.status).toBe(200)
      expect(got.headers.get('content-type')).toBe('image/jpeg')
      expect(got.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
      expect(got.headers.get('x-content-type-options')).toBe('nosniff')
      const m = await sharp(got.bytes).metadata()
      expect([m.format, m.width, m.height]).toEqual(['jpeg', 512, 512])
      expect(m.exif).toBeUndefined()
      expect(got.bytes.includes('Kim Minji')).toBe(false)
    }
    expect((await getPhoto(suite.server, null, ch.id)).status).toBe(401)

    // what is no image changes nothing
    const junk = await putPhoto(suite.server, admin.token, ch.id, Buffer.from('not a picture at all'))
    expect([junk.status, junk.body.error?.code]).toEqual([400, 'not_an_image'])
    expect((await call<Channel>(fan, 'GET', `/api/channels/${ch.id}`)).body.photo).toBe(version)

    // the sweep keeps what a channel's photo names
    await sweepContent(suite.server.media, Date.now(), 0)
    expect((await getPhoto(suite.server, stranger.token, ch.id, `?v=${version}`)).status).toBe(200)

    expect((await call(fan, 'DELETE', `/api/channels/${ch.id}/photo`)).status).toBe(403)
    expect((await call<Channel>(fan, 'GET', `/api/channels/${ch.id}`)).body.photo).toBe(version)
    const removed = await call<Channel>(admin, 'DELETE', `/api/channels/${ch.id}/photo`)
    expect([removed.status, removed.body.photo]).toEqual([200, null])
    await until(() => meta(head).get('photo') === null, 'the head without a photo')
    expect((await getPhoto(suite.server, fan.token, ch.id)).status).toBe(404)
  })

  it("a photo posted to a customer group is for the channel's admins and the group's people who follow, nobody else", async () => {
    const [admin, mia, fan, stranger] = [await user('adm'), await user('mia'), await user('fan'), await user('str')]
    const ch = await channel(admin)
    for (const who of [mia, fan]) expect((await call(who, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)
    const group = await call<ChannelGroup>(admin, 'POST', `/api/channels/${ch.id}/groups`, {
      name: 'VIP',
      handles: [mia.user.handle],
    })
    expect(group.status).toBe(201)
    const blob = (await channelUpload(suite.server, admin.token, ch.id, 'photo', await png(60, 40))).blob!
    expect(await verdict(admin, group.body.id, photoPost(admin.user.id, mediaRef(blob), 'For our regulars'))).toBeNull()
    for (const who of [admin, mia]) expect((await download(suite.server, who.token, blob.id)).status, who.user.handle).toBe(200)
    for (const who of [fan, stranger])
      expect((await download(suite.server, who.token, blob.id)).status, who.user.handle).toBe(404)
    // Mia unfollows: the group's posts are no longer hers to read
    expect((await call(mia, 'DELETE', `/api/channels/${ch.id}/follow`)).status).toBe(200)
    expect((await download(suite.server, mia.token, blob.id)).status).toBe(404)
  })

  it('a photo post must name an upload for this channel; once posted anyone signed in reads it, and the collector keeps it', async () => {
    const [admin, fan, stranger] = [await user('adm'), await user('fan'), await user('str')]
    const [ch, other] = [await channel(admin), await channel(admin)]
    expect((await call(fan, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)
    const chat = (await call<Chat>(admin, 'POST', '/api/chats/group', { title: 'Private', userIds: [fan.user.id] })).body

    // who may upload for a channel, and what
    const bytes = await png(60, 40)
    expect(await channelUpload(suite.server, fan.token, ch.id, 'photo', bytes)).toMatchObject({ status: 403 })
    expect(await channelUpload(suite.server, admin.token, ch.id, 'file', bytes)).toMatchObject({ status: 400 })

    const forOther = (await channelUpload(suite.server, admin.token, other.id, 'photo', await png(61, 40))).blob!
    const forChat = await upload(suite.server, admin.token, chat.id, 'photo', await png(62, 40))
    const mine = await channelUpload(suite.server, admin.token, ch.id, 'photo', bytes)
    expect(mine.status).toBe(201)
    const blob = mine.blob!
    expect(blob).toMatchObject({ kind: 'photo', width: 60, height: 40 })
    // not posted yet: its uploader's alone
    expect((await download(suite.server, fan.token, blob.id)).status).toBe(404)

    const cases: Array<[string, MediaRef, string]> = [
      ['an upload for another channel', mediaRef(forOther), 'upload for this channel'],
      ["a chat's upload", mediaRef(forChat), 'upload for this channel'],
      ['no upload at all', { ...mediaRef(blob), id: 'A'.repeat(22) }, 'upload for this channel'],
      ['a size that is not the upload', { ...mediaRef(blob), size: blob.size + 1 }, 'size differs'],
    ]
    for (const [what, ref, reason] of cases) {
      const v = await verdict(admin, ch.id, photoPost(admin.user.id, ref, what))
      expect(v?.code, what).toBe(CLOSE.REFUSED)
      expect(v?.reason, what).toContain(reason)
    }
    // nothing of them was applied, and the chat's photo stays the chat's
    const head = await open(fan, channelHeadDoc(ch.id))
    await until(() => meta(head).get('handle') === ch.handle, 'the head is written')
    expect(meta(head).get('count')).toBe(0)
    expect((await open(fan, channelPageDoc(ch.id, 0))).doc.getArray(CHANNEL_ROOTS.page.posts).length).toBe(0)
    expect((await download(suite.server, stranger.token, forChat.id)).status).toBe(404)

    // a scheduled post does not carry media
    const scheduled = await call(admin, 'POST', `/api/channels/${ch.id}/scheduled`, {
      at: Date.now() + 3_600_000,
      post: { kind: 'photo', media: mediaRef(blob) },
    })
    expect(scheduled.status).toBe(400)

    const post = photoPost(admin.user.id, mediaRef(blob), 'New album cover')
    expect(await verdict(admin, ch.id, post)).toBeNull()
    await until(() => meta(head).get('count') === 1, 'the head counts the post')
    expect(meta(head).get('kind')).toBe('photo')
    expect(meta(head).get('preview')).toBe('New album cover')
    const page = await open(stranger, channelPageDoc(ch.id, 0))
    expect(page.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).toJSON()).toEqual([post])

    const served = await download(suite.server, admin.token, blob.id)
    expect(served.status).toBe(200)
    for (const who of [fan, stranger]) {
      const got = await download(suite.server, who.token, blob.id)
      expect(got.status, who.user.handle).toBe(200)
      expect(got.bytes.equals(served.bytes)).toBe(true)
    }
    expect((await download(suite.server, null, blob.id)).status).toBe(401)

    // the collector frees the upload no post names, and keeps the posted one with its content
    await releaseUnreferenced(suite.server.media, Date.now(), 0)
    await sweepContent(suite.server.media, Date.now(), 0)
    expect((await download(suite.server, admin.token, forOther.id)).status).toBe(404)
    const after = await download(suite.server, stranger.token, blob.id)
    expect(after.status).toBe(200)
    expect(after.bytes.equals(served.bytes)).toBe(true)

    // retracted, the post names it no more: it is its uploader's alone again
    const editor = await open(admin, channelPageDoc(ch.id, 0))
    editor.doc.getMap(CHANNEL_ROOTS.page.edits).set(post.id, { retracted: true, ts: Date.now() })
    await expect.poll(async () => (await download(suite.server, fan.token, blob.id)).status, { timeout: 20_000 }).toBe(404)
    expect((await download(suite.server, admin.token, blob.id)).status).toBe(200)
  })
})
