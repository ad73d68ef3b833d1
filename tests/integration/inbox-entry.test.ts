// What a chat list shows of a chat (the inbox entry), written by the server from the chat's messages: its
// time only moves forward, whatever the authors' clocks say, and its preview never ends in half a character.
import { describe, expect, it } from 'vitest'
import { backends } from '../fixtures/databases.ts'
import { attackHarness } from '../fixtures/attack-harness.ts'
import { http, message, newGroup, newUser, ok, stock, until, type PageScene, type User } from '../fixtures/attacks.ts'
import { inboxDoc, type Chat, type ChatMessage, type InboxEntry } from '../../protocol/index.ts'

describe.each(backends())('inbox entries (%s)', (backend) => {
  const srv = attackHarness(backend)

  async function inboxOf(s: PageScene) {
    const I = srv.keep(await stock(srv.wsBase, inboxDoc(s.c.id), s.c.token))
    return () => I.doc.getMap('chats').get(s.convId) as InboxEntry | undefined
  }

  it("moves a chat's time forward for a message whose author's clock runs late", async () => {
    const s = await srv.scene()
    const entry = await inboxOf(s)
    await until(() => entry()?.preview === s.m1.body, 'the first message in the inbox')
    const before = entry()!.ts
    // written by a phone whose clock is ten minutes behind, then by one set to 1970
    const late = message(s.a.id, 'from a late clock', { ts: Date.now() - 600_000 })
    s.A.doc.getArray<ChatMessage>('msgs').push([late])
    await until(() => entry()?.preview === late.body, 'the late message in the inbox')
    expect(entry()!.ts).toBeGreaterThan(before)
    const ancient = message(s.a.id, 'from 1970', { ts: 1 })
    s.A.doc.getArray<ChatMessage>('msgs').push([ancient])
    await until(() => entry()?.preview === ancient.body, 'the 1970 message in the inbox')
    // a chat deleted from the list at the entry's time comes back with the next message
    expect(entry()!.ts).toBeGreaterThan(before + 1)
  })

  it('cuts a long preview before a character, never through it', async () => {
    const s = await srv.scene()
    const entry = await inboxOf(s)
    const m = message(s.a.id, 'a'.repeat(99) + '😀 and more')
    s.A.doc.getArray<ChatMessage>('msgs').push([m])
    await until(() => entry()?.preview.startsWith('aaa') === true, 'the long message in the inbox')
    expect(entry()!.preview).toBe('a'.repeat(99))
  })

  describe('a 1:1 chat nobody wrote in', () => {
    async function inboxes(...users: User[]) {
      const docs = await Promise.all(users.map(async (u) => srv.keep(await stock(srv.wsBase, inboxDoc(u.id), u.token))))
      return docs.map((d) => (id: string) => d.doc.getMap('chats').get(id) as InboxEntry | undefined)
    }
    const openDirect = (by: User, other: User) =>
      ok(http<Chat>(srv.base, 'POST', '/api/chats/direct', by.token, { userId: other.id }), 'open a 1:1 chat')

    it("is on the list of whoever opened it only, and on the other's with its first message", async () => {
      const [a, b] = await Promise.all([newUser(srv.base, 'a'), newUser(srv.base, 'b')])
      const [ofA, ofB] = await inboxes(a, b)
      const direct = await openDirect(a, b)
      await until(() => ofA(direct.id) !== undefined, "the chat on its opener's list")
      // a chat made after it reaches b's list: the 1:1 chat's entry, had it one, was written before
      const group = await newGroup(srv.base, a, [b], 'after the 1:1 chat')
      await until(() => ofB(group.id) !== undefined, "the later group on b's list")
      expect(ofB(direct.id)).toBeUndefined()
      const A = srv.keep(await stock(srv.wsBase, `c:${direct.id}:${direct.page}`, a.token))
      const m = message(a.id, 'hi b')
      A.doc.getArray<ChatMessage>('msgs').push([m])
      await until(() => ofB(direct.id)?.preview === m.body, "the first message bringing the chat to b's list")
      expect(ofB(direct.id)).toMatchObject({ kind: 'direct', peer: a.id, unread: 1 })
    })

    it('is on both lists once the other opens it too, and after the inbox loads again', async () => {
      const [a, b] = await Promise.all([newUser(srv.base, 'a'), newUser(srv.base, 'b')])
      const direct = await openDirect(a, b)
      // loaded after the chat was made: the entries come from the tables
      const [ofB] = await inboxes(b)
      const group = await newGroup(srv.base, a, [b], 'after the 1:1 chat')
      await until(() => ofB(group.id) !== undefined, "the later group on b's list")
      expect(ofB(direct.id)).toBeUndefined()
      expect((await openDirect(b, a)).id).toBe(direct.id)
      await until(() => ofB(direct.id) !== undefined, "the chat on b's list once b opened it")
      expect(ofB(direct.id)).toMatchObject({ kind: 'direct', peer: a.id, preview: '', unread: 0 })
      const [again] = await inboxes(b)
      await until(() => again(group.id) !== undefined, "b's list loaded again")
      expect(again(direct.id)).toMatchObject({ kind: 'direct', peer: a.id })
    })
  })

  it('names an untitled group by its other members, and follows their names and who is in it', async () => {
    const [a, b, c, d] = await Promise.all(['a', 'b', 'c', 'd'].map((p) => newUser(srv.base, p)))
    const group = await newGroup(srv.base, a, [b, c], '')
    const I = srv.keep(await stock(srv.wsBase, inboxDoc(b.id), b.token))
    const entry = () => I.doc.getMap('chats').get(group.id) as InboxEntry | undefined
    await until(() => entry() !== undefined, "the group in b's inbox")
    expect(entry()!.title).toBe('')
    expect([...(entry()!.names ?? [])].sort()).toEqual([a.name, c.name].sort())
    // c changes their name: b's list says so
    await ok(http(srv.base, 'PATCH', '/api/me', c.token, { name: 'Cyrus' }), 'rename')
    await until(() => entry()?.names?.includes('Cyrus') === true, "c's new name in b's list")
    // d comes in, after the others
    await ok(http(srv.base, 'POST', '/api/friends', a.token, { userId: d.id }), 'add friend')
    await ok(http(srv.base, 'POST', `/api/chats/${group.id}/invite`, a.token, { userIds: [d.id] }), 'invite')
    await until(() => entry()?.names?.length === 3, "d in b's list")
    expect(entry()!.names![2]).toBe(d.name)
    // a titled group goes by its title alone
    const titled = await newGroup(srv.base, a, [b], 'Hiking')
    await until(() => I.doc.getMap('chats').has(titled.id), 'the titled group')
    expect(I.doc.getMap('chats').get(titled.id)).not.toHaveProperty('names')
  })
})
