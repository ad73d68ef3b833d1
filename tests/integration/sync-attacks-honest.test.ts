// The other side of the attack suite: honest stock clients doing ordinary things that sit close to the
// attacks must never be refused. An offline-first client loads its docs from local storage and then
// connects; the stock client answers the server's sync step 1 with Y.encodeStateAsUpdate(doc, sv),
// which carries the doc's WHOLE delete set, including deletions other members (or the server) made
// when they overwrote a map key. Those are not the client's deletes and must not get it closed.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest'
import * as Y from 'yjs'
import { backends } from '../fixtures/databases.ts'
import { startTestServer } from '../fixtures/server.ts'
import { fence, http, message, msgs, newGroup, newUser, stock, until, type Stock } from '../fixtures/attacks.ts'
import { headDoc, pageDoc, readPosition, type ChatMessage } from '../../protocol/index.ts'

type Server = Awaited<ReturnType<typeof startTestServer>>

describe.each(backends())('honest clients next to the attacks (%s)', (backend) => {
  let server: Server
  let base: string
  let wsBase: string
  const open: { destroy(): void }[] = []

  beforeAll(async () => {
    server = await startTestServer(backend)
    base = server.url
    wsBase = base.replace(/^http/, 'ws')
  })
  afterAll(async () => {
    await server?.close()
  })
  afterEach(() => {
    for (const s of open.splice(0)) s.destroy()
  })
  const keep = <T extends { destroy(): void }>(s: T): T => {
    open.push(s)
    return s
  }

  /** A stock client whose doc starts from what `from` holds, as if loaded from IndexedDB before connecting. */
  async function reopen(from: Stock, docName: string, token: string): Promise<Stock> {
    const saved = Y.encodeStateAsUpdate(from.doc)
    const s = keep(await stock(wsBase, docName, token, { preload: saved }))
    return s
  }

  async function group() {
    const [a, b, c] = await Promise.all([newUser(base, 'a'), newUser(base, 'b'), newUser(base, 'c')])
    const chat = await newGroup(base, a, [b, c])
    return { a, b, c, chat, page: pageDoc(chat.id, chat.page), head: headDoc(chat.id) }
  }

  it('keeps a member connected who comes back with a page where another member edited a message twice', async () => {
    const g = await group()
    const A = keep(await stock(wsBase, g.page, g.a.token))
    const C = keep(await stock(wsBase, g.page, g.c.token))
    const m = message(g.a.id, 'first version')
    A.doc.getArray<ChatMessage>('msgs').push([m])
    A.doc.getMap('edits').set(m.id, { body: 'second version', ts: Date.now() })
    A.doc.getMap('edits').set(m.id, { body: 'third version', ts: Date.now() })
    await until(
      () => (C.doc.getMap('edits').get(m.id) as { body?: string } | undefined)?.body === 'third version',
      'both edits reaching c',
    )
    C.destroy()
    const C2 = await reopen(C, g.page, g.c.token)
    await fence(A, g.a.id, [C2])
    expect(C2.closes).toEqual([])
    expect(C2.provider.wsconnected).toBe(true)
  })

  it('keeps a stock client connected across a reconnect (network blip) after another member moved their read position', async () => {
    const g = await group()
    const P = keep(await stock(wsBase, g.page, g.a.token))
    P.doc.getArray<ChatMessage>('msgs').push([message(g.a.id, 'one'), message(g.a.id, 'two')])
    const HA = keep(await stock(wsBase, g.head, g.a.token))
    const HC = keep(await stock(wsBase, g.head, g.c.token))
    await until(() => msgs(P.doc).length === 2, 'two messages')
    HA.doc.getMap('reads').set(g.a.id, readPosition(g.chat.page, 1))
    HA.doc.getMap('reads').set(g.a.id, readPosition(g.chat.page, 2))
    await until(() => HC.doc.getMap('reads').get(g.a.id) === readPosition(g.chat.page, 2), "a's read position reaching c")
    HC.provider.disconnect()
    HC.provider.connect()
    await until(() => HC.provider.synced || HC.closes.length > 0, 'c to resync')
    expect(HC.closes).toEqual([])
    HC.doc.getMap('reads').set(g.c.id, readPosition(g.chat.page, 2))
    await until(
      () => HA.doc.getMap('reads').get(g.c.id) === readPosition(g.chat.page, 2) || HC.closes.length > 0,
      "c's read position reaching a",
    )
    expect(HC.closes).toEqual([])
  })

  it('keeps a member connected who comes back with a head doc where another member moved their read position', async () => {
    const g = await group()
    const P = keep(await stock(wsBase, g.page, g.a.token))
    P.doc.getArray<ChatMessage>('msgs').push([message(g.a.id, 'one'), message(g.a.id, 'two')])
    const HA = keep(await stock(wsBase, g.head, g.a.token))
    const HC = keep(await stock(wsBase, g.head, g.c.token))
    await until(() => msgs(P.doc).length === 2, 'two messages')
    HA.doc.getMap('reads').set(g.a.id, readPosition(g.chat.page, 1))
    HA.doc.getMap('reads').set(g.a.id, readPosition(g.chat.page, 2))
    await until(() => HC.doc.getMap('reads').get(g.a.id) === readPosition(g.chat.page, 2), "a's read position reaching c")
    HC.destroy()
    const HC2 = await reopen(HC, g.head, g.c.token)
    HC2.doc.getMap('reads').set(g.c.id, readPosition(g.chat.page, 2))
    await until(
      () => HA.doc.getMap('reads').get(g.c.id) === readPosition(g.chat.page, 2) || HC2.closes.length > 0,
      "c's read position reaching a",
    )
    expect(HC2.closes).toEqual([])
  })

  it('keeps a member connected who comes back with a head doc the server rewrote (a rename)', async () => {
    const g = await group()
    const HC = keep(await stock(wsBase, g.head, g.c.token))
    await until(() => HC.doc.getMap('meta').size > 0, "the head doc's meta")
    for (const title of ['renamed once', 'renamed twice']) {
      expect((await http(base, 'PATCH', `/api/chats/${g.chat.id}`, g.a.token, { title })).status).toBe(200)
    }
    await until(() => HC.doc.getMap('meta').get('title') === 'renamed twice', 'the new title reaching c')
    HC.destroy()
    const HC2 = await reopen(HC, g.head, g.c.token)
    const P = keep(await stock(wsBase, g.page, g.a.token))
    const HA = keep(await stock(wsBase, g.head, g.a.token))
    P.doc.getArray<ChatMessage>('msgs').push([message(g.a.id, 'hello')])
    HC2.doc.getMap('reads').set(g.c.id, readPosition(g.chat.page, 1))
    await until(
      () => HA.doc.getMap('reads').get(g.c.id) === readPosition(g.chat.page, 1) || HC2.closes.length > 0,
      "c's read position reaching a",
    )
    expect(HC2.closes).toEqual([])
  })
})
