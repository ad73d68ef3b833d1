// Profile photos through the real HTTP server: a phone's sideways photo with GPS comes back upright, cropped
// square, 512 px and without any metadata; every profile of the person names the same version, which
// changes with the photo; what is no image, too large, or sent without a session changes nothing; a deleted
// account shows no photo; and the collector's sweep keeps the content a photo names, not a replaced one.
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import sharp from 'sharp'
import type * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiError, Chat, Friends, InviteLink, InvitePreview, Me, Profile, Session } from '../../protocol/api.ts'
import { inboxDoc, ROOTS } from '../../protocol/docs.ts'
import { MAX_PROFILE_PHOTO_BYTES } from '../../protocol/limits.ts'
import type { InboxEntry } from '../../protocol/messages.ts'
import type { RunningServer } from '../../server/app.ts'
import { sweepContent } from '../../server/media/collector.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { announce } from '../fixtures/media.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { api, signUp, TEST_PASSWORD, startServerOn } from '../fixtures/server.ts'
import { getImage, PHONE_EXIF, putImage } from '../fixtures/photos.ts'
import { connect, until } from '../fixtures/sync-client.ts'

type Server = { url: string }

/** A 3000 × 2000 JPEG as a phone writes it: sideways (EXIF orientation 6), with GPS coordinates and an owner. */
async function phoneJpeg(): Promise<{ bytes: Buffer; exif: Buffer }> {
  // red on the stored left half, blue on the right: upright (turned 90° clockwise), red is on top
  const red = await sharp({ create: { width: 1500, height: 2000, channels: 3, background: '#ff0000' } })
    .png()
    .toBuffer()
  const bytes = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#0000ff' } })
    .composite([{ input: red, left: 0, top: 0 }])
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif(PHONE_EXIF)
    .toBuffer()
  const exif = (await sharp(bytes).metadata()).exif
  if (!exif) throw new Error('the test photo has no EXIF')
  return { bytes, exif }
}

const plainPng = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 4, background } })
    .png()
    .toBuffer()

const putPhoto = (server: Server, token: string | null, bytes: Uint8Array, type?: string) =>
  putImage<Me>(server, token, '/api/me/photo', bytes, type)

const getPhoto = (server: Server, token: string | null, userId: string, query = '', headers: Record<string, string> = {}) =>
  getImage(server, token, `/api/users/${userId}/photo${query}`, headers)

/** The colour of one pixel of an image, as [r, g, b]. */
async function pixel(bytes: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true })
  const i = (y * info.width + x) * 3
  return [data[i], data[i + 1], data[i + 2]]
}

const near = (rgb: number[], want: number[]) => rgb.every((v, i) => Math.abs(v - want[i]) < 40)

