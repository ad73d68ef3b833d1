// Losing access: a member who leaves or is removed by the group's owner has their open sockets to the
// chat closed with 4403 and cannot sync it again; their inbox entry goes; the others keep chatting. Signing out closes sockets with 4401.
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { api, signIn, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { bodies, connect, send, syncUrl, until, upgradeStatus } from '../fixtures/sync-client.ts'
import { headDoc, inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { Chat } from '../../protocol/api.ts'

describe.each(backends())('sync access changes (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)

  it('a member who leaves is closed with 4403, cannot resync, and loses the inbox entry', async () => {
    const [ann, bob, cy] = [
      await signUp(suite.server, `lv_ann_${tag}`),
      await signUp(suite.server, `lv_bob_${tag}`),
      await signUp(suite.server, `lv_cy_${tag}`),
    ]
    const chat = (
      await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', {
        title: 'leavers',
        userIds: [bob.user.id, cy.user.id],
      })
    ).body
    const page = pageDoc(chat.id, 0)
    const a = await connect(suite.server, ann.token, page)
    const cPage = await connect(suite.server, cy.token, page)
    const cHead = await connect(suite.server, cy.token, headDoc(chat.id))
    const cInbox = await connect(suite.server, cy.token, inboxDoc(cy.user.id))
    suite.keep(a, cPage, cHead, cInbox)
    await until(() => cInbox.doc.getMap(ROOTS.inbox.chats).has(chat.id), "the chat in cy's inbox")
    send(a, ann.user.id, 'before cy leaves')
    await until(() => bodies(cPage).length === 1, 'cy sees the first message')

    expect((await api(suite.server, cy.token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)
    await until(() => cPage.closes.length > 0 && cHead.closes.length > 0, "cy's sockets closed")
    expect(cPage.closes[0].code).toBe(CLOSE.FORBIDDEN)
    expect(cHead.closes[0].code).toBe(CLOSE.FORBIDDEN)
    await until(() => !cInbox.doc.getMap(ROOTS.inbox.chats).has(chat.id), "the entry leaves cy's inbox")
    expect(cInbox.closes).toEqual([])

    send(a, ann.user.id, 'after cy left')
    const b = await connect(suite.server, bob.token, page)
    suite.keep(b)
    expect(bodies(b)).toEqual(['before cy leaves', 'after cy left'])
    expect(bodies(cPage)).toEqual(['before cy leaves'])
    for (const doc of [page, headDoc(chat.id)])
      expect(await upgradeStatus(`${syncUrl(suite.server)}/${doc}?token=${cy.token}`)).toBe(403)
    const head = await connect(suite.server, ann.token, headDoc(chat.id))
    suite.keep(head)
    expect(head.doc.getMap(ROOTS.head.meta).get('members')).toEqual([ann.user.id, bob.user.id].sort())
  })

  it('the owner removes a member: their sockets close with 4403, they cannot resync, others chat on', async () => {
    const [own, gus, hal] = [
      await signUp(suite.server, `rm_own_${tag}`),
      await signUp(suite.server, `rm_gus_${tag}`),
      await signUp(suite.server, `rm_hal_${tag}`),
    ]
    const chat = (
      await api<Chat>(suite.server, own.token, 'POST', '/api/chats/group', {
        title: 'removals',
        userIds: [gus.user.id, hal.user.id],
      })
    ).body
    expect(chat.owner).toBe(own.user.id)
    const page = pageDoc(chat.id, 0)
    const o = await connect(suite.server, own.token, page)
    const gPage = await connect(suite.server, gus.token, page)
    const gHead = await connect(suite.server, gus.token, headDoc(chat.id))
    const gInbox = await connect(suite.server, gus.token, inboxDoc(gus.user.id))
    suite.keep(o, gPage, gHead, gInbox)
    await until(() => gInbox.doc.getMap(ROOTS.inbox.chats).has(chat.id), "the chat in gus's inbox")

    // only the owner may remove, nobody from a direct chat, and nobody who is not in it: nothing changes
    expect((await api(suite.server, hal.token, 'POST', `/api/chats/${chat.id}/remove`, { userId: gus.user.id })).status).toBe(403)
    expect((await api(suite.server, own.token, 'POST', `/api/chats/${chat.id}/remove`, { userId: own.user.id })).status).toBe(400)
    expect((await api(suite.server, own.token, 'POST', `/api/chats/${chat.id}/remove`, { userId: 'nobody12345' })).status).toBe(
      404,
    )
    const direct = (await api<Chat>(suite.server, own.token, 'POST', '/api/chats/direct', { userId: gus.user.id })).body
    expect((await api(suite.server, own.token, 'POST', `/api/chats/${direct.id}/remove`, { userId: gus.user.id })).status).toBe(
      400,
    )
    expect(gPage.closes).toEqual([])
    expect((await api<Chat>(suite.server, gus.token, 'GET', `/api/chats/${chat.id}`)).status).toBe(200)

    const res = await api<Chat>(suite.server, own.token, 'POST', `/api/chats/${chat.id}/remove`, { userId: gus.user.id })
    expect(res.status).toBe(200)
    expect(res.body.members.map((m) => m.id).sort()).toEqual([own.user.id, hal.user.id].sort())
    await until(() => gPage.closes.length > 0 && gHead.closes.length > 0, "gus's sockets closed")
    expect(gPage.closes[0].code).toBe(CLOSE.FORBIDDEN)
    expect(gHead.closes[0].code).toBe(CLOSE.FORBIDDEN)
    await until(() => !gInbox.doc.getMap(ROOTS.inbox.chats).has(chat.id), "the entry leaves gus's inbox")
    for (const doc of [page, headDoc(chat.id)])
      expect(await upgradeStatus(`${syncUrl(suite.server)}/${doc}?token=${gus.token}`)).toBe(403)
    expect((await api(suite.server, gus.token, 'GET', `/api/chats/${chat.id}`)).status).toBe(403)

    send(o, own.user.id, 'after gus was removed')
    const h = await connect(suite.server, hal.token, page)
    suite.keep(h)
    expect(bodies(h)).toEqual(['after gus was removed'])
    expect(bodies(gPage)).toEqual([])
  })

  it('when the owner leaves, the longest member becomes the owner and can remove members', async () => {
    const [own, ida, jon] = [
      await signUp(suite.server, `ow_own_${tag}`),
      await signUp(suite.server, `ow_ida_${tag}`),
      await signUp(suite.server, `ow_jon_${tag}`),
    ]
    const chat = (
      await api<Chat>(suite.server, own.token, 'POST', '/api/chats/group', { title: 'succession', userIds: [ida.user.id] })
    ).body
    await new Promise((r) => setTimeout(r, 5))
    expect((await api(suite.server, own.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [jon.user.id] })).status).toBe(
      200,
    )
    expect((await api(suite.server, own.token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)
    const after = (await api<Chat>(suite.server, ida.token, 'GET', `/api/chats/${chat.id}`)).body
    expect(after.owner).toBe(ida.user.id)
    expect((await api(suite.server, jon.token, 'POST', `/api/chats/${chat.id}/remove`, { userId: ida.user.id })).status).toBe(403)
    expect((await api(suite.server, ida.token, 'POST', `/api/chats/${chat.id}/remove`, { userId: jon.user.id })).status).toBe(200)
  })

  it("signing out closes that session's sockets with 4401 and its token no longer upgrades", async () => {
    const dee = await signUp(suite.server, `lv_dee_${tag}`)
    const other = await signIn(suite.server, `lv_dee_${tag}`)
    const one = await connect(suite.server, dee.token, inboxDoc(dee.user.id))
    const two = await connect(suite.server, other.token, inboxDoc(dee.user.id))
    suite.keep(one, two)
    expect((await api(suite.server, dee.token, 'POST', '/api/signout')).status).toBe(204)
    await until(() => one.closes.length > 0, 'the signed-out socket closed')
    expect(one.closes[0].code).toBe(CLOSE.UNAUTHORIZED)
    expect(two.closes).toEqual([])
    expect(await upgradeStatus(`${syncUrl(suite.server)}/${inboxDoc(dee.user.id)}?token=${dee.token}`)).toBe(401)
  })

  it("refuses unknown doc names (404), missing tokens (401) and other users' inboxes (403)", async () => {
    const eve = await signUp(suite.server, `lv_eve_${tag}`)
    const fay = await signUp(suite.server, `lv_fay_${tag}`)
    expect(await upgradeStatus(`${syncUrl(suite.server)}/x:${eve.user.id}?token=${eve.token}`)).toBe(404)
    expect(await upgradeStatus(`${syncUrl(suite.server)}/${inboxDoc(eve.user.id)}`)).toBe(401)
    expect(await upgradeStatus(`${syncUrl(suite.server)}/${inboxDoc(eve.user.id)}?token=nonsense`)).toBe(401)
    expect(await upgradeStatus(`${syncUrl(suite.server)}/${inboxDoc(fay.user.id)}?token=${eve.token}`)).toBe(403)
    // the token as a subprotocol works too, and the protocol is echoed
    const proto = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`${syncUrl(suite.server)}/${inboxDoc(eve.user.id)}`, [`sori.token.${eve.token}`])
      ws.on('open', () => {
        resolve(ws.protocol)
        ws.close()
      })
      ws.on('unexpected-response', (_q, res) => reject(new Error(`status ${res.statusCode}`)))
      ws.on('error', () => {})
    })
    expect(proto).toBe(`sori.token.${eve.token}`)
  })
})
