// Uploading media through the real HTTP server: a photo loses its metadata (GPS above all) and is turned
// upright, a cut-off upload resumes from what arrived and becomes one blob, and every malformed or
// out-of-turn request gets a clear error without the server reading what it would refuse.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { request } from 'node:http'
import { crc32 } from 'node:zlib'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { BlobInfo, Chat } from '../../protocol/api.ts'
import { MAX_MEDIA_BYTES } from '../../protocol/limits.ts'
import { backends } from '../fixtures/databases.ts'
import { announce, download, offsetOf, openPatch, patch, sendMedia, upload } from '../fixtures/media.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { api, signUp } from '../fixtures/server.ts'
import { PHONE_EXIF } from '../fixtures/photos.ts'
import { box, boxTypes, phoneMp4, VIDEO_LOCATION } from '../fixtures/mp4.ts'

/** The GPS IFD pointer (tag 0x8825) of a little-endian EXIF block. */
const GPS_TAG = Buffer.from([0x25, 0x88])

/** A JPEG as a phone writes it: sideways (EXIF orientation 6), with GPS coordinates and an owner. */
async function phoneJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 30, channels: 3, background: '#e04040' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif(PHONE_EXIF)
    .toBuffer()
}

/**
 * Sends `bytes` as a PATCH body and ends the connection once `sent` of them are on their way, as a phone
 * that lost its network mid-upload: the body stops short of its Content-Length. The connection ends
 * with a FIN after those bytes, not a reset, which could drop bytes the server had not read yet: so the
 * server holds exactly `sent` of them, however busy it is.
 */
function cutPatch(url: string, token: string, id: string, bytes: Buffer, sent: number): Promise<void> {
  return new Promise((resolve) => {
    const req = openPatch(url, token, id, bytes.length)
    req.on('error', () => resolve())
    req.on('close', () => resolve())
    req.write(bytes.subarray(0, sent), () => req.socket?.end())
  })
}

