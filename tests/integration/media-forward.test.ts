// Forwarding media: a member who can see a photo makes it a blob of theirs in another chat of theirs,
// names it in a message there, and that chat's members fetch the same bytes, while access stays per
// chat (the new chat's members cannot fetch the original, nor can anyone forward what they cannot see).
// The content is stored once and outlives the original's release while the forward names it.
import { randomBytes } from 'node:crypto'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { BlobInfo, Chat } from '../../protocol/api.ts'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import { releaseUnreferenced, sweepContent } from '../../server/media/collector.ts'
import { backends } from '../fixtures/databases.ts'
import { download, sendMedia, upload } from '../fixtures/media.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, until } from '../fixtures/sync-client.ts'

describe.each(backends())('forwarding media (%s)', (backend) => {
  const suite = serverSuite(backend)
  let n = 0
  const handle = (name: string) => `${name}${n++}_${backend.slice(0, 2)}`

  async function people() {
    const [ann, ben, cy] = await Promise.all(['ann', 'ben', 'cy'].map((p) => signUp(suite.server, handle(p))))
    const group = (title: string, owner: typeof ann, others: (typeof ann)[]) =>
      api<Chat>(suite.server, owner.token, 'POST', '/api/chats/group', { title, userIds: others.map((o) => o.user.id) }).then(
        (r) => r.body,
      )
    // Ann and Ben share "trip"; Ben and Cy share "home"; Cy is not in "trip"
    const trip = await group('trip', ann, [ben])
    const home = await group('home', ben, [cy])
    return { ann, ben, cy, trip, home }
  }
  const forward = (token: string, id: string, body: unknown) =>
    api<BlobInfo>(suite.server, token, 'POST', `/api/blobs/${id}/forward`, body)

  it('a member forwards a photo into another chat: its members get the same bytes, and only that blob', async () => {
    const { ann, ben, cy, trip, home } = await people()
    const bytes = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c63' } })
      .jpeg()
      .toBuffer()
    const photo = await upload(suite.server, ann.token, trip.id, 'photo', bytes)
    await sendMedia(suite.server, ann, trip.id, photo)
    const original = (await download(suite.server, ben.token, photo.id)).bytes

    const fwd = await forward(ben.token, photo.id, { conv: home.id })
    expect(fwd.status).toBe(201)
    expect(fwd.body).toMatchObject({
      kind: 'photo',
      mime: photo.mime,
      size: photo.size,
      width: photo.width,
      height: photo.height,
    })
    expect(fwd.body.id).not.toBe(photo.id)
    // not named by a message yet: Ben's alone, like an upload
    expect((await download(suite.server, cy.token, fwd.body.id)).status).toBe(404)
    await sendMedia(suite.server, ben, home.id, fwd.body)
    const got = await download(suite.server, cy.token, fwd.body.id)
    expect(got.status).toBe(200)
    expect(got.bytes.equals(original)).toBe(true)
    // the original stays the trip's: Cy cannot fetch it, nor forward it
    expect((await download(suite.server, cy.token, photo.id)).status).toBe(404)
    expect((await forward(cy.token, photo.id, { conv: home.id })).status).toBe(404)
    // stored once
    const hashes = await suite.server.db.all<{ hash: string }>('SELECT hash FROM blobs WHERE id IN (?, ?)', [
      photo.id,
      fwd.body.id,
    ])
    expect(new Set(hashes.map((h) => h.hash)).size).toBe(1)

    // Ann retracts the original and it is released: the forward keeps the content
    const annsPage = await connect(suite.server, ann.token, pageDoc(trip.id, 0), { ack: true })
    suite.keep(annsPage)
    const [sent] = annsPage.doc.getArray<{ id: string }>(ROOTS.page.msgs).toArray()
    annsPage.doc.getMap(ROOTS.page.edits).set(sent!.id, { retracted: true, ts: Date.now() })
    await until(() => annsPage.ackedClock() > 0, 'the retraction is committed')
    expect(await releaseUnreferenced(suite.server.media, Date.now(), 0)).toBeGreaterThanOrEqual(1)
    await sweepContent(suite.server.media, Date.now(), 0)
    expect((await download(suite.server, ann.token, photo.id)).status).toBe(404)
    const still = await download(suite.server, cy.token, fwd.body.id)
    expect(still.status).toBe(200)
    expect(still.bytes.equals(original)).toBe(true)
  })

  it('refuses what the caller may not see, chats they are not in, and malformed bodies, creating nothing', async () => {
    const { ann, ben, cy, trip, home } = await people()
    const file = await upload(suite.server, ann.token, trip.id, 'file', randomBytes(64), 'notes.txt')
    const count = async () => Number((await suite.server.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM blobs'))!.n)
    const before = await count()
    // unsent: only Ann's
    expect((await forward(ben.token, file.id, { conv: home.id })).status).toBe(404)
    await sendMedia(suite.server, ann, trip.id, file)
    // Ann is not in "home"
    expect(await forward(ann.token, file.id, { conv: home.id })).toMatchObject({ status: 403 })
    expect((await forward(ben.token, file.id, { conv: 'zzzzzzzzzzzz' })).status).toBe(404)
    for (const body of [{}, { conv: 5 }, { conv: '../x' }, null, []])
      expect((await forward(ben.token, file.id, body)).status, JSON.stringify(body)).toBe(400)
    expect((await forward(ben.token, 'AAAAAAAAAAAAAAAAAAAAAA', { conv: home.id })).status).toBe(404)
    expect((await forward('not-a-token', file.id, { conv: home.id })).status).toBe(401)
    expect((await forward(cy.token, file.id, { conv: home.id })).status).toBe(404)
    expect(await count()).toBe(before)
    // a file keeps its name
    expect((await forward(ben.token, file.id, { conv: home.id })).body).toMatchObject({
      kind: 'file',
      name: 'notes.txt',
      size: 64,
    })
  })
})
