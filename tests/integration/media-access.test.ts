// Who gets a blob's bytes, and how they are served: its uploader, and the members of its chat who can read
// a page with a message that names it, asked on every request; everyone else cannot tell it exists. Bytes are served with their
// sniffed type only when it is safe to render, with ranges, and never as a page that runs anything.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { pageDoc } from '../../protocol/docs.ts'
import { expireUploads, releaseBlob, sweepContent } from '../../server/media/collector.ts'
import { backends } from '../fixtures/databases.ts'
import { announce, download, offsetOf, patch, sendMedia, upload } from '../fixtures/media.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { bodies, connect, send, until } from '../fixtures/sync-client.ts'

describe.each(backends())('media access and serving (%s)', (backend) => {
  const suite = serverSuite(backend)
  let n = 0
  const handle = (name: string) => `${name}${n++}_${backend.slice(0, 2)}`

  /** Whether an upload's bytes so far are kept: a partial file on disk, or pieces in the database. */
  async function hasParts(id: string): Promise<boolean> {
    const rows = await suite.server.db.all('SELECT off FROM upload_parts WHERE upload_id = ?', [id])
    return rows.length > 0 || existsSync(`${suite.server.media.uploadDir}/${id}`)
  }

  async function group(...others: string[]) {
    const owner = await signUp(suite.server, handle('own'))
    const chat = (await api<Chat>(suite.server, owner.token, 'POST', '/api/chats/group', { title: 'Crew', userIds: others })).body
    return { owner, chat }
  }

  it('once sent, members and the uploader get it; a stranger, a leaver, a removed member, a signed-out device and a wrong id do not', async () => {
    const [bob, cy, dan, eve] = [handle('bob'), handle('cy'), handle('dan'), handle('eve')]
    const b = await signUp(suite.server, bob)
    const c = await signUp(suite.server, cy)
    const d = await signUp(suite.server, dan)
    const e = await signUp(suite.server, eve)
    const { owner, chat } = await group(b.user.id, c.user.id, d.user.id)
    const bytes = randomBytes(5000)
    const blob = await upload(suite.server, b.token, chat.id, 'file', bytes, 'plan.bin')
    const cysOwn = await upload(suite.server, c.token, chat.id, 'file', randomBytes(10))
    // uploaded but not sent: only its uploader has it
    expect((await download(suite.server, owner.token, blob.id)).status).toBe(404)
    expect((await download(suite.server, b.token, blob.id)).status).toBe(200)
    await sendMedia(suite.server, b, chat.id, blob)
    await sendMedia(suite.server, c, chat.id, cysOwn)
    for (const who of [owner, b, c, d]) {
      const got = await download(suite.server, who.token, blob.id)
      expect(got.status).toBe(200)
      expect(got.bytes.equals(bytes)).toBe(true)
    }
    const refused = async (token: string | null, id = blob.id) => {
      const r = await download(suite.server, token, id)
      return [r.status, r.bytes.includes(bytes.subarray(0, 16))]
    }
    // not in the chat: as if there were no such blob
    expect(await refused(e.token)).toEqual([404, false])
    // cy leaves, dan is removed: from then on, nothing of the chat's media
    expect((await api(suite.server, c.token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)
    expect((await api(suite.server, owner.token, 'POST', `/api/chats/${chat.id}/remove`, { userId: d.user.id })).status).toBe(200)
    expect(await refused(c.token)).toEqual([404, false])
    expect(await refused(d.token)).toEqual([404, false])
    // what they uploaded themselves stays theirs
    expect((await download(suite.server, c.token, cysOwn.id)).status).toBe(200)
    expect((await download(suite.server, d.token, cysOwn.id)).status).toBe(404)
    // signed out, no token, a wrong id, a malformed one
    expect((await api(suite.server, owner.token, 'POST', '/api/signout')).status).toBe(204)
    expect(await refused(owner.token)).toEqual([401, false])
    expect(await refused(null)).toEqual([401, false])
    expect(await refused(b.token, randomBytes(16).toString('base64url'))).toEqual([404, false])
    expect(await refused(b.token, '..%2F..%2Fetc')).toEqual([404, false])
    expect(await refused(b.token, blob.id.slice(1))).toEqual([404, false])
    // the refusal looks the same whether or not the blob exists
    const missing = await download(suite.server, e.token, randomBytes(16).toString('base64url'))
    const hidden = await download(suite.server, e.token, blob.id)
    expect(hidden.bytes.toString()).toBe(missing.bytes.toString())
  })

  it('a member invited after messages does not get the media sent before they came, but gets what is sent after', async () => {
    const cy = await signUp(suite.server, handle('cy'))
    const { owner, chat } = await group()
    const before = await upload(suite.server, owner.token, chat.id, 'file', randomBytes(100))
    const c0 = await connect(suite.server, owner.token, pageDoc(chat.id, 0))
    suite.keep(c0)
    send(c0, owner.user.id, 'here is the plan')
    await until(() => bodies(c0).length === 1, 'written')
    await sendMedia(suite.server, owner, chat.id, before)
    // uploaded before the invitation, sent after it: what counts is the page of the message
    const held = await upload(suite.server, owner.token, chat.id, 'file', randomBytes(100))
    const invited = await api<Chat>(suite.server, owner.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [cy.user.id] })
    expect(invited.body.page).toBe(1)
    expect((await download(suite.server, cy.token, before.id)).status).toBe(404)
    const after = await upload(suite.server, owner.token, chat.id, 'file', randomBytes(100))
    expect((await download(suite.server, cy.token, after.id)).status).toBe(404)
    await sendMedia(suite.server, owner, chat.id, after, 1)
    await sendMedia(suite.server, owner, chat.id, held, 1)
    expect((await download(suite.server, cy.token, after.id)).status).toBe(200)
    expect((await download(suite.server, cy.token, held.id)).status).toBe(200)
    expect((await download(suite.server, cy.token, before.id)).status).toBe(404)
  })

  it('HTML, SVG and unknown bytes are downloads of no type; safe types are shown, all in a sandbox', async () => {
    const { owner, chat } = await group()
    const html = Buffer.from('<!doctype html><html><body><script>fetch("/api/me")</script></body></html>')
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>')
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } })
      .png()
      .toBuffer()
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n')
    // an iPhone's .mov: a QuickTime file type box, then its media
    const mov = Buffer.concat([
      Buffer.from([0, 0, 0, 20]),
      Buffer.from('ftypqt  ', 'latin1'),
      Buffer.from([0, 0, 2, 0]),
      Buffer.from('qt  ', 'latin1'),
      Buffer.from([0, 0, 0, 40]),
      Buffer.from('mdat', 'latin1'),
      Buffer.alloc(32, 7),
    ])
    const cases = [
      [html, 'file', 'page.html', 'application/octet-stream', 'attachment'],
      [svg, 'file', 'logo.svg', 'application/octet-stream', 'attachment'],
      [png, 'file', 'shot.png', 'image/png', 'inline'],
      [pdf, 'file', 'ticket.pdf', 'application/pdf', 'inline'],
      [mov, 'video', '', 'video/quicktime', 'inline'],
      // a "video" of HTML is no video
      [html, 'video', '', 'application/octet-stream', 'attachment'],
    ] as const
    for (const [bytes, kind, name, type, disposition] of cases) {
      const blob = await upload(suite.server, owner.token, chat.id, kind, bytes, name || undefined)
      const got = await download(suite.server, owner.token, blob.id)
      const h = got.headers
      expect([got.status, h.get('content-type')], name).toEqual([200, type])
      expect(h.get('content-disposition')?.split(';')[0], name).toBe(disposition)
      if (name) expect(h.get('content-disposition'), name).toContain(`filename="${name}"`)
      expect(h.get('x-content-type-options')).toBe('nosniff')
      expect(h.get('content-security-policy')).toBe("sandbox; default-src 'none'")
      expect(h.get('cache-control')).toBe('private, max-age=31536000, immutable')
      expect(h.get('cross-origin-resource-policy')).toBe('same-origin')
      expect(got.bytes.equals(bytes)).toBe(true)
    }
  })

  it('ranges: 206 with the bytes asked for, 416 past the end, 304 for what the client has', async () => {
    const { owner, chat } = await group()
    const bytes = randomBytes(10_000)
    const blob = await upload(suite.server, owner.token, chat.id, 'video', bytes)
    const whole = await download(suite.server, owner.token, blob.id)
    expect(whole.headers.get('accept-ranges')).toBe('bytes')
    const etag = whole.headers.get('etag') ?? ''
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/)
    for (const [range, start, end] of [
      ['bytes=0-99', 0, 100],
      ['bytes=9000-', 9000, 10_000],
      ['bytes=-500', 9500, 10_000],
      ['bytes=9990-20000', 9990, 10_000],
    ] as const) {
      const r = await download(suite.server, owner.token, blob.id, { Range: range })
      expect(r.status, range).toBe(206)
      expect(r.headers.get('content-range'), range).toBe(`bytes ${start}-${end - 1}/10000`)
      expect(r.bytes.equals(bytes.subarray(start, end)), range).toBe(true)
    }
    const past = await download(suite.server, owner.token, blob.id, { Range: 'bytes=10000-' })
    expect([past.status, past.headers.get('content-range')]).toEqual([416, 'bytes */10000'])
    // several ranges, or a stale If-Range: the whole thing
    expect((await download(suite.server, owner.token, blob.id, { Range: 'bytes=0-1,5-6' })).status).toBe(200)
    expect((await download(suite.server, owner.token, blob.id, { Range: 'bytes=0-1', 'If-Range': '"other"' })).status).toBe(200)
    expect((await download(suite.server, owner.token, blob.id, { Range: 'bytes=0-1', 'If-Range': etag })).status).toBe(206)
    const cached = await download(suite.server, owner.token, blob.id, { 'If-None-Match': etag })
    expect([cached.status, cached.bytes.length]).toEqual([304, 0])
  })

  it('identical content is stored once; its bytes go when the last blob naming them is released', async () => {
    const { owner, chat } = await group()
    const bytes = randomBytes(3000)
    const one = await upload(suite.server, owner.token, chat.id, 'file', bytes)
    const two = await upload(suite.server, owner.token, chat.id, 'file', bytes)
    expect(one.id).not.toBe(two.id)
    const rows = await suite.server.db.all<{ hash: string }>('SELECT hash FROM blobs WHERE id IN (?, ?)', [one.id, two.id])
    expect(new Set(rows.map((r) => r.hash)).size).toBe(1)
    const { hash } = rows[0]
    const { media } = suite.server
    // swept as if an hour had passed
    const later = Date.now() + 3_600_000
    expect(await releaseBlob(media.db, one.id)).toBe(true)
    await sweepContent(media, later)
    expect((await download(suite.server, owner.token, one.id)).status).toBe(404)
    const still = await download(suite.server, owner.token, two.id)
    expect([still.status, still.bytes.equals(bytes)]).toEqual([200, true])
    await releaseBlob(media.db, two.id)
    await sweepContent(media, later)
    expect(await media.store.has(hash)).toBe(false)
  })

  it('stale uploads expire with their partial files; a deleted account loses its open uploads', async () => {
    const { owner, chat } = await group()
    const up = (await announce(suite.server, owner.token, chat.id, { kind: 'file', size: 1000 })).body
    expect((await patch(suite.server, owner.token, up.id, 0, randomBytes(400))).status).toBe(204)
    expect(await hasParts(up.id)).toBe(true)
    // a day without a byte
    await expireUploads(suite.server.media, Date.now() + 25 * 3_600_000)
    expect((await offsetOf(suite.server, owner.token, up.id)).status).toBe(404)
    expect(await hasParts(up.id)).toBe(false)

    const leaving = await signUp(suite.server, handle('del'))
    const { chat: theirs } = await group(leaving.user.id)
    const open = (await announce(suite.server, leaving.token, theirs.id, { kind: 'video', size: 5000 })).body
    expect((await patch(suite.server, leaving.token, open.id, 0, randomBytes(100))).status).toBe(204)
    expect((await api(suite.server, leaving.token, 'DELETE', '/api/me', { password: TEST_PASSWORD })).status).toBe(204)
    expect(await suite.server.db.all('SELECT id FROM uploads WHERE uploader = ?', [leaving.user.id])).toEqual([])
    expect(await hasParts(open.id)).toBe(false)
  })
})
