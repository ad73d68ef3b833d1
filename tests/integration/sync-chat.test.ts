// Chatting through the sync server with stock y-websocket clients: direct chats, groups, read
// positions in the head doc, and the inbox entries the server writes.
import { describe, expect, it } from 'vitest'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import WebSocket from 'ws'
import { connect, send, bodies, message, msgs, syncUrl, until, type SyncClient } from '../fixtures/sync-client.ts'
import { headDoc, inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { Chat, Session } from '../../protocol/api.ts'
import type { InboxEntry } from '../../protocol/messages.ts'
import { readPosition } from '../../protocol/messages.ts'

describe.each(backends())('sync chat (%s)', (backend) => {
  const suite = serverSuite(backend)
  const open = async (s: Session, doc: string, ack = false) => {
    const c = await connect(suite.server, s.token, doc, { ack })
    suite.keep(c)
    return c
  }
  let n = 0
  const user = (name: string) => signUp(suite.server, `${name}${n++}_${backend.slice(0, 2)}`, name)

  it('two users chat in a direct chat', async () => {
    const [ann, bob] = [await user('ann'), await user('bob')]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const a = await open(ann, pageDoc(chat.id, 0), true)
    const b = await open(bob, pageDoc(chat.id, 0))
    send(a, ann.user.id, 'hi bob')
    await until(() => bodies(b).length === 1, 'bob gets the message')
    send(b, bob.user.id, 'hi ann')
    send(b, bob.user.id, 'how are you?')
    await until(() => bodies(a).length === 3, 'ann gets both replies')
    expect(bodies(a)).toEqual(bodies(b))
    expect(bodies(a)).toEqual(['hi bob', 'hi ann', 'how are you?'])
    expect(msgs(a).get(1).from).toBe(bob.user.id)
    // ann asked for acks: her one message is acknowledged
    await until(() => a.ackedClock() >= 1, 'ann is acknowledged')
    // the head doc carries the chat's meta, written by the server
    const h = await open(bob, headDoc(chat.id))
    const meta = h.doc.getMap(ROOTS.head.meta)
    expect(meta.get('kind')).toBe('direct')
    expect(meta.get('members')).toEqual([ann.user.id, bob.user.id].sort())
    expect(meta.get('page')).toBe(0)
  })

  it("a 1:1 chat one of the two left comes back to them with the other's next message, unless they blocked the writer or are gone", async () => {
    const [ann, bob, cat, dan] = [await user('ann'), await user('bob'), await user('cat'), await user('dan')]
    const chatWith = async (a: Session, b: Session) =>
      (await api<Chat>(suite.server, a.token, 'POST', '/api/chats/direct', { userId: b.user.id })).body
    const entryOf = async (s: Session, convId: string) => {
      const inbox = await open(s, inboxDoc(s.user.id))
      return () => inbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(convId)
    }

    // Bob leaves; Ann writes on: the chat is back in Bob's list with her message, and he is a member again
    const ab = await chatWith(ann, bob)
    const bobEntry = await entryOf(bob, ab.id)
    expect((await api(suite.server, bob.token, 'POST', `/api/chats/${ab.id}/leave`)).status).toBe(204)
    await until(() => bobEntry() === undefined, "the chat leaves Bob's list")
    const a = await open(ann, pageDoc(ab.id, 0), true)
    send(a, ann.user.id, 'are you there?')
    await until(() => bobEntry()?.preview === 'are you there?', "the chat comes back to Bob's list with Ann's message")
    expect(bobEntry()).toMatchObject({ unread: 1, from: ann.user.id })
    expect((await api(suite.server, bob.token, 'GET', `/api/chats/${ab.id}`)).status).toBe(200)

    // Cat blocked Ann and left: Ann's messages do not bring the chat back to her
    const ac = await chatWith(ann, cat)
    expect((await api(suite.server, cat.token, 'POST', `/api/friends/${ann.user.id}/block`)).status).toBe(204)
    expect((await api(suite.server, cat.token, 'POST', `/api/chats/${ac.id}/leave`)).status).toBe(204)
    // Dan deleted his account: nothing brings him back
    const ad = await chatWith(ann, dan)
    expect((await api(suite.server, dan.token, 'DELETE', '/api/me', { password: TEST_PASSWORD })).status).toBe(204)
    const c = await open(ann, pageDoc(ac.id, 0), true)
    const d = await open(ann, pageDoc(ad.id, 0), true)
    send(c, ann.user.id, 'hello?')
    send(d, ann.user.id, 'hello?')
    await until(() => c.ackedClock() >= 1 && d.ackedClock() >= 1, "Ann's messages are committed")
    // a third message to Bob's chat, committed after them, is the fence: its return was handled by then
    send(a, ann.user.id, 'fence')
    await until(() => bobEntry()?.preview === 'fence', 'the fence reached Bob')
    const members = async (id: string) =>
      (await api<Chat>(suite.server, ann.token, 'GET', `/api/chats/${id}`)).body.members.map((m) => m.id)
    expect(await members(ac.id)).toEqual([ann.user.id])
    expect(await members(ad.id)).toEqual([ann.user.id])
  })

  it('a group of five: everyone sees everything, and read counts fall as members read', async () => {
    const people = [await user('g1'), await user('g2'), await user('g3'), await user('g4'), await user('g5')]
    const chat = (
      await api<Chat>(suite.server, people[0].token, 'POST', '/api/chats/group', {
        title: 'five',
        userIds: people.slice(1).map((p) => p.user.id),
      })
    ).body
    expect(chat.members.length).toBe(5)
    const pages = await Promise.all(people.map((p) => open(p, pageDoc(chat.id, 0))))
    const heads = await Promise.all(people.map((p) => open(p, headDoc(chat.id))))
    for (let i = 0; i < 5; i++) send(pages[i], people[i].user.id, `hello from ${i}`)
    await until(() => pages.every((c) => bodies(c).length === 5), 'everyone has all five messages')
    const order = bodies(pages[0])
    for (const c of pages) expect(bodies(c)).toEqual(order)

    // "unread by N" for the last message, as a client computes it from the head doc's reads
    const unreadBy = (h: SyncClient, index: number) => {
      const reads = h.doc.getMap<number>(ROOTS.head.reads)
      return people.filter((p) => (reads.get(p.user.id) ?? 0) <= index).length
    }
    expect(unreadBy(heads[0], 4)).toBe(5)
    for (let i = 0; i < 5; i++) {
      heads[i].doc.getMap<number>(ROOTS.head.reads).set(people[i].user.id, readPosition(0, 5))
      await until(() => unreadBy(heads[0], 4) === 4 - i, `read count falls to ${4 - i}`)
    }
    for (const h of heads) await until(() => unreadBy(h, 4) === 0, 'every member sees all read')
    const row = await suite.server.db.get<{ read_pos: number }>(
      'SELECT read_pos FROM members WHERE conv_id = ? AND user_id = ?',
      [chat.id, people[2].user.id],
    )
    expect(Number(row?.read_pos)).toBe(readPosition(0, 5))
  })

  it('inbox entries carry the preview and unread counters, which fall as the user reads', async () => {
    const [cat, dan] = [await user('cat'), await user('dan')]
    // Dan opened it: it is on his list before anyone writes
    const chat = (await api<Chat>(suite.server, dan.token, 'POST', '/api/chats/direct', { userId: cat.user.id })).body
    const inbox = await open(dan, inboxDoc(dan.user.id))
    const entry = () => inbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(chat.id)
    await until(() => entry() !== undefined, 'the new chat appears in the inbox')
    expect(entry()).toMatchObject({ kind: 'direct', title: 'cat', peer: cat.user.id, unread: 0, members: 2 })

    const page = await open(cat, pageDoc(chat.id, 0))
    for (let i = 0; i < 3; i++) send(page, cat.user.id, `note ${i}`)
    await until(() => entry()?.unread === 3, 'three unread')
    expect(entry()).toMatchObject({ preview: 'note 2', from: cat.user.id })

    const head = await open(dan, headDoc(chat.id))
    head.doc.getMap<number>(ROOTS.head.reads).set(dan.user.id, readPosition(0, 2))
    await until(() => entry()?.unread === 1, 'one unread after reading two')

    // a fresh inbox connection (doc reloaded from storage) shows the same
    const again = await open(dan, inboxDoc(dan.user.id))
    expect(again.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(chat.id)).toMatchObject({ unread: 1, preview: 'note 2' })
  })

  it("the server's sync step 1 is a connection's first frame, also on an inbox the server fills as it loads", async () => {
    const [gil, hal] = [await user('gil'), await user('hal')]
    // a chat Hal opened before his inbox was ever loaded: loading it writes the chat's entry into it
    await api<Chat>(suite.server, hal.token, 'POST', '/api/chats/direct', { userId: gil.user.id })
    const ws = new WebSocket(`${syncUrl(suite.server)}/${inboxDoc(hal.user.id)}?token=${encodeURIComponent(hal.token)}`)
    const frames: Buffer[] = []
    ws.on('message', (data: Buffer) => frames.push(data))
    // an empty step 1 of the client's own (state vector of no clients) asks for everything
    ws.on('open', () => ws.send(Uint8Array.of(0, 0, 1, 0)))
    await until(() => frames.length >= 2, 'the handshake')
    ws.close()
    // message type 0 (sync), sync step 1 (0)
    expect([...frames[0].subarray(0, 2)]).toEqual([0, 0])
  })

  it('an update that only deletes is committed without an ack (it has no clock to acknowledge)', async () => {
    const ivy = await user('ivy')
    const mine = await open(ivy, inboxDoc(ivy.user.id), true)
    const other = await open(ivy, inboxDoc(ivy.user.id))
    const settings = (c: SyncClient) => c.doc.getMap(ROOTS.inbox.settings)
    settings(mine).set('theme', 'dark')
    await until(() => mine.acks.length === 1 && settings(other).get('theme') === 'dark', 'the setting is acked and synced')
    settings(mine).delete('theme')
    await until(() => !settings(other).has('theme'), 'the deletion reaches the other device')
    // a write after it: its ack comes after any the deletion would have had
    settings(mine).set('lang', 'ko')
    await until(() => mine.acks.length >= 2, "the next write's ack")
    expect(mine.acks).toHaveLength(2)
    expect([...mine.acks[1].keys()]).toEqual([mine.doc.clientID])
  })

  it('the chat list shows an edit of the latest message, and nothing of one its author deleted', async () => {
    const [eve, fay] = [await user('eve'), await user('fay')]
    const chat = (await api<Chat>(suite.server, eve.token, 'POST', '/api/chats/direct', { userId: fay.user.id })).body
    const inbox = await open(fay, inboxDoc(fay.user.id))
    const entry = () => inbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(chat.id)
    const page = await open(eve, pageDoc(chat.id, 0), true)
    send(page, eve.user.id, 'first')
    send(page, eve.user.id, 'my password is hunter2')
    await until(() => entry()?.preview === 'my password is hunter2', 'the latest message is the preview')
    const [first, latest] = msgs(page).toArray()
    const edits = page.doc.getMap(ROOTS.page.edits)

    edits.set(latest.id, { body: 'my password is ********', ts: Date.now() })
    await until(() => entry()?.preview === 'my password is ********', 'the preview shows the edit')
    // an older message's edit is not the chat's latest
    edits.set(first.id, { body: 'first, edited', ts: Date.now() })
    await until(() => page.ackedClock() >= 4, 'the second edit is committed')
    expect(entry()?.preview).toBe('my password is ********')

    edits.set(latest.id, { retracted: true, ts: Date.now() })
    await until(() => entry()?.retracted === true, 'the chat list says the message was deleted')
    expect(entry()).toMatchObject({ preview: '', from: eve.user.id, unread: 2 })
    // nor does the server keep the text for chat lists: not in the inbox loaded afresh, not in its tables
    const again = await open(fay, inboxDoc(fay.user.id))
    expect(again.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(chat.id)).toMatchObject({ preview: '', retracted: true })
    await until(async () => {
      const row = await suite.server.db.get<{ last_preview: string }>('SELECT last_preview FROM convs WHERE id = ?', [chat.id])
      return row?.last_preview === ''
    }, 'the stored latest message holds no text')

    send(page, eve.user.id, 'sorry, wrong chat')
    await until(() => entry()?.preview === 'sorry, wrong chat', 'a new message is the latest again')
    expect(entry()?.retracted).toBeUndefined()

    // a clock set to 2100 does not keep the chat on top of Fay's list
    msgs(page).push([{ ...message(eve.user.id, 'from the future'), ts: Date.UTC(2100, 0, 1) }])
    await until(() => entry()?.preview === 'from the future', 'the message arrives')
    expect(entry()!.ts).toBeLessThanOrEqual(Date.now())
  })
})
