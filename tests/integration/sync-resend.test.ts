// Clients resend what the server already holds: an offline-first client applies its stored copy (other
// members' items, the server's own inbox writes) and the stock provider forwards it as an update. That is
// a no-op and must not close the socket — but the held part is not judged, so it must never be stored or
// forwarded as the client sent it (forged content under someone else's clientID would reach clients that
// lack those items).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { backends } from '../fixtures/databases.ts'
import { startTestServer } from '../fixtures/server.ts'
import { Raw, freshClientId, freshLook, message, msgs, newGroup, newUser, stock, until, type Stock } from '../fixtures/attacks.ts'
import { inboxDoc, pageDoc, ROOTS, type ChatMessage } from '../../protocol/index.ts'

describe.each(backends())('resending held structs (%s)', (backend) => {
  let server: Awaited<ReturnType<typeof startTestServer>>
  let base = ''
  let wsBase = ''
  const open: { destroy(): void; close?(): void }[] = []
  beforeAll(async () => {
    server = await startTestServer(backend)
    base = server.url
    wsBase = base.replace(/^http/, 'ws')
  })
  afterAll(async () => {
    for (const s of open) s.destroy()
    await server?.close()
  })
  const keep = <T extends { destroy(): void }>(s: T): T => {
    open.push(s)
    return s
  }

  async function scene() {
    const [ann, bob] = await Promise.all([newUser(base, 'ann'), newUser(base, 'bob')])
    const chat = await newGroup(base, ann, [bob])
    const page = pageDoc(chat.id, chat.page)
    const bobSide: Stock = keep(await stock(wsBase, page, bob.token))
    const bobsMessage = message(bob.id, 'from bob')
    bobSide.doc.getArray<ChatMessage>(ROOTS.page.msgs).push([bobsMessage])
    const annSide: Stock = keep(await stock(wsBase, page, ann.token))
    await until(() => msgs(annSide.doc).length === 1, 'ann sees bob’s message')
    return { ann, bob, chat, page, bobSide, annSide, bobsMessage }
  }

  it('takes back a stored copy holding other members’ and the server’s items without closing the socket', async () => {
    const { ann, page, bobSide, annSide } = await scene()
    // what Ann's device stored: the page (Bob's item) and her inbox (the server's items)
    const storedPage = Y.encodeStateAsUpdate(annSide.doc)
    const inbox = keep(await stock(wsBase, inboxDoc(ann.id), ann.token))
    await until(() => inbox.doc.getMap(ROOTS.inbox.chats).size === 1, 'the server wrote ann’s inbox entry')
    const storedInbox = Y.encodeStateAsUpdate(inbox.doc)

    for (const [doc, stored] of [
      [page, storedPage],
      [inboxDoc(ann.id), storedInbox],
    ] as const) {
      const raw = await Raw.open(wsBase, doc, { token: ann.token, ack: true })
      await raw.sync(new Y.Doc())
      raw.sendUpdate(stored) // the provider forwarding the copy applied from local storage
      if (doc === page) {
        // then she writes: it must still go through on the same socket
        const writer = new Y.Doc()
        await raw.sync(writer)
        writer.clientID = freshClientId()
        let update: Uint8Array | null = null
        writer.on('update', (u: Uint8Array) => {
          update = u
        })
        writer.getArray<ChatMessage>(ROOTS.page.msgs).push([message(ann.id, 'after the reload')])
        raw.sendUpdate(update!)
        await until(() => msgs(bobSide.doc).some((m) => m.body === 'after the reload'), 'bob receives ann’s message')
      } else {
        // a round trip on the same socket proves it is still served
        await raw.sync(new Y.Doc())
      }
      expect(raw.isClosed).toBe(false)
      raw.close()
    }
  })

  it('takes the new part of an item whose first part it holds (a stored copy in which two messages merged)', async () => {
    const { ann, page, bobSide } = await scene()
    const raw = await Raw.open(wsBase, page, { token: ann.token, ack: true })
    const writer = new Y.Doc()
    await raw.sync(writer)
    const client = freshClientId()
    writer.clientID = client
    const sent: Uint8Array[] = []
    writer.on('update', (u: Uint8Array) => sent.push(u))
    writer.getArray<ChatMessage>(ROOTS.page.msgs).push([message(ann.id, 'first')])
    raw.sendUpdate(sent[0])
    await until(() => raw.acks().some((sv) => (sv.get(client) ?? 0) >= 1), 'the first message acknowledged')
    // written offline: Yjs merges it with the first into one item, and the copy goes whole
    writer.getArray<ChatMessage>(ROOTS.page.msgs).push([message(ann.id, 'second')])
    const whole = Y.encodeStateAsUpdate(writer)
    expect(Y.decodeUpdate(whole).structs.some((st) => st.id.client === client && st.length === 2)).toBe(true)
    raw.sendUpdate(whole)
    await until(() => msgs(bobSide.doc).some((m) => m.body === 'second'), 'bob receives the second message')
    expect(msgs(bobSide.doc).map((m) => m.body)).toEqual(['from bob', 'first', 'second'])
    expect(raw.isClosed).toBe(false)
    raw.close()
  })

  it('never stores or forwards content sent under IDs the server already holds', async () => {
    const { ann, bob, page, bobSide, bobsMessage } = await scene()
    const bobClient = [...Y.decodeStateVector(Y.encodeStateVector(bobSide.doc)).keys()][0]
    // a forged item at the exact ID of Bob's message, with other content
    const forger = new Y.Doc()
    forger.clientID = bobClient
    forger.getArray<ChatMessage>(ROOTS.page.msgs).push([message(bob.id, 'forged words in bob’s mouth')])
    const forged = Y.encodeStateAsUpdate(forger)
    // and, in the same update, a legitimate new message of Ann's appended after it
    const raw = await Raw.open(wsBase, page, { token: ann.token, ack: true })
    const writer = new Y.Doc()
    await raw.sync(writer)
    writer.clientID = freshClientId()
    let own: Uint8Array | null = null
    writer.on('update', (u: Uint8Array) => {
      own = u
    })
    writer.getArray<ChatMessage>(ROOTS.page.msgs).push([message(ann.id, 'honest words')])
    raw.sendUpdate(Y.mergeUpdates([forged, own!]))

    await until(() => msgs(bobSide.doc).some((m) => m.body === 'honest words'), 'bob receives ann’s new message')
    const fresh = await freshLook(wsBase, page, bob.token)
    expect(msgs(fresh.doc).map((m) => m.body)).toEqual([bobsMessage.body, 'honest words'])
    expect(msgs(bobSide.doc).map((m) => m.body)).toEqual([bobsMessage.body, 'honest words'])
    fresh.doc.destroy()
    raw.close()
  })
})
