// Group photos through the real HTTP server and real sync clients: any member of a group sets one (a
// phone's photo with GPS comes back a 512 px square without metadata), every member's chat, chat list and
// inbox entry name its version, which changes with the photo and goes with DELETE; only current members
// may fetch it or change it; a direct chat has none; what is no image changes nothing; and the
// collector's sweep keeps the content a group photo names.
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { ApiError, Chat, InviteLink, InvitePreview, Session } from '../../protocol/api.ts'
import { inboxDoc, ROOTS } from '../../protocol/docs.ts'
import type { InboxEntry } from '../../protocol/messages.ts'
import { sweepContent } from '../../server/media/collector.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, until, type SyncClient } from '../fixtures/sync-client.ts'
import { getImage, PHONE_EXIF, putImage } from '../fixtures/photos.ts'

type Server = { url: string }

/** A 3000 × 2000 JPEG as a phone writes it, with GPS coordinates and an owner in its EXIF. */
async function phoneJpeg(): Promise<{ bytes: Buffer; exif: Buffer }> {
  const bytes = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#ff0000' } })
    .jpeg()
    .withExif(PHONE_EXIF)
    .toBuffer()
  const exif = (await sharp(bytes).metadata()).exif
  if (!exif) throw new Error('the test photo has no EXIF')
  return { bytes, exif }
}

const plainPng = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } })
    .png()
    .toBuffer()

const putPhoto = (server: Server, token: string | null, convId: string, bytes: Uint8Array, type?: string) =>
  putImage<Chat>(server, token, `/api/chats/${convId}/photo`, bytes, type)

const getPhoto = (server: Server, token: string | null, convId: string, query = '', headers: Record<string, string> = {}) =>
  getImage(server, token, `/api/chats/${convId}/photo${query}`, headers)

const errorCode = (r: { bytes: Buffer }) => (JSON.parse(r.bytes.toString()) as ApiError).error.code

