// Who joins a group does not see what was said before they came: the chat rolls over to a fresh page at
// the invitation and the server refuses them the earlier pages, leaves earlier messages out of their
// inbox entry's preview and unread count.
import { describe, expect, it } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { bodies, connect, send, syncUrl, until, upgradeStatus } from '../fixtures/sync-client.ts'
import { headDoc, inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { Chat, InviteAccepted, InviteLink } from '../../protocol/api.ts'
import type { InboxEntry } from '../../protocol/messages.ts'

describe.each(backends())('joining a group (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)

  it('a member invited after messages starts on a page of their own and never gets earlier messages', async () => {
    const [ann, bob, cy] = [
      await signUp(suite.server, `jn_ann_${tag}`),
      await signUp(suite.server, `jn_bob_${tag}`),
      await signUp(suite.server, `jn_cy_${tag}`),
    ]
    const chat = (
      await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title: 'before', userIds: [bob.user.id] })
    ).body
    const a0 = await connect(suite.server, ann.token, pageDoc(chat.id, 0))
    const b0 = await connect(suite.server, bob.token, pageDoc(chat.id, 0))
    suite.keep(a0, b0)
    send(a0, ann.user.id, 'secret one')
    send(a0, ann.user.id, 'secret two')
    await until(() => bodies(b0).length === 2, 'bob has the messages')

    const invited = await api<Chat>(suite.server, ann.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [cy.user.id] })
    expect(invited.status).toBe(200)
    expect(invited.body.page).toBe(1)

    // the earlier page is not cy's to open
    expect(await upgradeStatus(`${syncUrl(suite.server)}/${pageDoc(chat.id, 0)}?token=${cy.token}`)).toBe(403)

    const cHead = await connect(suite.server, cy.token, headDoc(chat.id))
    const cInbox = await connect(suite.server, cy.token, inboxDoc(cy.user.id))
    const c1 = await connect(suite.server, cy.token, pageDoc(chat.id, 1))
    suite.keep(cHead, cInbox, c1)
    const meta = cHead.doc.getMap(ROOTS.head.meta)
    await until(() => meta.get('page') === 1, 'the head names page 1')
    expect(meta.get('since')).toEqual({ [cy.user.id]: 1 })
    const entry = () => cInbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(chat.id)
    await until(() => entry() !== undefined, "the chat in cy's inbox")
    expect(entry()).toMatchObject({ preview: '', from: '', unread: 0 })
    expect(bodies(c1)).toEqual([])

    // the others go on writing on the new page, which cy sees
    const a1 = await connect(suite.server, ann.token, pageDoc(chat.id, 1))
    suite.keep(a1)
    send(a1, ann.user.id, 'welcome cy')
    await until(() => bodies(c1).length === 1, 'cy gets the new message')
    await until(() => entry()?.unread === 1 && entry()?.preview === 'welcome cy', "cy's entry counts only the new message")
    expect(bodies(c1)).toEqual(['welcome cy'])
    for (const doc of [cHead, cInbox, c1]) expect(JSON.stringify(doc.doc.toJSON())).not.toContain('secret')

    // those who were there keep seeing everything
    const bHead = await connect(suite.server, bob.token, headDoc(chat.id))
    suite.keep(bHead)
    expect(bodies(b0)).toEqual(['secret one', 'secret two'])
    expect(bHead.doc.getMap(ROOTS.head.meta).get('since')).toEqual({ [cy.user.id]: 1 })
  })

  it('whoever leaves and is invited again starts again from the page of the new invitation', async () => {
    const [ann, cy] = [await signUp(suite.server, `jr_ann_${tag}`), await signUp(suite.server, `jr_cy_${tag}`)]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title: 'again', userIds: [cy.user.id] }))
      .body
    const a0 = await connect(suite.server, ann.token, pageDoc(chat.id, 0))
    suite.keep(a0)
    send(a0, ann.user.id, 'while cy was here')
    await until(async () => (await api<Chat>(suite.server, ann.token, 'GET', `/api/chats/${chat.id}`)).status === 200, 'chat')
    expect((await api(suite.server, cy.token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)
    send(a0, ann.user.id, 'after cy left')
    await until(() => bodies(a0).length === 2, 'written')
    const back = await api<Chat>(suite.server, ann.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [cy.user.id] })
    expect(back.body.page).toBe(1)
    expect(await upgradeStatus(`${syncUrl(suite.server)}/${pageDoc(chat.id, 0)}?token=${cy.token}`)).toBe(403)
    const c1 = await connect(suite.server, cy.token, pageDoc(chat.id, 1))
    suite.keep(c1)
    expect(bodies(c1)).toEqual([])
  })

  it("who joins through the group's invite link starts on a page of their own too", async () => {
    const [ann, eve] = [await signUp(suite.server, `jl_ann_${tag}`), await signUp(suite.server, `jl_eve_${tag}`)]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title: 'linked', userIds: [] })).body
    const a0 = await connect(suite.server, ann.token, pageDoc(chat.id, 0))
    suite.keep(a0)
    send(a0, ann.user.id, 'before the link')
    const link = await api<InviteLink>(suite.server, ann.token, 'POST', '/api/invites', { kind: 'group', convId: chat.id })
    expect(link.status).toBe(201)
    const joined = await api<InviteAccepted>(suite.server, eve.token, 'POST', `/api/invites/${link.body.token}/accept`)
    expect(joined.status).toBe(200)
    expect(await upgradeStatus(`${syncUrl(suite.server)}/${pageDoc(chat.id, 0)}?token=${eve.token}`)).toBe(403)
    const e1 = await connect(suite.server, eve.token, pageDoc(chat.id, 1))
    suite.keep(e1)
    expect(bodies(e1)).toEqual([])
    await until(() => e1.doc.getArray(ROOTS.page.sys).length === 1, "eve's line")
    // nobody invited her: she joined by the link
    expect(e1.doc.getArray(ROOTS.page.sys).get(0)).toMatchObject({ event: 'joined', actor: eve.user.id })
    expect(e1.doc.getArray(ROOTS.page.sys).get(0)).not.toHaveProperty('target')
  })

  it('an invitation into a group without messages keeps its page', async () => {
    const [ann, dan] = [await signUp(suite.server, `je_ann_${tag}`), await signUp(suite.server, `je_dan_${tag}`)]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title: 'empty', userIds: [] })).body
    const invited = await api<Chat>(suite.server, ann.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [dan.user.id] })
    expect(invited.body.page).toBe(0)
    const d0 = await connect(suite.server, dan.token, pageDoc(chat.id, 0))
    suite.keep(d0)
    expect(bodies(d0)).toEqual([])
  })
})
