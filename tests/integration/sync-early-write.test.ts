// A client that reconnects sends what it writes at once, but what it wrote while offline only with its
// sync step 2, in answer to the server's step 1. Its new update then starts beyond what the server holds
// of its clientID. The server holds such updates until the step 2 is in and judges them after it
// (docs/protocol.md, "No gaps"): nothing is lost and the socket stays open. After the step 2 a gap is
// refused as before, and only so much is held, by a socket and by all of a user's sockets together.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { backends } from '../fixtures/databases.ts'
import { attackHarness } from '../fixtures/attack-harness.ts'
import { frameStep2, frameUpdate, message, msgs, newGroup, newUser, stock, until, type Stock } from '../fixtures/attacks.ts'
import { connect, send } from '../fixtures/sync-client.ts'
import { pageDoc, ROOTS, type ChatMessage } from '../../protocol/index.ts'

// read by the sync server when it starts: 16 KB held by one user's sockets together, and a minute to send
// a step 2 (the bound, not the time, is what these tests are about)
process.env.SORI_MAX_USER_HELD = String(16 * 1024)
process.env.SORI_HOLD_MS = '60000'

describe.each(backends())('updates ahead of the client’s step 2 (%s)', (backend) => {
  const h = attackHarness(backend)
  const { keep } = h

  async function scene() {
    const [ann, bob] = await Promise.all([newUser(h.base, 'ea'), newUser(h.base, 'eb')])
    const chat = await newGroup(h.base, ann, [bob])
    const page = pageDoc(chat.id, chat.page)
    const bobSide: Stock = keep(await stock(h.wsBase, page, bob.token))
    return { ann, bob, page, bobSide }
  }

  it('a stock client that writes the moment it reconnects loses nothing and stays connected', async () => {
    const { ann, page, bobSide } = await scene()
    const c = keep(await connect(h.server, ann.token, page, { ack: true }))
    send(c, ann.id, 'online')
    await until(() => c.ackedClock() >= 1, 'the first message is acknowledged')
    c.provider.disconnect()
    send(c, ann.id, 'offline 1')
    send(c, ann.id, 'offline 2')
    // sent as soon as the socket opens: before the step 2 that carries the two offline messages
    c.provider.on('status', (e: { status: string }) => {
      if (e.status === 'connected' && c.doc.getArray(ROOTS.page.msgs).length === 3) send(c, ann.id, 'just back')
    })
    c.provider.connect()
    await until(() => c.ackedClock() >= 4 || c.closes.length > 0, 'all four acknowledged')
    expect(c.closes).toEqual([])
    await until(() => msgs(bobSide.doc).length === 4, 'bob has all four')
    expect(msgs(bobSide.doc).map((m) => m.body)).toEqual(['online', 'offline 1', 'offline 2', 'just back'])
  })

  it('an update sent before the step 2 is judged after it, in order, and acknowledged', async () => {
    const { ann, page, bobSide } = await scene()
    const doc = new Y.Doc()
    const arr = doc.getArray<ChatMessage>(ROOTS.page.msgs)
    const s = await h.rawOpen(page, ann, true)
    arr.push([message(ann.id, 'first')])
    const between = Y.encodeStateVector(doc)
    arr.push([message(ann.id, 'second')])
    // only the second message, whose left neighbour the server has not seen yet
    s.send(frameUpdate(Y.encodeStateAsUpdate(doc, between)))
    s.send(frameStep2(Y.encodeStateAsUpdate(doc)))
    await until(() => s.acks().some((a) => (a.get(doc.clientID) ?? 0) >= 2) || s.isClosed, 'both acknowledged')
    expect(s.isClosed).toBe(false)
    await until(() => msgs(bobSide.doc).length === 2, 'bob has both')
    expect(msgs(bobSide.doc).map((m) => m.body)).toEqual(['first', 'second'])
  })

  it('after the step 2, an update with a gap is refused', async () => {
    const { ann, page, bobSide } = await scene()
    const doc = new Y.Doc()
    const arr = doc.getArray<ChatMessage>(ROOTS.page.msgs)
    const s = await h.rawOpen(page, ann, true)
    s.send(frameStep2(Y.encodeStateAsUpdate(doc)))
    arr.push([message(ann.id, 'never sent')])
    const between = Y.encodeStateVector(doc)
    arr.push([message(ann.id, 'after a gap')])
    s.send(frameUpdate(Y.encodeStateAsUpdate(doc, between)))
    expect(await s.closeCode()).toMatchObject({ code: 4400, reason: 'update leaves a gap' })
    expect(msgs(bobSide.doc)).toEqual([])
  })

  it('more held updates than allowed close the socket, and none of them is applied', async () => {
    const { ann, page, bobSide } = await scene()
    const doc = new Y.Doc()
    const arr = doc.getArray<ChatMessage>(ROOTS.page.msgs)
    const s = await h.rawOpen(page, ann, true)
    arr.push([message(ann.id, 'withheld')])
    for (let i = 0; i < 65; i++) {
      const before = Y.encodeStateVector(doc)
      arr.push([message(ann.id, `ahead ${i}`)])
      s.send(frameUpdate(Y.encodeStateAsUpdate(doc, before)))
    }
    expect(await s.closeCode()).toMatchObject({ code: 4400, reason: 'update leaves a gap' })
    expect(msgs(bobSide.doc)).toEqual([])
  })

  it("what one user's sockets hold together is bounded: past it, a socket's update ahead of its step 2 is refused at once", async () => {
    const { ann, page, bobSide } = await scene()
    /** a socket of ann's whose update (a 9,000-character message) comes before its step 2 */
    const ahead = async (tag: string) => {
      const doc = new Y.Doc()
      const arr = doc.getArray<ChatMessage>(ROOTS.page.msgs)
      const s = await h.rawOpen(page, ann, true)
      arr.push([message(ann.id, `${tag} first`)])
      const between = Y.encodeStateVector(doc)
      arr.push([message(ann.id, `${tag} ${'x'.repeat(9_000)}`)])
      s.send(frameUpdate(Y.encodeStateAsUpdate(doc, between)))
      return { s, doc, step2: () => s.send(frameStep2(Y.encodeStateAsUpdate(doc))) }
    }
    const one = await ahead('one')
    // the second socket's 9 KB would bring ann's held bytes past 16 KB: refused, though its step 2 follows
    const two = await ahead('two')
    two.step2()
    expect(await two.s.closeCode()).toMatchObject({ code: 4400, reason: 'update leaves a gap' })
    // the first one's, held within the bound, is judged after its step 2 and kept
    one.step2()
    await until(() => one.s.acks().some((a) => (a.get(one.doc.clientID) ?? 0) >= 2) || one.s.isClosed, 'one acknowledged')
    expect(one.s.isClosed).toBe(false)
    await until(() => msgs(bobSide.doc).length === 2, 'bob has the first socket’s two')
    expect(msgs(bobSide.doc).map((m) => m.body.slice(0, 9))).toEqual(['one first', 'one xxxxx'])
  })
})
