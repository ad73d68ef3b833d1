// Names in the synced documents: a rename reaches the title of the other member's inbox entry for their
// direct chat (a loaded inbox, one that syncs again, one loaded only afterwards) and the head's
// meta.names; who left or was removed from a group stays named there, and nobody else is.
import { describe, expect, it } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, send, until, type SyncClient } from '../fixtures/sync-client.ts'
import { headDoc, inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { InboxEntry } from '../../protocol/messages.ts'
import type { Chat } from '../../protocol/api.ts'

const entry = (c: SyncClient, convId: string) => c.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(convId)
const names = (c: SyncClient) => c.doc.getMap(ROOTS.head.meta).get('names') as Record<string, string> | undefined

describe.each(backends())('names in chats (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)

  it("a rename becomes the title of the other member's inbox entry and the head's meta.names", async () => {
    const [ann, bob, cal] = [
      await signUp(suite.server, `nm_ann_${tag}`, 'Ann'),
      await signUp(suite.server, `nm_bob_${tag}`, 'Bob'),
      await signUp(suite.server, `nm_cal_${tag}`, 'Cal'),
    ]
    // Bob and Cal opened them: they are on their lists before anyone writes
    const withBob = (await api<Chat>(suite.server, bob.token, 'POST', '/api/chats/direct', { userId: ann.user.id })).body
    const withCal = (await api<Chat>(suite.server, cal.token, 'POST', '/api/chats/direct', { userId: ann.user.id })).body
    // Ann has both chats open: the server holds both conversations in memory
    const aHeads = [
      await connect(suite.server, ann.token, headDoc(withBob.id)),
      await connect(suite.server, ann.token, headDoc(withCal.id)),
    ]
    const bInbox = await connect(suite.server, bob.token, inboxDoc(bob.user.id))
    suite.keep(...aHeads, bInbox)
    await until(() => entry(bInbox, withBob.id)?.title === 'Ann', "the chat in Bob's inbox")
    expect(names(aHeads[0])).toEqual({ [ann.user.id]: 'Ann', [bob.user.id]: 'Bob' })

    // Bob's inbox is loaded: its entry follows
    expect((await api(suite.server, ann.token, 'PATCH', '/api/me', { name: 'Annie' })).status).toBe(200)
    await until(() => entry(bInbox, withBob.id)?.title === 'Annie', "the new name in Bob's loaded inbox")
    await until(() => names(aHeads[0])?.[ann.user.id] === 'Annie', 'the new name in the head meta')
    await until(() => names(aHeads[1])?.[ann.user.id] === 'Annie', "the new name in the other chat's head meta")
    expect(entry(bInbox, withBob.id)?.peer).toBe(ann.user.id)

    // Bob's device is away while Ann renames again; it syncs its stored copy when it comes back
    bInbox.destroy()
    expect((await api(suite.server, ann.token, 'PATCH', '/api/me', { name: 'Ann Lee' })).status).toBe(200)
    const again = await connect(suite.server, bob.token, inboxDoc(bob.user.id), { doc: bInbox.doc })
    suite.keep(again)
    await until(() => entry(again, withBob.id)?.title === 'Ann Lee', "the new name in Bob's inbox after a reconnect")

    // Cal's inbox is loaded only now (reconciled while the conversation is in memory)
    const cInbox = await connect(suite.server, cal.token, inboxDoc(cal.user.id))
    suite.keep(cInbox)
    await until(() => entry(cInbox, withCal.id) !== undefined, "the chat in Cal's inbox")
    expect(entry(cInbox, withCal.id)?.title).toBe('Ann Lee')

    // a change of status alone touches no name
    expect((await api(suite.server, ann.token, 'PATCH', '/api/me', { status: 'hiking' })).status).toBe(200)
    expect(entry(again, withBob.id)?.title).toBe('Ann Lee')
  })

  it('who left or was removed stays named in meta.names (with later renames); nobody else is', async () => {
    const [own, ida, jon, kim, out] = [
      await signUp(suite.server, `nl_own_${tag}`, 'Own'),
      await signUp(suite.server, `nl_ida_${tag}`, 'Ida'),
      await signUp(suite.server, `nl_jon_${tag}`, 'Jon'),
      await signUp(suite.server, `nl_kim_${tag}`, 'Kim'),
      await signUp(suite.server, `nl_out_${tag}`, 'Outsider'),
    ]
    const chat = (
      await api<Chat>(suite.server, own.token, 'POST', '/api/chats/group', {
        title: 'named',
        userIds: [ida.user.id, jon.user.id, kim.user.id],
      })
    ).body
    const jPage = await connect(suite.server, jon.token, pageDoc(chat.id, 0))
    const oHead = await connect(suite.server, own.token, headDoc(chat.id))
    suite.keep(jPage, oHead)
    send(jPage, jon.user.id, 'Jon was here')
    await until(() => jPage.ackedClock() > 0 || jPage.doc.getArray(ROOTS.page.msgs).length === 1, 'the message written')

    expect((await api(suite.server, jon.token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)
    expect((await api(suite.server, own.token, 'POST', `/api/chats/${chat.id}/remove`, { userId: kim.user.id })).status).toBe(200)
    await until(() => (oHead.doc.getMap(ROOTS.head.meta).get('members') as string[]).length === 2, 'the members after leaving')
    const everyone = { [own.user.id]: 'Own', [ida.user.id]: 'Ida', [jon.user.id]: 'Jon', [kim.user.id]: 'Kim' }
    expect(names(oHead)).toEqual(everyone)

    // a member who opens the head now (the doc is loaded) and one who opens it after it was reloaded
    const iHead = await connect(suite.server, ida.token, headDoc(chat.id))
    suite.keep(iHead)
    expect(names(iHead)).toEqual(everyone)
    expect(names(iHead)).not.toHaveProperty(out.user.id)

    // a former member's rename reaches the chat they left
    expect((await api(suite.server, jon.token, 'PATCH', '/api/me', { name: 'Jonathan' })).status).toBe(200)
    await until(() => names(iHead)?.[jon.user.id] === 'Jonathan', "the former member's new name")
    // the chat info names them too (for clients that do not hold the head, e.g. search)
    const info = async () => (await api<Chat>(suite.server, ida.token, 'GET', `/api/chats/${chat.id}`)).body
    const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id)
    expect((await info()).former?.sort(byId)).toEqual(
      [
        { id: jon.user.id, name: 'Jonathan' },
        { id: kim.user.id, name: 'Kim' },
      ].sort(byId),
    )

    // who comes back is a member again, and still named once
    expect((await api(suite.server, own.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [jon.user.id] })).status).toBe(
      200,
    )
    await until(() => (iHead.doc.getMap(ROOTS.head.meta).get('members') as string[]).includes(jon.user.id), 'Jon back')
    expect(names(iHead)).toEqual({ ...everyone, [jon.user.id]: 'Jonathan' })
    expect((await info()).former).toEqual([{ id: kim.user.id, name: 'Kim' }])
  })
})