describe.each(backends())('profile photos (%s)', (backend) => {
  const suite = serverSuite(backend)
  let n = 0
  const handle = (name: string) => `${name}${n++}_${backend.slice(0, 2)}`
  const storedHash = async (userId: string) =>
    (await suite.server.db.get<{ photo: string }>('SELECT photo FROM users WHERE id = ?', [userId]))?.photo

  it('a sideways phone photo comes back upright, a centred 512 px square, without EXIF or GPS', async () => {
    const a = await signUp(suite.server, handle('ann'))
    const stranger = await signUp(suite.server, handle('sam'))
    const original = await phoneJpeg()
    expect(original.bytes.includes('Kim Minji')).toBe(true)

    // the type the client names plays no part: the bytes say it is a JPEG
    const put = await putPhoto(suite.server, a.token, original.bytes, 'text/plain')
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({ id: a.user.id, handle: a.user.handle, name: a.user.name })
    expect(put.body.photo).toMatch(/^[0-9a-f]{16}$/)
    expect((await storedHash(a.user.id))?.startsWith(put.body.photo!)).toBe(true)

    // any signed-in user may fetch it, as they may see the name; with its version in the address it is kept for good
    const got = await getPhoto(suite.server, stranger.token, a.user.id, `?v=${put.body.photo}`)
    expect(got.status).toBe(200)
    expect(got.headers.get('content-type')).toBe('image/jpeg')
    expect(got.headers.get('x-content-type-options')).toBe('nosniff')
    expect(got.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'")
    expect(got.headers.get('cross-origin-resource-policy')).toBe('same-origin')
    expect(got.headers.get('vary')).toBe('Authorization')
    expect(got.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
    expect(got.headers.get('etag')).toBe(`"${await storedHash(a.user.id)}"`)
    // without the version, the same address names whatever the photo is then: a cached copy is checked first
    const bare = await getPhoto(suite.server, stranger.token, a.user.id, '')
    expect(bare.status).toBe(200)
    expect(bare.headers.get('cache-control')).toBe('private, no-cache')
    expect(bare.bytes.equals(got.bytes)).toBe(true)

    const meta = await sharp(got.bytes).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 512, 512])
    expect(meta.exif).toBeUndefined()
    expect(meta.xmp).toBeUndefined()
    expect(meta.iptc).toBeUndefined()
    expect(meta.icc).toBeUndefined()
    expect(meta.orientation).toBeUndefined()
    expect(got.bytes.includes('Exif')).toBe(false)
    expect(got.bytes.includes(original.exif)).toBe(false)
    expect(got.bytes.includes('Kim Minji')).toBe(false)
    // turned upright: the stored left half (red) is on top, the right half (blue) below
    expect(near(await pixel(got.bytes, 256, 40), [255, 0, 0])).toBe(true)
    expect(near(await pixel(got.bytes, 256, 470), [0, 0, 255])).toBe(true)

    // the same bytes without the version, and a copy the browser holds is still good
    expect((await getPhoto(suite.server, a.token, a.user.id)).bytes.equals(got.bytes)).toBe(true)
    const cached = await getPhoto(suite.server, a.token, a.user.id, '', { 'If-None-Match': got.headers.get('etag')! })
    expect([cached.status, cached.bytes.length]).toEqual([304, 0])
  })

  it('a small photo is cropped square but not enlarged; a transparent PNG is a JPEG', async () => {
    const a = await signUp(suite.server, handle('tiny'))
    expect((await putPhoto(suite.server, a.token, await plainPng(120, 80, '#00ff0080'), 'image/png')).status).toBe(200)
    const got = await getPhoto(suite.server, a.token, a.user.id)
    const meta = await sharp(got.bytes).metadata()
    expect([got.status, meta.format, meta.width, meta.height]).toEqual([200, 'jpeg', 80, 80])
  })

  it('every profile of a person names the same version, and a new photo changes it everywhere, chat lists live', async () => {
    const a = await signUp(suite.server, handle('amy'))
    const b = await signUp(suite.server, handle('ben'))
    const c = await signUp(suite.server, handle('cat'))
    // b added a; a is in c's "added me" (a added c); a and b share a group; a made a friend link
    expect((await api(suite.server, b.token, 'POST', '/api/friends', { userId: a.user.id })).status).toBe(204)
    expect((await api(suite.server, a.token, 'POST', '/api/friends', { userId: c.user.id })).status).toBe(204)
    const chat = (await api<Chat>(suite.server, a.token, 'POST', '/api/chats/group', { title: 'Hike', userIds: [b.user.id] }))
      .body
    const link = (await api<InviteLink>(suite.server, a.token, 'POST', '/api/invites', { kind: 'friend' })).body
    // b's chat list, live: the direct chat (b opened it) carries a's photo; the group's does not
    const direct = (await api<Chat>(suite.server, b.token, 'POST', '/api/chats/direct', { userId: a.user.id })).body
    const inbox = await connect(suite.server, b.token, inboxDoc(b.user.id))
    suite.keep(inbox)
    const entries = (doc: Y.Doc) => doc.getMap<InboxEntry>(ROOTS.inbox.chats)
    const listed = async (v: string | undefined) => {
      await until(() => entries(inbox.doc).get(direct.id)?.photo === v, `the chat list entry shows photo ${v}`)
      const fresh = await connect(suite.server, b.token, inboxDoc(b.user.id))
      expect(entries(fresh.doc).get(direct.id)?.photo).toBe(v)
      expect(entries(fresh.doc).get(chat.id)?.photo).toBeUndefined()
      fresh.destroy()
    }

    /** a's photo version as each place shows it */
    async function seen(): Promise<Record<string, string | undefined>> {
      const of = (list: Profile[]) => list.find((p) => p.id === a.user.id)?.photo
      const me = (await api<Me>(suite.server, a.token, 'GET', '/api/me')).body
      const friends = (await api<Friends>(suite.server, b.token, 'GET', '/api/friends')).body
      const addedMe = (await api<Friends>(suite.server, c.token, 'GET', '/api/friends')).body
      const byHandle = (await api<Profile>(suite.server, b.token, 'GET', `/api/users/${a.user.handle}`)).body
      const chatOne = (await api<Chat>(suite.server, b.token, 'GET', `/api/chats/${chat.id}`)).body
      const chats = (await api<Chat[]>(suite.server, b.token, 'GET', '/api/chats')).body
      const preview = (await api<InvitePreview>(suite.server, c.token, 'GET', `/api/invites/${link.token}`)).body
      const signedIn = (
        await api<Session>(suite.server, null, 'POST', '/api/signin', { handle: a.user.handle, password: TEST_PASSWORD })
      ).body
      return {
        me: me.photo,
        signIn: signedIn.user.photo,
        friends: of(friends.friends),
        addedMe: of(addedMe.addedMe),
        byHandle: byHandle.photo,
        chat: of(chatOne.members),
        chats: of(chats.find((x) => x.id === chat.id)!.members),
        invite: preview.from.photo,
      }
    }
    const everywhere = (v: string | undefined) =>
      Object.fromEntries(['me', 'signIn', 'friends', 'addedMe', 'byHandle', 'chat', 'chats', 'invite'].map((k) => [k, v]))

    // no photo: no `photo` anywhere, and nothing to fetch
    expect(await seen()).toEqual(everywhere(undefined))
    expect((await api<Me>(suite.server, a.token, 'GET', '/api/me')).body).not.toHaveProperty('photo')
    expect((await getPhoto(suite.server, b.token, a.user.id)).status).toBe(404)

    const first = (await putPhoto(suite.server, a.token, await plainPng(600, 600, '#ff8800'))).body.photo
    expect(first).toBeTruthy()
    expect(await seen()).toEqual(everywhere(first))
    await listed(first)
    const firstBytes = (await getPhoto(suite.server, b.token, a.user.id, `?v=${first}`)).bytes

    const second = (await putPhoto(suite.server, a.token, await plainPng(600, 600, '#0088ff'))).body.photo
    expect(second).toBeTruthy()
    expect(second).not.toBe(first)
    expect(await seen()).toEqual(everywhere(second))
    await listed(second)
    const secondGet = await getPhoto(suite.server, b.token, a.user.id, `?v=${second}`)
    expect(secondGet.bytes.equals(firstBytes)).toBe(false)
    expect(near(await pixel(secondGet.bytes, 100, 100), [0, 0x88, 0xff])).toBe(true)
    expect((await api(suite.server, a.token, 'DELETE', '/api/me/photo')).status).toBe(200)
    await listed(undefined)
  })

  it('bytes that are no image are refused with 400 not_an_image, and the photo stays as it was', async () => {
    const a = await signUp(suite.server, handle('html'))
    const before = (await putPhoto(suite.server, a.token, await plainPng(64, 64, '#123456'))).body.photo
    const html = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>')
    for (const [bytes, type] of [
      [html, 'image/jpeg'],
      [html, 'text/html'],
      [Buffer.alloc(0), 'image/png'],
      // a JPEG's first bytes and then nothing of an image
      [Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(2000)]), 'image/jpeg'],
    ] as const) {
      const r = await putPhoto(suite.server, a.token, bytes, type)
      expect([r.status, r.body.error?.code], type).toEqual([400, 'not_an_image'])
    }
    expect((await api<Me>(suite.server, a.token, 'GET', '/api/me')).body.photo).toBe(before)
    const got = await getPhoto(suite.server, a.token, a.user.id)
    expect([got.status, got.headers.get('content-type')]).toEqual([200, 'image/jpeg'])
  })

  it('over 5 MiB: 413 too_large before the body is read; a chunked body past it is cut off', async () => {
    const a = await signUp(suite.server, handle('big'))
    const before = (await putPhoto(suite.server, a.token, await plainPng(64, 64, '#654321'))).body.photo

    const refused = await new Promise<{ status: number; code: string }>((resolve, reject) => {
      const req = request(`${suite.server.url}/api/me/photo`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${a.token}`, 'Content-Length': String(MAX_PROFILE_PHOTO_BYTES + 1) },
      })
      req.on('response', (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(text) as ApiError).error.code }))
      })
      req.on('error', reject)
      req.write(randomBytes(1000))
    })
    expect(refused).toEqual({ status: 413, code: 'too_large' })

    // a valid image followed by bytes past the limit, with no length announced
    const head = await phoneJpeg()
    const status = await new Promise<number | null>((resolve) => {
      const req = request(`${suite.server.url}/api/me/photo`, { method: 'PUT', headers: { Authorization: `Bearer ${a.token}` } })
      req.on('response', (res) => (res.resume(), res.on('close', () => resolve(res.statusCode ?? null))))
      req.on('error', () => resolve(null))
      req.write(head.bytes)
      for (let sent = head.bytes.length; sent <= MAX_PROFILE_PHOTO_BYTES; sent += 1024 * 1024) req.write(randomBytes(1024 * 1024))
      req.end()
    })
    // either the answer made it out before the cut, or the connection was cut first
    expect([413, null]).toContain(status)
    expect((await api<Me>(suite.server, a.token, 'GET', '/api/me')).body.photo).toBe(before)
  })

  it('without a valid session: 401 for every photo endpoint', async () => {
    const a = await signUp(suite.server, handle('anon'))
    const png = await plainPng(32, 32, '#abcdef')
    const version = (await putPhoto(suite.server, a.token, png)).body.photo
    for (const token of [null, 'x'.repeat(43)]) {
      expect((await getPhoto(suite.server, token, a.user.id)).status).toBe(401)
      const put = await putPhoto(suite.server, token, await plainPng(32, 32, '#000000'))
      expect([put.status, put.body.error.code]).toEqual([401, 'unauthorized'])
      const del = await fetch(`${suite.server.url}/api/me/photo`, {
        method: 'DELETE',
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      })
      expect(del.status).toBe(401)
    }
    expect((await api<Me>(suite.server, a.token, 'GET', '/api/me')).body.photo).toBe(version)
  })

  it('404 for someone without a photo, an unknown user, and a deleted account, whose profiles show none', async () => {
    const a = await signUp(suite.server, handle('gone'))
    const b = await signUp(suite.server, handle('stay'))
    expect((await putPhoto(suite.server, a.token, await plainPng(64, 64, '#ff00ff'))).status).toBe(200)
    expect((await getPhoto(suite.server, a.token, b.user.id)).status).toBe(404)
    expect((await getPhoto(suite.server, a.token, 'zzzzzzzzzzzz')).status).toBe(404)
    expect((await getPhoto(suite.server, a.token, '../../../etc')).status).toBe(404)
    // a block of the leaving account stays after it is deleted: b still sees it in their list
    expect((await api(suite.server, b.token, 'POST', `/api/friends/${a.user.id}/block`)).status).toBe(204)
    expect((await api<Friends>(suite.server, b.token, 'GET', '/api/friends')).body.blocked[0].photo).toBeTruthy()

    expect((await api(suite.server, a.token, 'DELETE', '/api/me', { password: TEST_PASSWORD })).status).toBe(204)
    const r = await getPhoto(suite.server, b.token, a.user.id)
    expect([r.status, (JSON.parse(r.bytes.toString()) as ApiError).error.code]).toEqual([404, 'not_found'])
    const blocked = (await api<Friends>(suite.server, b.token, 'GET', '/api/friends')).body.blocked
    expect(blocked.map((p) => p.id)).toEqual([a.user.id])
    expect(blocked[0]).not.toHaveProperty('photo')
    expect(await storedHash(a.user.id)).toBe('')
  })

  it('DELETE removes the photo: Me without it, 404 afterwards', async () => {
    const a = await signUp(suite.server, handle('del'))
    expect((await putPhoto(suite.server, a.token, await plainPng(64, 64, '#00ffff'))).body.photo).toBeTruthy()
    const r = await api<Me>(suite.server, a.token, 'DELETE', '/api/me/photo')
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({ id: a.user.id, handle: a.user.handle })
    expect(r.body).not.toHaveProperty('photo')
    expect((await api<Me>(suite.server, a.token, 'GET', '/api/me')).body).not.toHaveProperty('photo')
    expect((await getPhoto(suite.server, a.token, a.user.id)).status).toBe(404)
    // deleting it again is no error
    expect((await api<Me>(suite.server, a.token, 'DELETE', '/api/me/photo')).status).toBe(200)
  })

  it('the sweep keeps the content a photo names and frees a replaced or deleted one', async () => {
    const a = await signUp(suite.server, handle('swp'))
    const b = await signUp(suite.server, handle('swq'))
    const { media } = suite.server
    await putPhoto(suite.server, a.token, await plainPng(64, 64, '#111111'))
    const old = (await storedHash(a.user.id))!
    await putPhoto(suite.server, a.token, await plainPng(64, 64, '#eeeeee'))
    const current = (await storedHash(a.user.id))!
    await putPhoto(suite.server, b.token, await plainPng(64, 64, '#777777'))
    const dropped = (await storedHash(b.user.id))!
    expect((await api(suite.server, b.token, 'DELETE', '/api/me/photo')).status).toBe(200)
    expect(new Set([old, current, dropped]).size).toBe(3)
    for (const h of [old, current, dropped]) expect(await media.store.has(h)).toBe(true)

    expect(await sweepContent(media, Date.now(), 0)).toBeGreaterThanOrEqual(2)
    expect(await media.store.has(current)).toBe(true)
    expect(await media.store.has(old)).toBe(false)
    expect(await media.store.has(dropped)).toBe(false)
    const got = await getPhoto(suite.server, b.token, a.user.id)
    expect([got.status, got.headers.get('etag')]).toEqual([200, `"${current}"`])
  })
})

describe.each(backends())('profile photos and the upload rate (%s)', (backend) => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServerOn(await freshDatabaseUrl(backend), {
      uploadsPerHour: 3,
    })
  })
  afterAll(() => server?.close())

  it('each PUT counts as an upload: past the uploads an hour, 429 too_many_uploads with Retry-After', async () => {
    const me = await signUp(server, `rate_${backend.slice(0, 2)}`)
    const chat = (await api<Chat>(server, me.token, 'POST', '/api/chats/group', { title: 'Rate', userIds: [] })).body
    expect((await announce(server, me.token, chat.id, { kind: 'file', size: 10 })).status).toBe(201)
    expect((await putPhoto(server, me.token, await plainPng(16, 16, '#ff0000'))).status).toBe(200)
    // refused bytes count too: each one cost a decode
    expect((await putPhoto(server, me.token, Buffer.from('<html></html>'))).status).toBe(400)
    const over = await putPhoto(server, me.token, await plainPng(16, 16, '#00ff00'))
    expect([over.status, over.body.error?.code]).toEqual([429, 'too_many_uploads'])
    const wait = Number(over.headers.get('retry-after'))
    expect(wait).toBeGreaterThan(0)
    expect(wait).toBeLessThanOrEqual(3600)
    // one budget: no media upload either, and the photo stays the first one
    expect((await announce(server, me.token, chat.id, { kind: 'file', size: 10 })).status).toBe(429)
    const version = (await api<Me>(server, me.token, 'GET', '/api/me')).body.photo
    expect(version).toBeTruthy()
    const got = await fetch(`${server.url}/api/users/${me.user.id}/photo`, { headers: { Authorization: `Bearer ${me.token}` } })
    expect(near(await pixel(Buffer.from(await got.arrayBuffer()), 8, 8), [255, 0, 0])).toBe(true)
  })
})
