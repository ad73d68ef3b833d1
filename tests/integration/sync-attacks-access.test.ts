// Attacks on who may sync what (issue 2): no token, a wrong or signed-out token, a doc name outside the
// documented forms, a non-member, a member of one chat reaching for another, and a member who left
// but keeps writing. Refused at the HTTP upgrade (401/403/404) before any WebSocket exists, or on a
// live socket with 4401/4403; nothing written after losing access reaches anyone.
import { describe, it, expect } from 'vitest'
import WebSocket from 'ws'
import { backends } from '../fixtures/databases.ts'
import { attackHarness } from '../fixtures/attack-harness.ts'
import {
  Raw,
  craft,
  fence,
  freshClientId,
  freshLook,
  http,
  leaveChat,
  message,
  msgs,
  newGroup,
  newUser,
  stock,
  until,
  upgradeStatus,
  within,
  type Stock,
  type User,
} from '../fixtures/attacks.ts'
import { CLOSE, headDoc, inboxDoc, isHidden, pageDoc, type ChatMessage, type InboxEntry } from '../../protocol/index.ts'

describe.each(backends())('sync access attacks (%s)', (backend) => {
  const srv = attackHarness(backend)
  const { keep, rawOpen } = srv

  async function group() {
    const [a, b, c] = await Promise.all([newUser(srv.base, 'a'), newUser(srv.base, 'b'), newUser(srv.base, 'c')])
    const chat = await newGroup(srv.base, a, [b, c])
    const page = pageDoc(chat.id, chat.page)
    const A = keep(await stock(srv.wsBase, page, a.token))
    const C = keep(await stock(srv.wsBase, page, c.token))
    return { a, b, c, chat, page, head: headDoc(chat.id), A, C }
  }

  // wrong or missing credentials ------------------------------------------------------------
  it('answers 401 at the upgrade without a token, with a wrong token, and with a wrong subprotocol token', async () => {
    const g = await group()
    expect(await upgradeStatus(srv.wsBase, g.page)).toBe(401)
    expect(await upgradeStatus(srv.wsBase, g.page, { token: '' })).toBe(401)
    expect(await upgradeStatus(srv.wsBase, g.page, { token: 'x'.repeat(43) })).toBe(401)
    expect(
      await upgradeStatus(srv.wsBase, g.page, { token: g.a.token.slice(0, -1) + (g.a.token.endsWith('A') ? 'B' : 'A') }),
    ).toBe(401)
    expect(await upgradeStatus(srv.wsBase, g.page, { protocols: ['sori.token.' + 'y'.repeat(43)] })).toBe(401)
    expect(await upgradeStatus(srv.wsBase, inboxDoc(g.a.id), { token: 'x'.repeat(43) })).toBe(401)
  })

  it("keeps the token out of the upgrade's answer when the client offers `sori` beside it", async () => {
    const g = await group()
    /** the subprotocol the server's 101 answer selects, for a socket offering `protocols` */
    const selected = (protocols: string[]) =>
      new Promise<string | undefined>((resolve, reject) => {
        const ws = new WebSocket(`${srv.wsBase}/sync/${g.page}`, protocols)
        ws.once('upgrade', (res) => resolve(res.headers['sec-websocket-protocol']))
        ws.once('open', () => ws.close())
        ws.once('error', reject)
      })
    expect(await selected(['sori', `sori.token.${g.a.token}`])).toBe('sori')
    expect(await selected([`sori.token.${g.a.token}`, 'sori'])).toBe('sori')
    // offered alone (an older client), the token's subprotocol is selected: a browser needs one of its own
    expect(await selected([`sori.token.${g.a.token}`])).toBe(`sori.token.${g.a.token}`)
  })

  it('answers 400 at the upgrade to two different tokens (query, subprotocols, or both), and takes two copies of one', async () => {
    const g = await group()
    for (const [query, offered] of [
      [g.a.token, g.b.token],
      [g.b.token, g.a.token],
      ['x'.repeat(43), g.a.token],
    ])
      expect(await upgradeStatus(srv.wsBase, g.page, { token: query, protocols: [`sori.token.${offered}`] })).toBe(400)
    expect(await upgradeStatus(srv.wsBase, g.page, { token: g.a.token, protocols: [`sori.token.${g.a.token}`] })).toBe(101)
    // two of the same kind: two subprotocols, or the query's token twice, in either order
    for (const [first, second] of [
      [g.a.token, g.b.token],
      [g.b.token, g.a.token],
    ]) {
      expect(await upgradeStatus(srv.wsBase, g.page, { protocols: [`sori.token.${first}`, `sori.token.${second}`] })).toBe(400)
      const query = new URLSearchParams([
        ['token', first],
        ['token', second],
      ])
      expect(await upgradeStatus(srv.wsBase, `${g.page}?${query}`)).toBe(400)
    }
  })

  it('answers 404 to a WebSocket upgrade anywhere but /sync/<doc>', async () => {
    const g = await group()
    const statusOf = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(srv.wsBase + path, [`sori.token.${g.a.token}`])
        ws.on('unexpected-response', (req, res) => {
          resolve(res.statusCode ?? 0)
          res.resume()
          req.destroy()
        })
        ws.once('open', () => {
          ws.close()
          resolve(101)
        })
        ws.once('error', reject)
      })
    for (const path of ['/', '/sync', '/SYNC/' + g.page, '/api/me']) expect(await statusOf(path), path).toBe(404)
  })

  it('accepts the token as a `sori.token.<token>` subprotocol (control)', async () => {
    const g = await group()
    const r = await srv.raw(g.page, { protocols: [`sori.token.${g.a.token}`] })
    expect(r.isOpen).toBe(true)
  })

  it('closes live sockets with 4401 on sign-out of every device, and answers 401 afterwards', async () => {
    const g = await group()
    const raw = await rawOpen(g.page, g.b)
    const H = keep(await stock(srv.wsBase, g.head, g.b.token))
    const signout = await http(srv.base, 'POST', '/api/signout-all', g.b.token)
    expect(signout.status).toBe(204)
    expect((await raw.closeCode()).code).toBe(CLOSE.UNAUTHORIZED)
    await until(() => H.closes.includes(CLOSE.UNAUTHORIZED), 'the stock client hearing 4401')
    expect(await upgradeStatus(srv.wsBase, g.page, { token: g.b.token })).toBe(401)
    // the stock client takes 4401 as final and does not knock again
    const marker = await fence(g.A, g.a.id, [g.C])
    expect(H.closes).toEqual([CLOSE.UNAUTHORIZED])
    expect(H.provider.wsconnected).toBe(false)
    expect(msgs(g.C.doc).at(-1)).toEqual(marker)
  })

  it("closes only the signed-out device's sockets with 4401; the same user's other device keeps syncing", async () => {
    const g = await group()
    const signin = await http<{ token: string }>(srv.base, 'POST', '/api/signin', undefined, {
      handle: g.b.handle,
      password: 'correct horse battery',
      device: 'second',
    })
    expect(signin.status).toBe(200)
    const second: User = { ...g.b, token: signin.body.token }
    const first = await rawOpen(g.page, g.b)
    const other = keep(await stock(srv.wsBase, g.page, second.token))
    expect((await http(srv.base, 'POST', '/api/signout', g.b.token)).status).toBe(204)
    expect((await first.closeCode()).code).toBe(CLOSE.UNAUTHORIZED)
    expect(await upgradeStatus(srv.wsBase, g.page, { token: g.b.token })).toBe(401)
    const marker = await fence(g.A, g.a.id, [other])
    expect(msgs(other.doc).at(-1)).toEqual(marker)
    expect(other.closes).toEqual([])
  })

  it("takes messages from a member the other side of a direct chat has blocked, and hides them through the blocker's own inbox entry only", async () => {
    const [a, b] = await Promise.all([newUser(srv.base, 'a'), newUser(srv.base, 'b')])
    const direct = await http<{ id: string; page: number }>(srv.base, 'POST', '/api/chats/direct', a.token, { userId: b.id })
    expect(direct.status).toBe(200)
    const page = pageDoc(direct.body.id, direct.body.page)
    const A = keep(await stock(srv.wsBase, page, a.token))
    const B = keep(await stock(srv.wsBase, page, b.token))
    const hello = message(b.id, 'before the block')
    B.doc.getArray<ChatMessage>('msgs').push([hello])
    await until(() => msgs(A.doc).some((m) => m.id === hello.id), "b's first message reaching a")
    expect((await http(srv.base, 'POST', `/api/friends/${b.id}/block`, a.token)).status).toBe(204)
    // the blocked member notices nothing: the append is stored and acknowledged, no socket closes
    const raw = await rawOpen(page, b, true)
    const client = freshClientId()
    const after = message(b.id, 'after the block')
    const { update } = await craft(raw, client, (d) => d.getArray('msgs').push([after]))
    raw.sendUpdate(update)
    await until(() => raw.acks().some((ack) => (ack.get(client) ?? 0) > 0) || raw.isClosed, 'the ack of the blocked append')
    expect(raw.isOpen).toBe(true)
    const marker = await fence(A, a.id, [B])
    expect(msgs(A.doc)).toEqual([hello, after, marker])
    expect([A.closes, B.closes]).toEqual([[], []])
    const fresh = await freshLook(srv.wsBase, page, a.token)
    expect(fresh.clients.has(client)).toBe(true)
    // what a's clients hide, from a's inbox only: b's messages from the end of the chat at the block on
    const entry = async (u: User) => {
      const inbox = await freshLook(srv.wsBase, inboxDoc(u.id), u.token)
      return (inbox.json.chats as Record<string, InboxEntry>)[direct.body.id]
    }
    let mine = await entry(a)
    for (const start = Date.now(); mine.preview !== marker.body && Date.now() - start < 10_000;) mine = await entry(a)
    expect(mine.hidden).toEqual({ author: b.id, ranges: [[1, null]] })
    expect([0, 1, 2].map((i) => isHidden(mine.hidden, msgs(A.doc)[i].from, direct.body.page, i))).toEqual([false, true, false])
    expect(mine).toMatchObject({ preview: marker.body, from: a.id, unread: 0 })
    expect((await entry(b)).hidden).toBeUndefined()
  })

  // doc names ---------------------------------------------------------------------------------
  it('answers 404 at the upgrade for doc names outside the documented forms', async () => {
    const g = await group()
    const t = { token: g.a.token }
    for (const name of [
      'x:abc',
      `c:${g.chat.id.toUpperCase()}`,
      `c:${g.chat.id}x`,
      `c:${g.chat.id}:01`,
      `c:${g.chat.id}:-1`,
      `c:${g.chat.id}:1234567`,
      `c:${g.chat.id}:0:0`,
      `u:${g.a.id}:0`,
      `u:`,
      'c:',
      `ch:${g.chat.id}x`,
      '..%2Fetc',
    ]) {
      expect([name, await upgradeStatus(srv.wsBase, name, t)]).toEqual([name, 404])
    }
  })

  // non-members -------------------------------------------------------------------------------
  it("answers 403 at the upgrade to a non-member, for the head and every page, and for someone else's inbox", async () => {
    const g = await group()
    const d = await newUser(srv.base, 'd')
    expect(await upgradeStatus(srv.wsBase, g.head, { token: d.token })).toBe(403)
    expect(await upgradeStatus(srv.wsBase, g.page, { token: d.token })).toBe(403)
    expect(await upgradeStatus(srv.wsBase, pageDoc(g.chat.id, g.chat.page + 1), { token: d.token })).toBeOneOf([403, 404])
    expect(await upgradeStatus(srv.wsBase, inboxDoc(g.a.id), { token: d.token })).toBe(403)
    expect(await upgradeStatus(srv.wsBase, inboxDoc(g.a.id), { token: g.b.token })).toBe(403)
    // and the same through the stock client: it hears the refusal and nothing syncs
    const stranger = await stock(srv.wsBase, g.page, d.token).catch((e: Error) => e)
    expect(stranger).toBeInstanceOf(Error)
  })

  it('answers 403 to a member of chat A who asks for the head or page of chat B', async () => {
    const g = await group()
    const d = await newUser(srv.base, 'd')
    const other = await newGroup(srv.base, g.a, [d], 'a and d only')
    expect(await upgradeStatus(srv.wsBase, headDoc(other.id), { token: g.b.token })).toBe(403)
    expect(await upgradeStatus(srv.wsBase, pageDoc(other.id, other.page), { token: g.b.token })).toBe(403)
    expect(await upgradeStatus(srv.wsBase, headDoc(other.id), { token: d.token })).toBe(101)
  })

  // leaving -----------------------------------------------------------------------------------
  it('closes the open sockets of a member who leaves with 4403, refuses new ones with 403, and drops their writes', async () => {
    const g = await group()
    const bRaw = await rawOpen(g.page, g.b)
    const bRaw2 = await rawOpen(g.page, g.b)
    const bHead = keep(await stock(srv.wsBase, g.head, g.b.token))
    const bPage = keep(await stock(srv.wsBase, g.page, g.b.token))
    const bInbox = keep(await stock(srv.wsBase, inboxDoc(g.b.id), g.b.token))
    // b prepares a write on the second socket, to fire the moment the leave call returns
    const client = freshClientId()
    const late = message(g.b.id, 'written after leaving')
    const { update } = await craft(bRaw2, client, (d) => d.getArray('msgs').push([late]))

    await leaveChat(srv.base, g.b, g.chat.id)
    bRaw2.sendUpdate(update)

    expect((await bRaw.closeCode()).code).toBe(CLOSE.FORBIDDEN)
    expect((await bRaw2.closeCode()).code).toBeOneOf([CLOSE.FORBIDDEN, CLOSE.REFUSED])
    await until(
      () => bHead.closes.includes(CLOSE.FORBIDDEN) && bPage.closes.includes(CLOSE.FORBIDDEN),
      "b's stock clients hearing 4403",
    )
    expect(await upgradeStatus(srv.wsBase, g.page, { token: g.b.token })).toBe(403)
    expect(await upgradeStatus(srv.wsBase, g.head, { token: g.b.token })).toBe(403)

    const marker = await fence(g.A, g.a.id, [g.C])
    for (const w of [g.A, g.C]) expect(msgs(w.doc).map((m) => m.id)).not.toContain(late.id)
    const fresh = await freshLook(srv.wsBase, g.page, g.c.token)
    expect((fresh.json.msgs as ChatMessage[]).at(-1)).toEqual(marker)
    expect(fresh.clients.has(client)).toBe(false)
    // b's stock clients stayed down; b's own inbox still works
    expect(bPage.closes).toEqual([CLOSE.FORBIDDEN])
    expect(bInbox.provider.wsconnected).toBe(true)
    // the leave showed in the head doc's members for those who stayed
    const HA = keep(await stock(srv.wsBase, g.head, g.a.token))
    const meta = () => HA.doc.getMap('meta')
    await until(() => !(meta().get('members') as string[] | undefined)?.includes(g.b.id), "b gone from the head doc's members")
    // who said what stays: the leaver keeps a name for their earlier messages (meta.names), not membership
    expect(Object.keys((meta().get('names') as Record<string, string> | undefined) ?? {})).toContain(g.b.id)
  })

  it('keeps refusing a member who left when they try the raw path with a crafted update', async () => {
    const g = await group()
    await leaveChat(srv.base, g.b, g.chat.id)
    const err = await Raw.open(srv.wsBase, g.page, { token: g.b.token }).then(
      () => null,
      (e: { status?: number }) => e.status,
    )
    expect(err).toBe(403)
    const marker = await fence(g.C, g.c.id, [g.A])
    expect(msgs(g.A.doc)).toEqual([marker])
  })

  it('serves everyone else while refusing, then lets a new member in', async () => {
    const g = await group()
    const d = await newUser(srv.base, 'd')
    expect(await upgradeStatus(srv.wsBase, g.page, { token: d.token })).toBe(403)
    await http(srv.base, 'POST', '/api/friends', g.a.token, { userId: d.id })
    await http(srv.base, 'POST', '/api/friends', d.token, { userId: g.a.id })
    const inv = await http(srv.base, 'POST', `/api/chats/${g.chat.id}/invite`, g.a.token, { userIds: [d.id] })
    expect(inv.status).toBe(200)
    const D: Stock = keep(await within(stock(srv.wsBase, g.page, d.token), 'd syncing after the invitation'))
    const marker = await fence(g.A, g.a.id, [g.C, D])
    expect(msgs(D.doc).at(-1)).toEqual(marker)
  })
})
