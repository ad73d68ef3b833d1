// A socket that stops reading: the server's send queue for it is bounded (SORI_MAX_BUFFERED). Once it is
// full the socket is closed with 4008 (resync), after the frames already queued, never with a message
// silently left out; the other members keep receiving, and the slow device gets everything when it syncs
// again.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, send, bodies, msgs, until } from '../fixtures/sync-client.ts'
import { frameStep1, Raw } from '../fixtures/attacks.ts'
import { pageDoc } from '../../protocol/docs.ts'
import { CLOSE } from '../../protocol/wire.ts'
import { MAX_MESSAGE_CHARS } from '../../protocol/limits.ts'
import type { Chat } from '../../protocol/api.ts'

// read by the sync server when it starts: 64 KB of frames queued for one socket, at most; 4 MB for all of
// one user's sockets, past which a large message (a whole page) closes the socket it is for
process.env.SORI_MAX_BUFFERED = String(64 * 1024)
process.env.SORI_MAX_USER_BUFFERED = String(4 * 1024 * 1024)
// pages of many megabytes, the load these bounds are for: a page holds 1,000,000 characters of text at most
// otherwise (sync-pages.test.ts), a page of 800 messages of 10,000 here
process.env.SORI_PAGE_ROLL_TEXT_CHARS = String(100_000_000)
process.env.SORI_PAGE_MAX_TEXT_CHARS = String(100_000_000)

describe.each(backends())('sync backpressure (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)

  it('a socket that stops reading is closed with 4008 after what was queued; the others get every message; it resyncs', async () => {
    const [ann, bob, cy] = [
      await signUp(suite.server, `bp_ann_${tag}`),
      await signUp(suite.server, `bp_bob_${tag}`),
      await signUp(suite.server, `bp_cy_${tag}`),
    ]
    const chat = (
      await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title: 'slow', userIds: [bob.user.id, cy.user.id] })
    ).body
    const page = pageDoc(chat.id, 0)
    const a = await connect(suite.server, ann.token, page)
    const c = await connect(suite.server, cy.token, page)
    suite.keep(a, c)
    const wsBase = suite.server.url.replace(/^http/, 'ws')
    const slow = await Raw.open(wsBase, page, { token: bob.token })
    await slow.sync(new Y.Doc())
    // bob's phone stops reading: what the server sends piles up in the kernel's buffers, then in the server
    const socket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket
    socket.pause()

    // ~8 MB of messages: more than the loopback's socket buffers hold, so the server's own queue must fill
    const n = 800
    const big = (i: number) => `${String(i).padStart(5, '0')} ${'x'.repeat(MAX_MESSAGE_CHARS - 6)}`
    for (let i = 0; i < n; i++) {
      send(a, ann.user.id, big(i))
      // let the provider's frames go out as they are made rather than in one burst at the end
      if (i % 50 === 49) await until(() => bodies(c).length >= i - 49, `cy keeps up (${i})`, 30_000)
    }
    await until(() => bodies(c).length === n, 'cy gets every message', 60_000)
    expect(c.closes).toEqual([])

    // bob reads again: he gets what was queued, in order, then the close
    socket.resume()
    const closed = await slow.closeCode('the slow socket to be closed')
    expect(closed.code).toBe(CLOSE.RESYNC)
    const got = new Y.Doc()
    for (const f of slow.frames) if (f.type === 'update') Y.applyUpdate(got, f.update)
    const seen = got
      .getArray<{ body: string }>('msgs')
      .toArray()
      .map((m) => Number(m.body.slice(0, 5)))
    expect(seen.length).toBeGreaterThan(0)
    expect(seen.length).toBeLessThan(n)
    // a prefix, nothing skipped in between
    expect(seen).toEqual(seen.map((_, i) => i))

    // his phone syncs again and has everything
    const again = await connect(suite.server, bob.token, page)
    suite.keep(again)
    await until(() => bodies(again).length === n, 'bob has every message after the resync', 30_000)
    expect(
      msgs(again)
        .toArray()
        .map((m) => Number(m.body.slice(0, 5))),
    ).toEqual(Array.from({ length: n }, (_, i) => i))
  }, 180_000)

  it("a user's sockets that read nothing cannot make the server hold a whole page for each of them", async () => {
    const [ann, eve] = [await signUp(suite.server, `bq_ann_${tag}`), await signUp(suite.server, `bq_eve_${tag}`)]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title: 'big', userIds: [eve.user.id] }))
      .body
    const page = pageDoc(chat.id, 0)
    const a = await connect(suite.server, ann.token, page)
    const check = await connect(suite.server, ann.token, page)
    suite.keep(a, check)
    // ~24 MB of messages in the page (3 bytes a character): its sync step 2 is far more than the loopback's
    // buffers take at once
    const n = 800
    for (let i = 0; i < n; i++) {
      send(a, ann.user.id, `${String(i).padStart(5, '0')} ${'가'.repeat(MAX_MESSAGE_CHARS - 6)}`)
      if (i % 50 === 49) await until(() => bodies(check).length > i - 49, `written (${i})`, 30_000)
    }
    await until(() => bodies(check).length === n, 'the page holds every message', 60_000)

    // eve asks for the whole page on sockets that never read
    const wsBase = suite.server.url.replace(/^http/, 'ws')
    const socketOf = (r: Raw) => (r.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket
    const stalled: Raw[] = []
    for (let i = 0; i < 3; i++) {
      const r = await Raw.open(wsBase, page, { token: eve.token })
      stalled.push(r)
      socketOf(r).pause()
      r.send(frameStep1(new Y.Doc()))
    }
    // the first gets it (queued); the others are told to resync rather than have it queued again: once
    // they read, they find the close and no page
    for (const r of stalled.slice(1)) {
      socketOf(r).resume()
      expect((await r.closeCode('a later socket closed')).code).toBe(CLOSE.RESYNC)
      expect(r.frames.some((f) => f.type === 'step2')).toBe(false)
    }
    // once eve's first socket reads, it has the whole page; and a socket of hers after it gets it too
    socketOf(stalled[0]).resume()
    const first = new Y.Doc()
    await until(() => stalled[0].frames.some((f) => f.type === 'step2'), "the first socket's sync step 2", 60_000)
    const step2 = stalled[0].frames.find((f) => f.type === 'step2')
    if (step2?.type === 'step2') Y.applyUpdate(first, step2.update)
    expect(first.getArray('msgs').length).toBe(n)
    for (const r of stalled) r.close()
    const later = await connect(suite.server, eve.token, page)
    suite.keep(later)
    await until(() => bodies(later).length === n, "eve's next socket gets the page", 60_000)
  }, 180_000)
})