describe.each(backends())('group photos (%s)', (backend) => {
  const suite = serverSuite(backend)
  let n = 0
  const handle = (name: string) => `${name}${n++}_${backend.slice(0, 2)}`
  const storedHash = async (convId: string) =>
    (await suite.server.db.get<{ photo: string }>('SELECT photo FROM convs WHERE id = ?', [convId]))?.photo

  async function group(owner: Session, title: string, others: Session[]): Promise<Chat> {
    const r = await api<Chat>(suite.server, owner.token, 'POST', '/api/chats/group', {
      title,
      userIds: others.map((o) => o.user.id),
    })
    expect(r.status).toBe(201)
    return r.body
  }

  async function inbox(who: Session): Promise<SyncClient> {
    const c = await connect(suite.server, who.token, inboxDoc(who.user.id))
    suite.keep(c)
    return c
  }
  const entry = (c: SyncClient, convId: string) => c.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(convId)

  /** The group's photo version as each of these members' chat, chat list and inbox entry show it. */
  async function seen(convId: string, members: [Session, SyncClient][]): Promise<Record<string, string | undefined>> {
    const out: Record<string, string | undefined> = {}
    for (const [who, box] of members) {
      const name = who.user.handle
      out[`${name} chat`] = (await api<Chat>(suite.server, who.token, 'GET', `/api/chats/${convId}`)).body.photo
      const list = (await api<Chat[]>(suite.server, who.token, 'GET', '/api/chats')).body
      out[`${name} chats`] = list.find((c) => c.id === convId)?.photo
      out[`${name} inbox`] = entry(box, convId)?.photo
    }
    return out
  }
  const everywhere = (members: Session[], v: string | undefined) =>
    Object.fromEntries(members.flatMap((m) => ['chat', 'chats', 'inbox'].map((k) => [`${m.user.handle} ${k}`, v])))

  it('a member sets it: 512 px square without EXIF, its version in the chat, list and inbox of every member, live', async () => {
    const ann = await signUp(suite.server, handle('ann'))
    const bob = await signUp(suite.server, handle('bob'))
    const chat = await group(ann, 'Hike', [bob])
    // ann's inbox is open before the change (rewritten live); bob's opens after it (reconciled as it loads)
    const annBox = await inbox(ann)
    await until(() => entry(annBox, chat.id) !== undefined, "the chat in ann's inbox")
    expect(entry(annBox, chat.id)).not.toHaveProperty('photo')
    expect(chat).not.toHaveProperty('photo')
    expect((await getPhoto(suite.server, ann.token, chat.id)).status).toBe(404)

    const original = await phoneJpeg()
    expect(original.bytes.includes('Kim Minji')).toBe(true)
    // bob is no owner: any member may set it, and the type the client names plays no part
    const put = await putPhoto(suite.server, bob.token, chat.id, original.bytes, 'text/plain')
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({ id: chat.id, kind: 'group', title: 'Hike', owner: ann.user.id })
    const first = put.body.photo
    expect(first).toMatch(/^[0-9a-f]{16}$/)
    expect((await storedHash(chat.id))?.startsWith(first!)).toBe(true)

    const bobBox = await inbox(bob)
    const members: [Session, SyncClient][] = [
      [ann, annBox],
      [bob, bobBox],
    ]
    await until(() => entry(annBox, chat.id)?.photo === first, "the photo in ann's inbox")
    expect(await seen(chat.id, members)).toEqual(everywhere([ann, bob], first))
    // nothing else of the entries changed, and no line was written for it
    expect(entry(annBox, chat.id)).toMatchObject({ kind: 'group', title: 'Hike', preview: '', unread: 0, members: 2 })

    const got = await getPhoto(suite.server, ann.token, chat.id, `?v=${first}`)
    expect(got.status).toBe(200)
    expect(got.headers.get('content-type')).toBe('image/jpeg')
    expect(got.headers.get('x-content-type-options')).toBe('nosniff')
    expect(got.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'")
    expect(got.headers.get('cross-origin-resource-policy')).toBe('same-origin')
    expect(got.headers.get('vary')).toBe('Authorization')
    expect(got.headers.get('cache-control')).toBe('private, max-age=31536000, immutable')
    expect(got.headers.get('etag')).toBe(`"${await storedHash(chat.id)}"`)
    const meta = await sharp(got.bytes).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 512, 512])
    expect(meta.exif).toBeUndefined()
    expect(meta.xmp).toBeUndefined()
    expect(meta.iptc).toBeUndefined()
    expect(got.bytes.includes('Exif')).toBe(false)
    expect(got.bytes.includes(original.exif)).toBe(false)
    expect(got.bytes.includes('Kim Minji')).toBe(false)
    // without the current version the same address names whatever the photo is then: checked before reuse
    const bare = await getPhoto(suite.server, bob.token, chat.id)
    expect([bare.status, bare.headers.get('cache-control')]).toEqual([200, 'private, no-cache'])
    expect(bare.bytes.equals(got.bytes)).toBe(true)
    const cached = await getPhoto(suite.server, bob.token, chat.id, '', { 'If-None-Match': got.headers.get('etag')! })
    expect([cached.status, cached.bytes.length]).toEqual([304, 0])

    // another member replaces it: a new version everywhere, the old one no longer kept for good
    const second = (await putPhoto(suite.server, ann.token, chat.id, await plainPng(600, 400, '#0088ff'))).body.photo
    expect(second).toMatch(/^[0-9a-f]{16}$/)
    expect(second).not.toBe(first)
    await until(
      () => entry(annBox, chat.id)?.photo === second && entry(bobBox, chat.id)?.photo === second,
      'the new photo in both inboxes',
    )
    expect(await seen(chat.id, members)).toEqual(everywhere([ann, bob], second))
    const stale = await getPhoto(suite.server, bob.token, chat.id, `?v=${first}`)
    expect([stale.status, stale.headers.get('cache-control')]).toEqual([200, 'private, no-cache'])
    expect(stale.bytes.equals(got.bytes)).toBe(false)

    // DELETE: no photo anywhere, the inbox entries without the field, nothing to fetch
    const del = await api<Chat>(suite.server, bob.token, 'DELETE', `/api/chats/${chat.id}/photo`)
    expect(del.status).toBe(200)
    expect(del.body).toMatchObject({ id: chat.id, kind: 'group', title: 'Hike' })
    expect(del.body).not.toHaveProperty('photo')
    await until(
      () => entry(annBox, chat.id)?.photo === undefined && entry(bobBox, chat.id)?.photo === undefined,
      'the photo gone from both inboxes',
    )
    expect(await seen(chat.id, members)).toEqual(everywhere([ann, bob], undefined))
    expect(entry(annBox, chat.id)).not.toHaveProperty('photo')
    expect(entry(bobBox, chat.id)).not.toHaveProperty('photo')
    const gone = await getPhoto(suite.server, ann.token, chat.id)
    expect([gone.status, errorCode(gone)]).toEqual([404, 'not_found'])
    // deleting it again is no error
    expect((await api<Chat>(suite.server, ann.token, 'DELETE', `/api/chats/${chat.id}/photo`)).status).toBe(200)
  })

  it('only current members fetch or change it: a stranger and who left get 404 and cannot set it', async () => {
    const ann = await signUp(suite.server, handle('own'))
    const bob = await signUp(suite.server, handle('lvr'))
    const sam = await signUp(suite.server, handle('str'))
    const chat = await group(ann, 'Members', [bob])
    const version = (await putPhoto(suite.server, ann.token, chat.id, await plainPng(64, 64, '#ff00ff'))).body.photo
    expect(version).toBeTruthy()
    expect((await getPhoto(suite.server, bob.token, chat.id, `?v=${version}`)).status).toBe(200)
    expect((await api(suite.server, bob.token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)

    for (const who of [sam, bob]) {
      // the same answer as for a chat that does not exist or has no photo
      for (const query of ['', `?v=${version}`]) {
        const r = await getPhoto(suite.server, who.token, chat.id, query)
        expect([r.status, errorCode(r)], who.user.handle).toEqual([404, 'not_found'])
      }
      const put = await putPhoto(suite.server, who.token, chat.id, await plainPng(64, 64, '#00ff00'))
      expect([put.status, put.body.error?.code], who.user.handle).toEqual([403, 'forbidden'])
      const del = await api<ApiError>(suite.server, who.token, 'DELETE', `/api/chats/${chat.id}/photo`)
      expect([del.status, del.body.error?.code], who.user.handle).toEqual([403, 'forbidden'])
    }
    expect((await api<Chat>(suite.server, ann.token, 'GET', `/api/chats/${chat.id}`)).body.photo).toBe(version)
    const still = await getPhoto(suite.server, ann.token, chat.id)
    expect([still.status, still.headers.get('etag')]).toEqual([200, `"${await storedHash(chat.id)}"`])

    // an unknown chat and a malformed id: 404, as for a group without a photo
    const bare = await group(ann, 'Bare', [])
    for (const id of [bare.id, 'zzzzzzzzzzzz', '..%2F..%2Fetc']) {
      const r = await getPhoto(suite.server, ann.token, id)
      expect([r.status, errorCode(r)], id).toEqual([404, 'not_found'])
    }
    const unknown = await putPhoto(suite.server, ann.token, 'zzzzzzzzzzzz', await plainPng(16, 16, '#000000'))
    expect([unknown.status, unknown.body.error?.code]).toEqual([404, 'not_found'])

    // without a valid session: 401 for all three
    for (const token of [null, 'x'.repeat(43)]) {
      expect((await getPhoto(suite.server, token, chat.id)).status).toBe(401)
      expect((await putPhoto(suite.server, token, chat.id, await plainPng(16, 16, '#000000'))).status).toBe(401)
      const del = await fetch(`${suite.server.url}/api/chats/${chat.id}/photo`, {
        method: 'DELETE',
        headers: token ? { Authorization: `Bearer ${token}` } : {},
      })
      expect(del.status).toBe(401)
    }
    expect(await storedHash(chat.id)).toMatch(new RegExp(`^${version}`))
  })

  it('an invite link shows the group photo to its holder before they join, until the link is turned off', async () => {
    const ann = await signUp(suite.server, handle('inv'))
    const sam = await signUp(suite.server, handle('hld'))
    const chat = await group(ann, 'Climbers', [])
    const link = (await api<InviteLink>(suite.server, ann.token, 'POST', '/api/invites', { kind: 'group', convId: chat.id })).body
    const preview = () => api<InvitePreview>(suite.server, sam.token, 'GET', `/api/invites/${link.token}`)
    const byLink = (query = '') => getImage(suite.server, sam.token, `/api/invites/${link.token}/photo${query}`)
    // no photo yet: none in the preview, 404 by the link
    expect((await preview()).body.group).not.toHaveProperty('photo')
    expect((await byLink()).status).toBe(404)

    const version = (await putPhoto(suite.server, ann.token, chat.id, await plainPng(64, 64, '#336699'))).body.photo!
    expect((await preview()).body.group?.photo).toBe(version)
    const seen = await byLink(`?v=${version}`)
    expect(seen.status).toBe(200)
    expect(seen.headers.get('cache-control')).toContain('immutable')
    expect(seen.bytes.equals((await getPhoto(suite.server, ann.token, chat.id, `?v=${version}`)).bytes)).toBe(true)
    // the link is no way into the chat's own photo address
    expect((await getPhoto(suite.server, sam.token, chat.id)).status).toBe(404)
    // a malformed or unknown token, no session: refused
    expect((await getImage(suite.server, sam.token, '/api/invites/nope/photo')).status).toBe(404)
    expect((await getImage(suite.server, null, `/api/invites/${link.token}/photo`)).status).toBe(401)
    // turned off: the link shows nothing any more
    expect((await api(suite.server, ann.token, 'DELETE', `/api/invites/${link.token}`)).status).toBe(204)
    const off = await byLink(`?v=${version}`)
    expect([off.status, errorCode(off)]).toEqual([410, 'invite_revoked'])
  })

  it('a direct chat has no photo: 400 bad_request for PUT and DELETE, 404 for GET', async () => {
    const ann = await signUp(suite.server, handle('dir'))
    const bob = await signUp(suite.server, handle('dis'))
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    expect(chat.kind).toBe('direct')
    const put = await putPhoto(suite.server, ann.token, chat.id, await plainPng(64, 64, '#123123'))
    expect([put.status, put.body.error?.code]).toEqual([400, 'bad_request'])
    const del = await api<ApiError>(suite.server, bob.token, 'DELETE', `/api/chats/${chat.id}/photo`)
    expect([del.status, del.body.error?.code]).toEqual([400, 'bad_request'])
    expect((await getPhoto(suite.server, ann.token, chat.id)).status).toBe(404)
    expect(await storedHash(chat.id)).toBe('')
    const box = await inbox(ann)
    await until(() => entry(box, chat.id) !== undefined, "the direct chat in ann's inbox")
    expect(entry(box, chat.id)).not.toHaveProperty('photo')
    expect((await api<Chat>(suite.server, ann.token, 'GET', `/api/chats/${chat.id}`)).body).not.toHaveProperty('photo')
  })

  it('bytes that are no image: 400 not_an_image, and the photo stays as it was', async () => {
    const ann = await signUp(suite.server, handle('htm'))
    const chat = await group(ann, 'Html', [])
    const before = (await putPhoto(suite.server, ann.token, chat.id, await plainPng(64, 64, '#345678'))).body.photo
    expect(before).toBeTruthy()
    const hash = await storedHash(chat.id)
    const html = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>')
    for (const type of ['image/jpeg', 'text/html']) {
      const r = await putPhoto(suite.server, ann.token, chat.id, html, type)
      expect([r.status, r.body.error?.code], type).toEqual([400, 'not_an_image'])
    }
    expect(await storedHash(chat.id)).toBe(hash)
    expect((await api<Chat>(suite.server, ann.token, 'GET', `/api/chats/${chat.id}`)).body.photo).toBe(before)
    const box = await inbox(ann)
    await until(() => entry(box, chat.id) !== undefined, "the chat in ann's inbox")
    expect(entry(box, chat.id)?.photo).toBe(before)
    const got = await getPhoto(suite.server, ann.token, chat.id)
    expect([got.status, got.headers.get('content-type'), got.headers.get('etag')]).toEqual([200, 'image/jpeg', `"${hash}"`])
  })

  it('the sweep keeps the content a group photo names and frees a replaced one', async () => {
    const ann = await signUp(suite.server, handle('swp'))
    const chat = await group(ann, 'Sweep', [])
    const { media } = suite.server
    await putPhoto(suite.server, ann.token, chat.id, await plainPng(64, 64, '#222222'))
    const old = (await storedHash(chat.id))!
    await putPhoto(suite.server, ann.token, chat.id, await plainPng(64, 64, '#dddddd'))
    const current = (await storedHash(chat.id))!
    expect(old).not.toBe(current)
    for (const h of [old, current]) expect(await media.store.has(h)).toBe(true)

    expect(await sweepContent(media, Date.now(), 0)).toBeGreaterThanOrEqual(1)
    expect(await media.store.has(current)).toBe(true)
    expect(await media.store.has(old)).toBe(false)
    const got = await getPhoto(suite.server, ann.token, chat.id)
    expect([got.status, got.headers.get('etag')]).toEqual([200, `"${current}"`])
  })
})
