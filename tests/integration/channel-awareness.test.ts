// A channel's readers stay unseen by its admins and by each other: awareness states on a channel's
// documents (its head and pages) are echoed to their sender only, never relayed, and a newcomer's query
// finds none of anyone else's. The Sori app sends {user: {id}} on every document it opens, so a relay
// here would name every reader to the admins. A chat's head, for contrast, relays typing as before.
import { describe, expect, it } from 'vitest'
import { backends } from '../fixtures/databases.ts'
import { attackHarness } from '../fixtures/attack-harness.ts'
import { frameAwareness, freshClientId, http, newUser, until, type Raw, type User } from '../fixtures/attacks.ts'
import { channelHeadDoc, channelPageDoc, type Channel } from '../../protocol/channels.ts'
import { headDoc, type Chat } from '../../protocol/index.ts'

type State = { user?: { id?: string }; viewing?: boolean } | undefined

describe.each(backends())('awareness on channel documents (%s)', (backend) => {
  const srv = attackHarness(backend)
  const stateAt = (r: Raw, client: number): State => r.awareness().get(client)?.state as State
  const channel = async (admin: User): Promise<Channel> => {
    const r = await http<Channel>(srv.base, 'POST', '/api/channels', admin.token, {
      handle: `aw${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`,
      name: 'Quiet Shop',
      category: 'shopping',
      langs: ['en'],
    })
    expect(r.status).toBe(201)
    return r.body
  }

  it("a reader's state is echoed to the reader only: the admin and other readers never see it", async () => {
    const [admin, fan, other] = await Promise.all([newUser(srv.base, 'adm'), newUser(srv.base, 'fan'), newUser(srv.base, 'oth')])
    const ch = await channel(admin)
    for (const u of [fan, other])
      expect((await http(srv.base, 'POST', `/api/channels/${ch.id}/follow`, u.token)).status).toBe(200)
    for (const doc of [channelHeadDoc(ch.id), channelPageDoc(ch.id, 0)]) {
      const adminSock = await srv.rawOpen(doc, admin)
      const otherSock = await srv.rawOpen(doc, other)
      const fanSock = await srv.rawOpen(doc, fan)
      const fanClient = freshClientId()
      fanSock.send(frameAwareness(fanClient, 1, { user: { id: fan.id }, viewing: true }))
      // the echo is the fence: the server handled the state before it answered the reader
      await until(() => stateAt(fanSock, fanClient)?.viewing === true, 'the reader hears its own state back')
      // the admin's own state goes back to the admin alone too
      const adminClient = freshClientId()
      adminSock.send(frameAwareness(adminClient, 1, { user: { id: admin.id } }))
      await until(() => stateAt(adminSock, adminClient) !== undefined, 'the admin hears its own state back')
      expect(stateAt(adminSock, fanClient), doc).toBeUndefined()
      expect(stateAt(otherSock, fanClient), doc).toBeUndefined()
      expect(stateAt(fanSock, adminClient), doc).toBeUndefined()
      // a socket that opens later is greeted with no one else's state
      const late = await srv.rawOpen(doc, admin)
      const lateClient = freshClientId()
      late.send(frameAwareness(lateClient, 1, { user: { id: admin.id } }))
      await until(() => stateAt(late, lateClient) !== undefined, 'the late socket hears its own state back')
      expect([...late.awareness().keys()]).toEqual([lateClient])
      // and the reader leaving says nothing to anyone
      fanSock.ws.close()
      await fanSock.closed
      const fence = freshClientId()
      adminSock.send(frameAwareness(fence, 1, { user: { id: admin.id } }))
      await until(() => stateAt(adminSock, fence) !== undefined, 'the admin hears its next state back')
      expect(adminSock.awareness().has(fanClient), doc).toBe(false)
    }
  })

  it("a chat's head still relays a member's state to the other members (control)", async () => {
    const [a, b] = await Promise.all([newUser(srv.base, 'ca'), newUser(srv.base, 'cb')])
    expect((await http(srv.base, 'POST', '/api/friends', a.token, { userId: b.id })).status).toBeLessThan(300)
    const chat = (await http<Chat>(srv.base, 'POST', '/api/chats/direct', a.token, { userId: b.id })).body
    const A = await srv.rawOpen(headDoc(chat.id), a)
    const B = await srv.rawOpen(headDoc(chat.id), b)
    const client = freshClientId()
    A.send(frameAwareness(client, 1, { user: { id: a.id }, typing: true }))
    await until(() => stateAt(B, client)?.user?.id === a.id, "a's state reaching b")
  })
})
