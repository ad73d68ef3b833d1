// Media messages in chat pages: the server takes one only when it matches a blob its author uploaded to
// that chat, a blob is readable by the members who can read a page that names it, and a blob no message
// names any more is freed by the collector. The chat list says when the latest message is media.
import { randomBytes } from 'node:crypto'
import sharp from 'sharp'
import * as Y from 'yjs'
import { describe, expect, it } from 'vitest'
import type { BlobInfo, Chat } from '../../protocol/api.ts'
import { inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { ChatMessage, InboxEntry, MediaRef } from '../../protocol/messages.ts'
import { CLOSE } from '../../protocol/wire.ts'
import { releaseUnreferenced } from '../../server/media/collector.ts'
import { backends } from '../fixtures/databases.ts'
import { download, mediaMessage, mediaRef, sendMedia, upload } from '../fixtures/media.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, msgs, send, until, type SyncClient } from '../fixtures/sync-client.ts'

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#2a6' } })
    .png()
    .toBuffer()

describe.each(backends())('media messages (%s)', (backend) => {
  const suite = serverSuite(backend)
  let n = 0
  const handle = (name: string) => `${name}${n++}_${backend.slice(0, 2)}`

  async function group(title = 'Photos') {
    const ann = await signUp(suite.server, handle('ann'))
    const bob = await signUp(suite.server, handle('bob'))
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title, userIds: [bob.user.id] })).body
    return { ann, bob, chat }
  }

  async function open(token: string, doc: string): Promise<SyncClient> {
    const c = await connect(suite.server, token, doc, { ack: true })
    suite.keep(c)
    return c
  }

  /** Appends `m` from a fresh client and waits for the server's verdict: the close, or null once it is committed. */
  async function verdict(token: string, convId: string, m: ChatMessage): Promise<{ code: number; reason: string } | null> {
    const c = await open(token, pageDoc(convId, 0))
    msgs(c).push([m])
    const clock = Y.getState(c.doc.store, c.doc.clientID)
    await until(() => c.closes.length > 0 || c.ackedClock() >= clock, 'a verdict on the media message')
    c.destroy()
    return c.closes[0] ?? null
  }

  it('a photo message reaches the other member, who can then fetch the photo; the chat list says it is a photo', async () => {
    const { ann, bob, chat } = await group()
    const bytes = await png(30, 20)
    const blob = await upload(suite.server, ann.token, chat.id, 'photo', bytes)
    expect(blob).toMatchObject({ kind: 'photo', mime: 'image/png', width: 30, height: 20 })
    // not sent yet: the upload is its uploader's alone
    expect((await download(suite.server, bob.token, blob.id)).status).toBe(404)

    const bobsPage = await open(bob.token, pageDoc(chat.id, 0))
    const bobsInbox = await open(bob.token, inboxDoc(bob.user.id))
    const entry = () => bobsInbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(chat.id)
    const sent = await sendMedia(suite.server, ann, chat.id, blob)
    await until(() => msgs(bobsPage).length === 1, 'bob receives the photo message')
    expect(msgs(bobsPage).get(0)).toEqual(sent)
    expect(sent.media).toEqual({ id: blob.id, kind: 'photo', mime: 'image/png', size: blob.size, w: 30, h: 20 })

    const got = await download(suite.server, bob.token, blob.id)
    expect(got.status).toBe(200)
    expect(got.bytes.length).toBe(blob.size)

    // an empty caption still tells the chat list what to show
    await until(() => entry()?.from === ann.user.id, "bob's chat list has the photo message")
    expect(entry()).toMatchObject({ preview: '', from: ann.user.id, media: 'photo' })
    // and a text message after it has no media
    const annsPage = await open(ann.token, pageDoc(chat.id, 0))
    send(annsPage, ann.user.id, 'nice, right?')
    await until(() => entry()?.preview === 'nice, right?', "bob's chat list has the text message")
    expect(entry()).not.toHaveProperty('media')
  })

  it('photos sent together are one album in the chat list ("3 photos"); one with words, or a text, ends it', async () => {
    const { ann, bob, chat } = await group()
    const bobsInbox = await open(bob.token, inboxDoc(bob.user.id))
    const entry = () => bobsInbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(chat.id)
    const annsPage = await open(ann.token, pageDoc(chat.id, 0))
    const blobs: BlobInfo[] = []
    for (const k of [1, 2, 3, 4]) blobs.push(await upload(suite.server, ann.token, chat.id, 'photo', await png(10 + k, 10)))
    // three at once (one update), as the app sends photos picked together
    msgs(annsPage).push(blobs.slice(0, 3).map((b) => mediaMessage(ann.user.id, mediaRef(b))))
    await until(() => entry()?.photos === 3, "bob's chat list has the album")
    expect(entry()).toMatchObject({ preview: '', from: ann.user.id, media: 'photo', photos: 3 })
    // one more, on its own a moment later: the same album
    await sendMedia(suite.server, ann, chat.id, blobs[3])
    await until(() => entry()?.photos === 4, 'the fourth photo joins the album')
    // a text ends it; a photo after it is one photo again
    send(annsPage, ann.user.id, 'from the trip')
    await until(() => entry()?.preview === 'from the trip', 'the text')
    expect(entry()).not.toHaveProperty('photos')
    const alone = await upload(suite.server, ann.token, chat.id, 'photo', await png(9, 9))
    await sendMedia(suite.server, ann, chat.id, alone)
    await until(() => entry()?.media === 'photo', 'one photo')
    expect(entry()).not.toHaveProperty('photos')
    // and a photo from Bob after Ann's is his own, not her album's
    const bobs = await upload(suite.server, bob.token, chat.id, 'photo', await png(8, 8))
    await sendMedia(suite.server, bob, chat.id, bobs)
    await until(() => entry()?.from === bob.user.id, "bob's photo")
    expect(entry()).not.toHaveProperty('photos')
  })

  it('refuses, closing the socket and applying nothing, a media message that does not match an upload of its author to this chat', async () => {
    const { ann, bob, chat } = await group()
    const other = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title: 'Elsewhere', userIds: [] })).body
    const photo = await upload(suite.server, ann.token, chat.id, 'photo', await png(12, 9))
    const bobs = await upload(suite.server, bob.token, chat.id, 'photo', await png(5, 5))
    const elsewhere = await upload(suite.server, ann.token, other.id, 'file', randomBytes(300), 'notes.bin')
    const ref = mediaRef(photo)
    const cases: [string, MediaRef, string][] = [
      ["another member's upload", mediaRef(bobs), 'media is not an upload of yours to this chat'],
      ['an upload to another chat', mediaRef(elsewhere), 'media is not an upload of yours to this chat'],
      ['no upload at all', { ...ref, id: randomBytes(16).toString('base64url') }, 'media is not an upload of yours to this chat'],
      ['another kind', { id: ref.id, kind: 'file', mime: ref.mime, size: ref.size }, 'media kind differs from the upload'],
      ['another type', { ...ref, mime: 'image/jpeg' }, 'media type differs from the upload'],
      ['another size', { ...ref, size: ref.size + 1 }, 'media size differs from the upload'],
      ['another width', { ...ref, w: 13 }, 'photo dimensions differ from the upload'],
      ['another height', { ...ref, h: 8 }, 'photo dimensions differ from the upload'],
    ]
    const bobsPage = await open(bob.token, pageDoc(chat.id, 0))
    for (const [what, media, reason] of cases) {
      const m = mediaMessage(ann.user.id, media, what)
      expect(await verdict(ann.token, chat.id, m), what).toEqual({ code: CLOSE.REFUSED, reason })
    }
    // what matches goes through, after all of them
    const fine = mediaMessage(ann.user.id, ref, 'the real one')
    expect(await verdict(ann.token, chat.id, fine)).toBeNull()
    await until(() => msgs(bobsPage).length === 1, 'bob receives the matching message')
    expect(msgs(bobsPage).toArray()).toEqual([fine])
    const fresh = await open(bob.token, pageDoc(chat.id, 0))
    expect(msgs(fresh).toArray()).toEqual([fine])
    // bob's blob was named only by refused messages: still his alone
    expect((await download(suite.server, ann.token, bobs.id)).status).toBe(404)
  })

  it('a text message never reads the blobs; a media message whose blob cannot be read is a storage error', async () => {
    const { ann, bob, chat } = await group()
    const blob = await upload(suite.server, ann.token, chat.id, 'file', randomBytes(500), 'plan.bin')
    const bobsPage = await open(bob.token, pageDoc(chat.id, 0))
    const { db } = suite.server
    await db.run('ALTER TABLE blobs RENAME TO blobs_away')
    try {
      const text = await open(ann.token, pageDoc(chat.id, 0))
      send(text, ann.user.id, 'words only')
      await until(() => text.ackedClock() > 0, 'the text message is committed')
      expect(text.closes).toEqual([])
      await until(() => msgs(bobsPage).length === 1, 'bob receives the text message')
      // the stock client reconnects after 4012 and sends it again; it goes through once the table is back
      const media = await open(ann.token, pageDoc(chat.id, 0))
      const m = mediaMessage(ann.user.id, mediaRef(blob))
      msgs(media).push([m])
      await until(() => media.closes.length > 0, 'the media message is not taken')
      expect(media.closes[0].code).toBe(CLOSE.RELOAD)
      expect(
        msgs(bobsPage)
          .toArray()
          .map((x) => x.body),
      ).toEqual(['words only'])
      await db.run('ALTER TABLE blobs_away RENAME TO blobs')
      await until(() => msgs(bobsPage).length === 2, 'the media message arrives after the reconnect')
      expect(msgs(bobsPage).get(1)).toEqual(m)
    } finally {
      await db.run('ALTER TABLE blobs_away RENAME TO blobs').catch(() => {})
    }
  })

  it('a member who joined after a photo was sent, and a member who left, cannot fetch it', async () => {
    const { ann, bob, chat } = await group()
    const cy = await signUp(suite.server, handle('cy'))
    const early = await upload(suite.server, ann.token, chat.id, 'photo', await png(8, 8))
    await sendMedia(suite.server, ann, chat.id, early)
    const invited = await api<Chat>(suite.server, ann.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [cy.user.id] })
    expect(invited.body.page).toBe(1)
    // the photo is on page 0, before cy's first page
    expect((await download(suite.server, cy.token, early.id)).status).toBe(404)
    expect((await download(suite.server, bob.token, early.id)).status).toBe(200)
    const late = await upload(suite.server, ann.token, chat.id, 'photo', await png(9, 9))
    await sendMedia(suite.server, ann, chat.id, late, 1)
    expect((await download(suite.server, cy.token, late.id)).status).toBe(200)

    expect((await api(suite.server, bob.token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)
    const gone = await download(suite.server, bob.token, early.id)
    const missing = await download(suite.server, bob.token, randomBytes(16).toString('base64url'))
    expect(gone.status).toBe(404)
    // the same answer as for a blob that does not exist
    expect(gone.bytes.toString()).toBe(missing.bytes.toString())
    expect((await download(suite.server, bob.token, late.id)).status).toBe(404)
  })

  it('a retracted media message frees its blob at the next collection; a sent one and a fresh upload stay', async () => {
    const { ann, bob, chat } = await group()
    const gone = await upload(suite.server, ann.token, chat.id, 'photo', await png(6, 4))
    const kept = await upload(suite.server, ann.token, chat.id, 'photo', await png(4, 6))
    const retracted = await sendMedia(suite.server, ann, chat.id, gone)
    await sendMedia(suite.server, ann, chat.id, kept)
    expect((await download(suite.server, bob.token, gone.id)).status).toBe(200)

    const annsPage = await open(ann.token, pageDoc(chat.id, 0))
    annsPage.doc.getMap(ROOTS.page.edits).set(retracted.id, { retracted: true, ts: Date.now() })
    await until(() => annsPage.ackedClock() > 0, 'the retraction is committed')
    // no message names it any more: nobody else may fetch it
    expect((await download(suite.server, bob.token, gone.id)).status).toBe(404)
    expect((await download(suite.server, ann.token, gone.id)).status).toBe(200)

    // a never-sent upload waits out the grace period (a day unless told otherwise)
    const unsent = await upload(suite.server, ann.token, chat.id, 'file', randomBytes(50))
    await releaseUnreferenced(suite.server.media)
    expect((await download(suite.server, ann.token, unsent.id)).status).toBe(200)
    expect((await download(suite.server, ann.token, gone.id)).status).toBe(200)

    expect(await releaseUnreferenced(suite.server.media, Date.now(), 0)).toBeGreaterThanOrEqual(2)
    for (const b of [gone, unsent] as BlobInfo[]) {
      expect((await download(suite.server, ann.token, b.id)).status).toBe(404)
      expect(await suite.server.db.all('SELECT id FROM blobs WHERE id = ?', [b.id])).toEqual([])
    }
    expect((await download(suite.server, bob.token, kept.id)).status).toBe(200)
    // a message naming the released blob is refused from then on
    const again = mediaMessage(ann.user.id, mediaRef(gone))
    expect(await verdict(ann.token, chat.id, again)).toEqual({
      code: CLOSE.REFUSED,
      reason: 'media is not an upload of yours to this chat',
    })
  })
})
