// Blocks in direct chats against a real server, with stock clients: the blocked member writes as before
// (stored, acknowledged, no socket closed) and notices nothing; the blocker's inbox entry does not move
// for what they write, its unread count drops what was unread at the block, and it carries the ranges
// of positions whose messages by the blocked member the blocker's clients hide. Only the blocker's
// entry carries them. Lifting the block lets new messages through; what was written meanwhile stays
// hidden. The ranges follow their messages when a late one lands among them, and survive a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { startServer, type RunningServer } from '../../server/app.ts'
import { openDb } from '../../server/db/db.ts'
import type { Chat, Session } from '../../protocol/api.ts'
import { headDoc, inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import { isHidden, type InboxEntry } from '../../protocol/messages.ts'
import { api, signUp } from '../fixtures/server.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { bodies, connect, msgs, send, until, type SyncClient } from '../fixtures/sync-client.ts'

describe.each(backends())('blocks in direct chats (%s)', (backend) => {
  let url: string
  let server: RunningServer
  const clients: SyncClient[] = []
  let n = 0

  beforeAll(async () => {
    url = await freshDatabaseUrl(backend)
    server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: url, staticDir: null })
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server.close()
  })

  /** Dana and Ari, friends, with their direct chat */
  async function pair(): Promise<{ dana: Session; ari: Session; chat: Chat; page: string }> {
    const tag = `${backend.slice(0, 2)}${++n}`
    const dana = await signUp(server, `dana_${tag}`, 'Dana')
    const ari = await signUp(server, `ari_${tag}`, 'Ari')
    await api(server, dana.token, 'POST', '/api/friends', { userId: ari.user.id })
    await api(server, ari.token, 'POST', '/api/friends', { userId: dana.user.id })
    // Dana opened it: it is on her list before anyone writes
    const chat = (await api<Chat>(server, dana.token, 'POST', '/api/chats/direct', { userId: ari.user.id })).body
    return { dana, ari, chat, page: pageDoc(chat.id, chat.page) }
  }
  async function open(s: Session, doc: string, opts: Parameters<typeof connect>[3] = {}): Promise<SyncClient> {
    const c = await connect(server, s.token, doc, opts)
    clients.push(c)
    return c
  }
  const entryOf = (inbox: SyncClient, conv: string) => inbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(conv)
  const block = async (who: Session, whom: Session, how: 'block' | 'unblock') =>
    expect((await api(server, who.token, 'POST', `/api/friends/${whom.user.id}/${how}`)).status).toBe(204)
  /** which messages of the page Dana's clients show, by body */
  const shown = (page: SyncClient, entry: InboxEntry | undefined) =>
    msgs(page)
      .toArray()
      .filter((m, i) => !isHidden(entry?.hidden, m.from, 0, i))
      .map((m) => m.body)

  it("takes the blocked member's messages as before, and moves nothing of the blocker's for them", async () => {
    const { dana, ari, chat, page } = await pair()
    const ariPage = await open(ari, page, { ack: true })
    const danaPage = await open(dana, page)
    const danaHead = await open(dana, headDoc(chat.id))
    const danaInbox = await open(dana, inboxDoc(dana.user.id))
    const ariInbox = await open(ari, inboxDoc(ari.user.id))
    const entry = () => entryOf(danaInbox, chat.id)

    send(ariPage, ari.user.id, 'one')
    send(ariPage, ari.user.id, 'two')
    await until(() => entry()?.preview === 'two' && entry()?.unread === 2, "Ari's messages in Dana's chat list")
    const before = entry()!

    await block(dana, ari, 'block')
    // her badge goes, without telling Ari she read anything: her read position stays where it was
    await until(() => entry()?.unread === 0, "the block clearing Dana's unread count")
    expect(entry()).toEqual({ ...before, unread: 0, hidden: { author: ari.user.id, ranges: [[2, null]] } })
    expect(danaHead.doc.getMap<number>(ROOTS.head.reads).get(dana.user.id)).toBeUndefined()

    // every value Dana's entry takes from now on
    const seen: InboxEntry[] = []
    danaInbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats).observe(() => seen.push(entry()!))

    const clock = Y.getState(ariPage.doc.store, ariPage.doc.clientID)
    send(ariPage, ari.user.id, 'three')
    await until(() => ariPage.ackedClock() > clock, "the ack of Ari's message")
    expect(ariPage.closes).toEqual([])
    // opening the chat from his friends list works as before
    const again = await api<Chat>(server, ari.token, 'POST', '/api/chats/direct', { userId: dana.user.id })
    expect([again.status, again.body.id]).toEqual([200, chat.id])
    await until(() => entryOf(ariInbox, chat.id)?.preview === 'three', "Ari's own chat list")
    expect(entryOf(ariInbox, chat.id)?.hidden).toBeUndefined()

    // Dana writes to him (a block does not stop her): once her entry shows that, it showed nothing of his
    send(danaPage, dana.user.id, 'four')
    await until(() => entry()?.preview === 'four', "Dana's own message in her chat list")
    expect(seen.map((e) => [e.preview, e.from, e.unread])).not.toContainEqual(['three', ari.user.id, expect.anything()])
    expect(seen.every((e) => e.unread === 0)).toBe(true)
    expect(entry()).toMatchObject({ from: dana.user.id, unread: 0, hidden: { author: ari.user.id, ranges: [[2, null]] } })
    expect(bodies(danaPage)).toEqual(['one', 'two', 'three', 'four'])
    expect(shown(danaPage, entry())).toEqual(['one', 'two', 'four'])
    // Ari's side of the chat is a chat like any other
    await until(() => entryOf(ariInbox, chat.id)?.preview === 'four', "Dana's message in Ari's chat list")
    expect(entryOf(ariInbox, chat.id)?.hidden).toBeUndefined()
  })

  it('lets new messages through once the block is lifted; what was written meanwhile stays hidden', async () => {
    const { dana, ari, chat, page } = await pair()
    const ariPage = await open(ari, page)
    const danaPage = await open(dana, page)
    const danaInbox = await open(dana, inboxDoc(dana.user.id))
    const entry = () => entryOf(danaInbox, chat.id)

    send(ariPage, ari.user.id, 'one')
    await until(() => entry()?.preview === 'one', "Ari's first message in Dana's chat list")
    await block(dana, ari, 'block')
    await until(() => entry()?.hidden !== undefined, "the block in Dana's entry")
    send(ariPage, ari.user.id, 'two')
    await until(() => bodies(danaPage).length === 2, "Ari's blocked message reaching the page")

    await block(dana, ari, 'unblock')
    await until(() => entry()?.hidden?.ranges[0][1] !== null, "the lifted block in Dana's entry")
    expect(entry()).toMatchObject({ preview: 'one', unread: 0, hidden: { author: ari.user.id, ranges: [[1, 2]] } })

    send(ariPage, ari.user.id, 'three')
    await until(() => entry()?.preview === 'three', "Ari's next message in Dana's chat list")
    expect(entry()).toMatchObject({ from: ari.user.id, unread: 1, hidden: { author: ari.user.id, ranges: [[1, 2]] } })
    expect(shown(danaPage, entry())).toEqual(['one', 'three'])

    // blocked again: a new range from the end on; adding him back as a friend lifts it too
    await block(dana, ari, 'block')
    await until(() => entry()?.hidden?.ranges.length === 2, 'the second block')
    expect(entry()?.hidden?.ranges).toEqual([
      [1, 2],
      [3, null],
    ])
    expect(entry()?.unread).toBe(0)
    expect((await api(server, dana.token, 'POST', '/api/friends', { userId: ari.user.id })).status).toBe(204)
    // nothing was written during that one: nothing more to hide
    await until(() => entry()?.hidden?.ranges.length === 1, 'adding him back lifting the block')
    expect(entry()?.hidden?.ranges).toEqual([[1, 2]])
    send(ariPage, ari.user.id, 'four')
    await until(() => entry()?.preview === 'four', "Ari's message after that")
    expect(shown(danaPage, entry())).toEqual(['one', 'three', 'four'])
  })

  it('keeps the ranges on their messages when a message written offline lands among later ones', async () => {
    const { dana, ari, chat, page } = await pair()
    const danaDoc = new Y.Doc()
    // Yjs orders concurrent appends by clientID: Ari's offline message lands before Dana's
    danaDoc.clientID = 2_000_000_000 + n
    const ariDoc = new Y.Doc()
    ariDoc.clientID = 1_000 + n
    const danaPage = await open(dana, page, { doc: danaDoc })
    const ariPage = await open(ari, page, { doc: ariDoc, ack: true })
    const danaInbox = await open(dana, inboxDoc(dana.user.id))
    const entry = () => entryOf(danaInbox, chat.id)

    send(ariPage, ari.user.id, 'one')
    await until(() => bodies(danaPage).length === 1, "Ari's first message")
    ariPage.provider.disconnect()
    await until(() => !ariPage.provider.wsconnected, 'Ari offline')
    send(ariPage, ari.user.id, 'late')
    send(danaPage, dana.user.id, 'd1')
    send(danaPage, dana.user.id, 'd2')
    await until(() => entry()?.preview === 'd2', "Dana's messages")
    await block(dana, ari, 'block')
    await until(() => entry()?.hidden !== undefined, "the block in Dana's entry")
    expect(entry()?.hidden?.ranges).toEqual([[3, null]])

    ariPage.provider.connect()
    await until(() => bodies(danaPage).length === 4, "Ari's late message")
    expect(bodies(danaPage)).toEqual(['one', 'late', 'd1', 'd2'])
    // it arrived while he was blocked: hidden, where it landed; the open range moved along with Dana's messages
    await until(() => entry()?.hidden?.ranges.length === 2, 'the range of the late message')
    expect(entry()?.hidden?.ranges).toEqual([
      [1, 2],
      [4, null],
    ])
    expect(shown(danaPage, entry())).toEqual(['one', 'd1', 'd2'])
    send(ariPage, ari.user.id, 'after')
    await until(() => bodies(danaPage).length === 5, "Ari's next message")
    expect(shown(danaPage, entry())).toEqual(['one', 'd1', 'd2'])
    expect(entry()).toMatchObject({ preview: 'd2', unread: 0 })
  })

  it('keeps the ranges across a restart, and gives a block made while the server was down its range', async () => {
    const { dana, ari, chat, page } = await pair()
    const other = await pair()
    let ariPage = await open(ari, page)
    send(ariPage, ari.user.id, 'one')
    await block(dana, ari, 'block')
    send(ariPage, ari.user.id, 'hidden')
    let danaInbox = await open(dana, inboxDoc(dana.user.id))
    await until(() => bodies(ariPage).length === 2 && entryOf(danaInbox, chat.id)?.hidden !== undefined, 'the block')
    const before = entryOf(danaInbox, chat.id)
    expect(before).toMatchObject({ preview: 'one', hidden: { author: ari.user.id, ranges: [[1, null]] } })

    // a block written straight into the database while the server is down
    for (const c of clients.splice(0)) c.destroy()
    await server.close()
    const db = await openDb(url)
    await db.run(
      "INSERT INTO friends (user_id, friend_id, state, created) VALUES (?, ?, 'blocked', ?) ON CONFLICT (user_id, friend_id) DO UPDATE SET state = 'blocked'",
      [other.dana.user.id, other.ari.user.id, Date.now()],
    )
    await db.close()
    server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: url, staticDir: null })

    danaInbox = await open(dana, inboxDoc(dana.user.id))
    await until(() => entryOf(danaInbox, chat.id) !== undefined, "Dana's inbox after the restart")
    expect(entryOf(danaInbox, chat.id)).toEqual(before)
    ariPage = await open(ari, page)
    send(ariPage, ari.user.id, 'still hidden')
    const danaPage = await open(dana, page)
    await until(() => bodies(danaPage).length === 3, "Ari's message after the restart")
    expect(shown(danaPage, entryOf(danaInbox, chat.id))).toEqual(['one'])

    const otherInbox = await open(other.dana, inboxDoc(other.dana.user.id))
    await until(() => entryOf(otherInbox, other.chat.id)?.hidden !== undefined, 'the range of the block made while down')
    expect(entryOf(otherInbox, other.chat.id)?.hidden).toEqual({ author: other.ari.user.id, ranges: [[0, null]] })
    const otherAri = await open(other.ari, other.page)
    send(otherAri, other.ari.user.id, 'never seen')
    const otherPage = await open(other.dana, other.page)
    await until(() => bodies(otherPage).length === 1, "Ari's message in the other chat")
    expect(shown(otherPage, entryOf(otherInbox, other.chat.id))).toEqual([])
    expect(entryOf(otherInbox, other.chat.id)).toMatchObject({ preview: '', unread: 0 })
  })
})
