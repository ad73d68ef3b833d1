// Media limits on a real server: the storage quota counts stored blobs and open uploads (a cancelled one no
// more), the upload rate
// answers 429 with Retry-After, a PATCH that stalls is cut by the server's request timeout and what it
// delivered counts, and a large body is streamed to disk, not held in memory.
import { randomBytes } from 'node:crypto'
import type { ClientRequest } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { MAX_MEDIA_BYTES } from '../../protocol/limits.ts'
import type { RunningServer } from '../../server/app.ts'
import { REQUEST_TIMEOUT_MS } from '../../server/http/timeouts.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { announce, offsetOf, openPatch, patch } from '../fixtures/media.ts'
import { api, signUp, startServerOn } from '../fixtures/server.ts'
import { until } from '../fixtures/sync-client.ts'

/** Opens a PATCH announcing `total` bytes, writes `write(req)`'s bytes, and resolves when the server ends it. */
function rawPatch(url: string, token: string, id: string, total: number, write: (req: ClientRequest) => Promise<void>) {
  return new Promise<{ status: number | null }>((resolve) => {
    const req = openPatch(url, token, id, total)
    let status: number | null = null
    req.on('response', (res) => {
      status = res.statusCode ?? null
      res.resume()
      res.on('close', () => resolve({ status }))
    })
    req.on('error', () => resolve({ status }))
    req.on('close', () => {
      if (status === null) resolve({ status })
    })
    void write(req)
  })
}

describe.each(backends())('media limits (%s)', (backend) => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServerOn(await freshDatabaseUrl(backend), {
      mediaQuotaMb: 1,
      uploadsPerHour: 3,
    })
  })
  afterAll(() => server?.close())
  let n = 0
  const handle = (name: string) => `${name}${n++}_${backend.slice(0, 2)}`
  async function chatOf() {
    const me = await signUp(server, handle('lim'))
    const chat = (await api<Chat>(server, me.token, 'POST', '/api/chats/group', { title: 'Limits', userIds: [] })).body
    return { me, chat }
  }

  it('the quota counts stored blobs and open uploads', async () => {
    const { me, chat } = await chatOf()
    const first = await announce(server, me.token, chat.id, { kind: 'file', size: 600_000 })
    expect(first.status).toBe(201)
    const over = await announce(server, me.token, chat.id, { kind: 'file', size: 600_000 })
    expect([over.status, over.body.error?.code]).toEqual([403, 'quota_exceeded'])
    expect((await patch(server, me.token, first.body.id, 0, randomBytes(600_000))).status).toBe(201)
    expect((await announce(server, me.token, chat.id, { kind: 'file', size: 500_000 })).body.error?.code).toBe('quota_exceeded')
    expect((await announce(server, me.token, chat.id, { kind: 'file', size: 400_000 })).status).toBe(201)
  })

  it('DELETE cancels an open upload: its bytes and its share of the quota go; not while a PATCH writes it, nor anyone else', async () => {
    const { me, chat } = await chatOf()
    const other = await signUp(server, handle('oth'))
    const cancel = (token: string, id: string) => api(server, token, 'DELETE', `/api/uploads/${id}`)

    // a PATCH is writing it (it holds the upload's lease): the DELETE is refused until it ends
    const done = await announce(server, me.token, chat.id, { kind: 'file', size: 600_000 })
    const bytes = randomBytes(600_000)
    const open = openPatch(server.url, me.token, done.body.id, bytes.length)
    const answered = new Promise<number>((resolve) =>
      open.on('response', (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      }),
    )
    open.write(bytes.subarray(0, 100_000))
    const leased = async () =>
      Number(
        (await server.db.get<{ busy_until: number }>('SELECT busy_until FROM uploads WHERE id = ?', [done.body.id]))?.busy_until,
      ) > Date.now()
    await until(leased, 'the open PATCH holds the upload')
    const refused = await cancel(me.token, done.body.id)
    expect([refused.status, (refused.body as { error?: { code: string } }).error?.code]).toEqual([409, 'upload_busy'])
    open.end(bytes.subarray(100_000))
    expect(await answered).toBe(201)
    // done, it is a blob: nothing open to cancel, and the blob stays
    expect((await cancel(me.token, done.body.id)).status).toBe(204)
    expect(await offsetOf(server, me.token, done.body.id)).toEqual({ status: 204, offset: bytes.length })

    const up = await announce(server, me.token, chat.id, { kind: 'file', size: 400_000 })
    expect(up.status).toBe(201)
    expect((await patch(server, me.token, up.body.id, 0, randomBytes(100_000))).status).toBe(204)
    // someone else's DELETE changes nothing (and says nothing about whether it exists)
    expect((await cancel(other.token, up.body.id)).status).toBe(204)
    expect(await offsetOf(server, me.token, up.body.id)).toEqual({ status: 204, offset: 100_000 })

    expect((await cancel(me.token, up.body.id)).status).toBe(204)
    expect((await offsetOf(server, me.token, up.body.id)).status).toBe(404)
    expect((await patch(server, me.token, up.body.id, 100_000, randomBytes(10))).status).toBe(404)
    // sent again after a lost answer: the same
    expect((await cancel(me.token, up.body.id)).status).toBe(204)
    // its 400,000 bytes are free again: with them still held, this would be over the 1 MB quota
    expect((await announce(server, me.token, chat.id, { kind: 'file', size: 400_000 })).status).toBe(201)
  })

  it('past the uploads an hour: 429 too_many_uploads with Retry-After', async () => {
    const { me, chat } = await chatOf()
    for (let i = 0; i < 3; i++) expect((await announce(server, me.token, chat.id, { kind: 'file', size: 10 })).status).toBe(201)
    const r = await announce(server, me.token, chat.id, { kind: 'file', size: 10 })
    expect([r.status, r.body.error?.code]).toEqual([429, 'too_many_uploads'])
    const wait = Number(r.headers.get('retry-after'))
    expect(wait).toBeGreaterThan(0)
    expect(wait).toBeLessThanOrEqual(3600)
  })

  it(
    'a PATCH that stalls is cut by the request timeout; what it delivered counts and the upload resumes',
    async () => {
      const { me, chat } = await chatOf()
      const bytes = randomBytes(500_000)
      const { id } = (await announce(server, me.token, chat.id, { kind: 'file', size: bytes.length })).body
      const sent = 200_000
      // the client sends part of the body, then nothing: the server ends the request, not the client
      await rawPatch(server.url, me.token, id, bytes.length, async (req) => {
        req.write(bytes.subarray(0, sent))
      })
      let head = await offsetOf(server, me.token, id)
      // the server records the offset once it has let go of the request
      while (head.offset !== sent) head = await offsetOf(server, me.token, id)
      const rest = await patch(server, me.token, id, sent, bytes.subarray(sent))
      expect(rest.status).toBe(201)
    },
    REQUEST_TIMEOUT_MS * 3,
  )
})

