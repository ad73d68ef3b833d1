// Losing access: a member who leaves has their open sockets to the chat closed with 4403 and cannot
// sync it again; their inbox entry goes; the others keep chatting. Signing out closes sockets with 4401.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { api, signIn, signUp, startTestServer, type RunningServer } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { bodies, connect, send, syncUrl, until, type SyncClient } from '../fixtures/sync-client.ts'
import { headDoc, inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { Chat } from '../../protocol/api.ts'

/** The HTTP status of a WebSocket upgrade attempt (101 when it opened). */
const upgradeStatus = (url: string) => new Promise<number>((resolve) => {
  const ws = new WebSocket(url)
  ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); ws.terminate() })
  ws.on('open', () => { resolve(101); ws.close() })
  ws.on('error', () => {})
})

describe.each(backends())('sync access changes (%s)', (backend) => {
  let server: RunningServer
  const clients: SyncClient[] = []
  beforeAll(async () => { server = await startTestServer(backend) })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server.close()
  })
  const tag = backend.slice(0, 2)

  it('a member who leaves is closed with 4403, cannot resync, and loses the inbox entry', async () => {
    const [ann, bob, cy] = [await signUp(server, `lv_ann_${tag}`), await signUp(server, `lv_bob_${tag}`), await signUp(server, `lv_cy_${tag}`)]
    const chat = (await api<Chat>(server, ann.token, 'POST', '/api/chats/group', { title: 'leavers', userIds: [bob.user.id, cy.user.id] })).body
    const page = pageDoc(chat.id, 0)
    const a = await connect(server, ann.token, page)
    const cPage = await connect(server, cy.token, page)
    const cHead = await connect(server, cy.token, headDoc(chat.id))
    const cInbox = await connect(server, cy.token, inboxDoc(cy.user.id))
    clients.push(a, cPage, cHead, cInbox)
    await until(() => cInbox.doc.getMap(ROOTS.inbox.chats).has(chat.id), 'the chat in cy\'s inbox')
    send(a, ann.user.id, 'before cy leaves')
    await until(() => bodies(cPage).length === 1, 'cy sees the first message')

    expect((await api(server, cy.token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)
    await until(() => cPage.closes.length > 0 && cHead.closes.length > 0, 'cy\'s sockets closed')
    expect(cPage.closes[0].code).toBe(CLOSE.FORBIDDEN)
    expect(cHead.closes[0].code).toBe(CLOSE.FORBIDDEN)
    await until(() => !cInbox.doc.getMap(ROOTS.inbox.chats).has(chat.id), 'the entry leaves cy\'s inbox')
    expect(cInbox.closes).toEqual([])

    send(a, ann.user.id, 'after cy left')
    const b = await connect(server, bob.token, page)
    clients.push(b)
    expect(bodies(b)).toEqual(['before cy leaves', 'after cy left'])
    expect(bodies(cPage)).toEqual(['before cy leaves'])
    for (const doc of [page, headDoc(chat.id)]) expect(await upgradeStatus(`${syncUrl(server)}/${doc}?token=${cy.token}`)).toBe(403)
    const head = await connect(server, ann.token, headDoc(chat.id))
    clients.push(head)
    expect(head.doc.getMap(ROOTS.head.meta).get('members')).toEqual([ann.user.id, bob.user.id].sort())
  })

  it('signing out closes that session\'s sockets with 4401 and its token no longer upgrades', async () => {
    const dee = await signUp(server, `lv_dee_${tag}`)
    const other = await signIn(server, `lv_dee_${tag}`)
    const one = await connect(server, dee.token, inboxDoc(dee.user.id))
    const two = await connect(server, other.token, inboxDoc(dee.user.id))
    clients.push(one, two)
    expect((await api(server, dee.token, 'POST', '/api/signout')).status).toBe(204)
    await until(() => one.closes.length > 0, 'the signed-out socket closed')
    expect(one.closes[0].code).toBe(CLOSE.UNAUTHORIZED)
    expect(two.closes).toEqual([])
    expect(await upgradeStatus(`${syncUrl(server)}/${inboxDoc(dee.user.id)}?token=${dee.token}`)).toBe(401)
  })

  it('refuses unknown doc names (404), missing tokens (401) and other users\' inboxes (403)', async () => {
    const eve = await signUp(server, `lv_eve_${tag}`)
    const fay = await signUp(server, `lv_fay_${tag}`)
    expect(await upgradeStatus(`${syncUrl(server)}/x:${eve.user.id}?token=${eve.token}`)).toBe(404)
    expect(await upgradeStatus(`${syncUrl(server)}/${inboxDoc(eve.user.id)}`)).toBe(401)
    expect(await upgradeStatus(`${syncUrl(server)}/${inboxDoc(eve.user.id)}?token=nonsense`)).toBe(401)
    expect(await upgradeStatus(`${syncUrl(server)}/${inboxDoc(fay.user.id)}?token=${eve.token}`)).toBe(403)
    // the token as a subprotocol works too, and the protocol is echoed
    const proto = await new Promise<string>((resolve, reject) => {
      const ws = new WebSocket(`${syncUrl(server)}/${inboxDoc(eve.user.id)}`, [`sori.token.${eve.token}`])
      ws.on('open', () => { resolve(ws.protocol); ws.close() })
      ws.on('unexpected-response', (_q, res) => reject(new Error(`status ${res.statusCode}`)))
      ws.on('error', () => {})
    })
    expect(proto).toBe(`sori.token.${eve.token}`)
  })
})