describe.each(backends())('media uploads (%s)', (backend) => {
  const suite = serverSuite(backend)
  let n = 0
  const handle = (name: string) => `${name}${n++}_${backend.slice(0, 2)}`

  async function pair() {
    const a = await signUp(suite.server, handle('ann'))
    const b = await signUp(suite.server, handle('bob'))
    const chat = (await api<Chat>(suite.server, a.token, 'POST', '/api/chats/group', { title: 'Trip', userIds: [b.user.id] }))
      .body
    return { a, b, chat }
  }

  it('a photo arrives upright and without EXIF, GPS or any other metadata', async () => {
    const { a, b, chat } = await pair()
    const original = await phoneJpeg()
    const before = await sharp(original).metadata()
    expect(before.exif?.includes(GPS_TAG)).toBe(true)
    expect(original.includes('Exif')).toBe(true)

    // named as a camera names it: the name says when (and a phone's gallery app, where) it was taken
    const blob = await upload(suite.server, a.token, chat.id, 'photo', original, 'IMG_20261206_Jeju.jpg')
    expect(blob).toMatchObject({ kind: 'photo', mime: 'image/jpeg', width: 30, height: 40 })
    expect(blob.name).toBeUndefined()
    await sendMedia(suite.server, a, chat.id, blob)
    const got = await download(suite.server, b.token, blob.id)
    expect(got.status).toBe(200)
    expect(got.headers.get('content-disposition') ?? '').not.toContain('Jeju')
    expect(got.headers.get('content-type')).toBe('image/jpeg')
    expect(got.bytes.length).toBe(blob.size)
    const after = await sharp(got.bytes).metadata()
    expect(after.exif).toBeUndefined()
    expect(after.xmp).toBeUndefined()
    expect(after.iptc).toBeUndefined()
    expect(after.icc).toBeUndefined()
    expect([after.width, after.height]).toEqual([30, 40])
    expect(got.bytes.includes('Exif')).toBe(false)
    expect(got.bytes.includes('Kim Minji')).toBe(false)
  })

  it('PNG, WebP and GIF photos are kept in their format, stripped', async () => {
    const { a, chat } = await pair()
    const base = () => sharp({ create: { width: 8, height: 6, channels: 4, background: '#3366ff80' } })
    for (const [bytes, mime] of [
      [
        await base()
          .png()
          .withExif({ IFD0: { Copyright: 'Kim Minji' } })
          .toBuffer(),
        'image/png',
      ],
      [
        await base()
          .webp()
          .withExif({ IFD0: { Copyright: 'Kim Minji' } })
          .toBuffer(),
        'image/webp',
      ],
      [await base().gif().toBuffer(), 'image/gif'],
    ] as const) {
      const blob = await upload(suite.server, a.token, chat.id, 'photo', bytes)
      expect(blob).toMatchObject({ mime, width: 8, height: 6 })
      const got = await download(suite.server, a.token, blob.id)
      expect(got.headers.get('content-type')).toBe(mime)
      expect(got.bytes.includes('Kim Minji'), mime).toBe(false)
      expect((await sharp(got.bytes).metadata()).exif, mime).toBeUndefined()
    }
  })

  it('while a PATCH is still writing an upload, any other PATCH is told it is busy, whatever its offset', async () => {
    const { a, chat } = await pair()
    const bytes = randomBytes(300_000)
    const up = await announce(suite.server, a.token, chat.id, { kind: 'file', size: bytes.length, name: 'slow.bin' })
    const open = openPatch(suite.server.url, a.token, up.body.id, bytes.length)
    open.on('error', () => {})
    open.write(bytes.subarray(0, 100_000))
    // the open request holds the upload (its lease, in the uploads table)
    const held = async () =>
      Number((await suite.server.db.get<{ b: number }>('SELECT busy_until AS b FROM uploads WHERE id = ?', [up.body.id]))?.b) >
      Date.now()
    await expect.poll(held, { timeout: 10_000 }).toBe(true)
    // a client that guesses where the open one got to is not sent back to an offset that is out of date
    for (const at of [100_000, 50_000, 0]) {
      const r = await patch(suite.server, a.token, up.body.id, at, bytes.subarray(at))
      expect([r.status, r.body?.error?.code], String(at)).toEqual([409, 'upload_busy'])
    }
    open.destroy()
  })

  it('an upload cut off halfway resumes from what arrived and becomes one blob, once', async () => {
    const { a, b, chat } = await pair()
    const bytes = randomBytes(2 * 1024 * 1024 + 17)
    const half = Math.floor(bytes.length / 2)
    const up = await announce(suite.server, a.token, chat.id, { kind: 'file', size: bytes.length, name: 'notes.bin' })
    expect(up.status).toBe(201)
    expect(up.body.offset).toBe(0)
    await cutPatch(suite.server.url, a.token, up.body.id, bytes, half)

    // the server may not have seen the cut yet when the client comes back: it is told to ask again
    // (upload_busy, or offset_mismatch when the cut landed in between), and then the server has all of it
    let done: BlobInfo | undefined
    let resumedAt = -1
    while (!done) {
      const { status, offset } = await offsetOf(suite.server, a.token, up.body.id)
      expect(status).toBe(204)
      const r = await patch(suite.server, a.token, up.body.id, offset, bytes.subarray(offset))
      if (r.status === 409) {
        expect(['upload_busy', 'offset_mismatch']).toContain(r.body?.error?.code)
        continue
      }
      expect(r.status, JSON.stringify(r.body)).toBe(201)
      resumedAt = offset
      done = r.body
    }
    // it resumed from what the server stored of the cut request, not from the start: all that was sent, or
    // (when the cut ended the request in the middle of a write, as on a busy machine) a little less
    expect(resumedAt).toBeGreaterThan(0)
    expect(resumedAt).toBeLessThanOrEqual(half)
    expect(done).toMatchObject({ kind: 'file', size: bytes.length, name: 'notes.bin', mime: 'application/octet-stream' })
    const rows = await suite.server.db.all('SELECT id FROM blobs WHERE upload_id = ?', [up.body.id])
    expect(rows).toEqual([{ id: done.id }])
    await sendMedia(suite.server, a, chat.id, done)
    expect((await download(suite.server, b.token, done.id)).bytes.equals(bytes)).toBe(true)

    // the last answer lost: asking again gives the same blob, and nothing new
    expect(await offsetOf(suite.server, a.token, up.body.id)).toEqual({ status: 204, offset: bytes.length })
    const again = await patch(suite.server, a.token, up.body.id, bytes.length, new Uint8Array(0))
    expect(again.status).toBe(201)
    expect(again.body?.id).toBe(done.id)
    expect((await suite.server.db.all('SELECT id FROM blobs WHERE upload_id = ?', [up.body.id])).length).toBe(1)
  })

  it('a photo whose last answer was lost: the same blob for whatever is sent again, though encoded again it has another size', async () => {
    const { a, chat } = await pair()
    const bytes = await phoneJpeg()
    const { id } = (await announce(suite.server, a.token, chat.id, { kind: 'photo', size: bytes.length })).body
    const done = await patch(suite.server, a.token, id, 0, bytes)
    expect(done.status).toBe(201)
    const stored = done.body as BlobInfo
    // without its metadata the photo is smaller than what was sent
    expect(stored.size).toBeLessThan(bytes.length)
    expect(await offsetOf(suite.server, a.token, id)).toEqual({ status: 204, offset: stored.size })
    // a client that knows only its own file's size, or follows HEAD, or sends the last part again
    for (const [offset, body] of [
      [bytes.length, new Uint8Array(0)],
      [stored.size, new Uint8Array(0)],
      [stored.size, bytes.subarray(stored.size)],
      [0, bytes],
    ] as const) {
      const r = await patch(suite.server, a.token, id, offset, body)
      expect([r.status, r.body?.id], `PATCH at ${offset} with ${body.length} bytes`).toEqual([201, stored.id])
    }
    expect(await suite.server.db.all('SELECT id, size FROM blobs WHERE upload_id = ?', [id])).toEqual([
      { id: stored.id, size: stored.size },
    ])
  })

  it('an upload in several PATCHes; a wrong offset is told the right one', async () => {
    const { a, chat } = await pair()
    const bytes = randomBytes(300_000)
    const { id } = (await announce(suite.server, a.token, chat.id, { kind: 'video', size: bytes.length })).body
    const first = await patch(suite.server, a.token, id, 0, bytes.subarray(0, 100_000))
    expect([first.status, first.offset]).toEqual([204, 100_000])
    for (const wrong of [0, 50_000, 200_000]) {
      const r = await patch(suite.server, a.token, id, wrong, bytes.subarray(wrong, wrong + 1000))
      expect([r.status, r.body?.error?.code, r.offset]).toEqual([409, 'offset_mismatch', 100_000])
    }
    const rest = await patch(suite.server, a.token, id, 100_000, bytes.subarray(100_000))
    expect(rest.status).toBe(201)
    // random bytes are no known type: a video of unknown type is still a video, served as a download
    expect(rest.body).toMatchObject({ kind: 'video', size: bytes.length, mime: 'application/octet-stream' })
  })

  it("a phone's video loses where it was made: its metadata boxes are blanked, and it keeps its length and offsets", async () => {
    const { a, b, chat } = await pair()
    const { bytes, mdatPayloadAt } = phoneMp4()
    expect(bytes.includes(VIDEO_LOCATION)).toBe(true)
    const sent = await upload(suite.server, a.token, chat.id, 'video', bytes)
    expect(sent).toMatchObject({ kind: 'video', mime: 'video/mp4', size: bytes.length })
    await sendMedia(suite.server, a, chat.id, sent)
    const got = (await download(suite.server, b.token, sent.id)).bytes
    expect(got.length).toBe(bytes.length)
    expect(got.includes(VIDEO_LOCATION)).toBe(false)
    expect(got.includes('com.apple.quicktime.location')).toBe(false)
    expect(boxTypes(got)).toEqual([
      'ftyp',
      'moov',
      'moov/mvhd',
      'moov/trak',
      'moov/trak/tkhd',
      'moov/trak/mdia',
      'moov/trak/free',
      'moov/free',
      'moov/free',
      'free',
      'mdat',
    ])
    // the media itself, and the table that points at it, are untouched
    expect(got.subarray(mdatPayloadAt).equals(bytes.subarray(mdatPayloadAt))).toBe(true)
    expect(got.readUInt32BE(got.indexOf('stco') + 12)).toBe(mdatPayloadAt)
    // a file is the sender's, byte for byte
    const asFile = await upload(suite.server, a.token, chat.id, 'file', bytes)
    await sendMedia(suite.server, a, chat.id, asFile)
    expect((await download(suite.server, b.token, asFile.id)).bytes.equals(bytes)).toBe(true)
  })

  it('a video of countless tiny boxes, or of boxes nested without end, is refused and gone; a long recording in fragments is not', async () => {
    const { a, b, chat } = await pair()
    const ftyp = box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2mp41', 'latin1'))
    const refused = async (bytes: Buffer) => {
      const { id } = (await announce(suite.server, a.token, chat.id, { kind: 'video', size: bytes.length })).body
      const r = await patch(suite.server, a.token, id, 0, bytes)
      expect([r.status, r.body?.error?.code]).toEqual([400, 'malformed_media'])
      expect((await offsetOf(suite.server, a.token, id)).status).toBe(404)
    }
    // 150,000 empty boxes after the file type: a walk of each would cost the server seconds a megabyte
    await refused(Buffer.concat([ftyp, Buffer.alloc(8 * 150_000).fill(Buffer.from('\0\0\0\x08free', 'latin1'))]))
    // moov in moov, 20,000 deep: the walk into it once overflowed the stack and answered 500
    let nested = box('udta', Buffer.from(VIDEO_LOCATION, 'latin1'))
    for (let i = 0; i < 20_000; i++) nested = box('moov', nested)
    await refused(Buffer.concat([ftyp, nested]))
    // a recording cut into 2,000 fragments (as a browser records MP4) goes through, its location blanked
    const moov = box('moov', box('mvhd', Buffer.alloc(100)), box('udta', Buffer.from(VIDEO_LOCATION, 'latin1')))
    const fragment = Buffer.concat([box('moof', box('mfhd', Buffer.alloc(8))), box('mdat', Buffer.alloc(32, 7))])
    const fragmented = Buffer.concat([ftyp, moov, ...Array.from({ length: 2_000 }, () => fragment)])
    const sent = await upload(suite.server, a.token, chat.id, 'video', fragmented)
    expect(sent).toMatchObject({ kind: 'video', mime: 'video/mp4', size: fragmented.length })
    await sendMedia(suite.server, a, chat.id, sent)
    const got = (await download(suite.server, b.token, sent.id)).bytes
    expect(got.length).toBe(fragmented.length)
    expect(got.includes(VIDEO_LOCATION)).toBe(false)
  })

  it('a photo that is really HTML is refused, and its upload is gone', async () => {
    const { a, chat } = await pair()
    const html = Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>')
    const { id } = (await announce(suite.server, a.token, chat.id, { kind: 'photo', size: html.length, name: 'cat.png' })).body
    const r = await patch(suite.server, a.token, id, 0, html)
    expect([r.status, r.body?.error?.code]).toEqual([400, 'not_an_image'])
    expect((await offsetOf(suite.server, a.token, id)).status).toBe(404)
    // a truncated JPEG is no image either
    const jpeg = (await phoneJpeg()).subarray(0, 200)
    const cut = (await announce(suite.server, a.token, chat.id, { kind: 'photo', size: jpeg.length })).body
    expect((await patch(suite.server, a.token, cut.id, 0, jpeg)).body?.error?.code).toBe('not_an_image')
  })

  it('a photo of more than 50 megapixels is refused, saying so', async () => {
    const { a, chat } = await pair()
    // a real PNG whose header says 10,000 × 10,000: refused from its header, before any pixel is decoded
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#f00' } })
      .png()
      .toBuffer()
    const ihdr = png.subarray(12, 29) // "IHDR" and its 13 bytes
    ihdr.writeUInt32BE(10_000, 4)
    ihdr.writeUInt32BE(10_000, 8)
    png.writeUInt32BE(crc32(ihdr), 29)
    const { id } = (await announce(suite.server, a.token, chat.id, { kind: 'photo', size: png.length })).body
    const r = await patch(suite.server, a.token, id, 0, png)
    expect([r.status, r.body?.error?.code]).toEqual([400, 'not_an_image'])
    expect(r.body?.error?.message).toMatch(/more than 50 megapixels/)
  })

  it('announcing: kind, size and membership are checked', async () => {
    const { a, chat } = await pair()
    const stranger = await signUp(suite.server, handle('eve'))
    const bad = async (token: string, convId: string, body: { kind: string; size: number; name?: string }) => {
      const r = await announce(suite.server, token, convId, body)
      return [r.status, r.body.error?.code]
    }
    expect(await bad(a.token, chat.id, { kind: 'photo', size: MAX_MEDIA_BYTES.photo + 1 })).toEqual([413, 'too_large'])
    expect(await bad(a.token, chat.id, { kind: 'voice', size: MAX_MEDIA_BYTES.voice + 1 })).toEqual([413, 'too_large'])
    expect(await bad(a.token, chat.id, { kind: 'sticker', size: 10 })).toEqual([400, 'bad_request'])
    expect(await bad(a.token, chat.id, { kind: 'file', size: 0 })).toEqual([400, 'bad_request'])
    expect(await bad(a.token, chat.id, { kind: 'file', size: 1.5 })).toEqual([400, 'bad_request'])
    expect(await bad(stranger.token, chat.id, { kind: 'file', size: 10 })).toEqual([403, 'forbidden'])
    expect(await bad(a.token, 'nosuchchat00', { kind: 'file', size: 10 })).toEqual([404, 'not_found'])
    const anon = await fetch(`${suite.server.url}/api/chats/${chat.id}/uploads`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'file', size: 10 }),
    })
    expect(anon.status).toBe(401)
    // the name loses any path and control characters, and is cut to 200 characters
    const named = await upload(
      suite.server,
      a.token,
      chat.id,
      'file',
      Buffer.from('hi'),
      `../../etc/\u202e${'가'.repeat(300)}.txt`,
    )
    expect(named.name).toBe('가'.repeat(200))
    // an Arabic letter mark turns the name around as the other direction marks do; a folder's name is none
    const marked = await upload(suite.server, a.token, chat.id, 'file', Buffer.from('hi'), `invoice\u061c\u202egpj.exe`)
    expect(marked.name).toBe('invoicegpj.exe')
    for (const dots of ['..', '.', '../..'])
      expect((await upload(suite.server, a.token, chat.id, 'file', Buffer.from('hi'), dots)).name ?? '', dots).toBe('')
  })

  it('PATCH: only the uploader, only offset+octet-stream, never past the declared size', async () => {
    const { a, b, chat } = await pair()
    const bytes = randomBytes(1000)
    const { id } = (await announce(suite.server, a.token, chat.id, { kind: 'file', size: bytes.length })).body
    // another member, nobody, and a wrong id: no such upload
    expect((await patch(suite.server, b.token, id, 0, bytes)).status).toBe(404)
    expect((await offsetOf(suite.server, b.token, id)).status).toBe(404)
    expect((await patch(suite.server, null, id, 0, bytes)).status).toBe(401)
    expect((await patch(suite.server, a.token, 'A'.repeat(22), 0, bytes)).status).toBe(404)
    const typed = await patch(suite.server, a.token, id, 0, bytes, 'application/octet-stream')
    expect([typed.status, typed.body?.error?.code]).toEqual([415, 'unsupported_media_type'])
    const noOffset = await fetch(`${suite.server.url}/api/uploads/${id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${a.token}`, 'Content-Type': 'application/offset+octet-stream' },
      body: bytes,
    })
    expect(noOffset.status).toBe(400)

    // a body announced longer than the upload is refused before it is read
    const refused = await new Promise<{ status: number; code: string }>((resolve, reject) => {
      const req = openPatch(suite.server.url, a.token, id, 1024 ** 3)
      req.on('response', (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString()))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, code: (JSON.parse(text) as { error: { code: string } }).error.code }),
        )
      })
      req.on('error', reject)
      req.write(randomBytes(1000))
    })
    expect(refused).toEqual({ status: 413, code: 'too_large' })
    // and a chunked body that runs past it is cut, counting for nothing
    const over = await new Promise<void>((resolve) => {
      const req = request(`${suite.server.url}/api/uploads/${id}`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${a.token}`, 'Content-Type': 'application/offset+octet-stream', 'Upload-Offset': '0' },
      })
      req.on('response', (res) => (res.resume(), res.on('close', resolve)))
      req.on('error', () => resolve())
      req.write(randomBytes(600))
      req.write(randomBytes(600))
    })
    expect(over).toBeUndefined()
    let head = await offsetOf(suite.server, a.token, id)
    // the lease of the cut request goes when the server has seen the cut
    while (head.status === 204 && (await patch(suite.server, a.token, id, 0, new Uint8Array(0))).status === 409)
      head = await offsetOf(suite.server, a.token, id)
    expect(head).toEqual({ status: 204, offset: 0 })
    expect((await patch(suite.server, a.token, id, 0, bytes)).status).toBe(201)
    expect(existsSync(suite.server.media.uploadDir + '/' + id)).toBe(false)
  })
})