describe.runIf(backends().includes('sqlite'))('media upload memory', () => {
  let server: RunningServer
  beforeAll(async () => {
    server = await startServerOn(await freshDatabaseUrl('sqlite'))
  })
  afterAll(() => server?.close())

  // the largest video: what the server holds while streaming is bounded by its buffers, not by the body
  it('a 200 MB body is streamed to disk: the server does not grow by its size', async () => {
    const me = await signUp(server, 'memory_user')
    const chat = (await api<Chat>(server, me.token, 'POST', '/api/chats/group', { title: 'Big', userIds: [] })).body
    const total = MAX_MEDIA_BYTES.video
    const { id } = (await announce(server, me.token, chat.id, { kind: 'video', size: total })).body
    const piece = randomBytes(1024 * 1024)
    global.gc?.()
    const base = process.memoryUsage().rss
    let peak = base
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10)
    const r = await rawPatch(server.url, me.token, id, total, async (req) => {
      // the client sends no faster than the server takes it
      for (let sent = 0; sent < total; sent += piece.length)
        if (!req.write(piece)) await new Promise((resolve) => req.once('drain', resolve))
      req.end()
    })
    clearInterval(sampler)
    expect(r.status).toBe(201)
    console.log(`rss growth while streaming ${total / 1024 / 1024} MB: ${((peak - base) / 1024 / 1024).toFixed(1)} MB`)
    expect(peak - base).toBeLessThan(total / 2)
  }, 120_000)
})
