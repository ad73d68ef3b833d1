// A group's system lines (invited, at its creation too; left, removed, renamed, its photo changed or removed) are written by the server into the page's
// `sys` root, as ids without text; no member can write one, neither as a message nor into `sys`.
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { putImage } from '../fixtures/photos.ts'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, send, until } from '../fixtures/sync-client.ts'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { Chat } from '../../protocol/api.ts'
import type { SystemLine } from '../../protocol/messages.ts'

describe.each(backends())('system lines (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)

  it('invite, rename, remove and leave each leave a line in the timeline', async () => {
    const [ann, bob, cy, dan] = [
      await signUp(suite.server, `sl_ann_${tag}`),
      await signUp(suite.server, `sl_bob_${tag}`),
      await signUp(suite.server, `sl_cy_${tag}`),
      await signUp(suite.server, `sl_dan_${tag}`),
    ]
    const chat = (
      await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title: 'lines', userIds: [bob.user.id] })
    ).body
    const a0 = await connect(suite.server, ann.token, pageDoc(chat.id, 0))
    suite.keep(a0)
    const sys = (c: typeof a0) => c.doc.getArray<SystemLine>(ROOTS.page.sys).toArray()
    // the group's creation says who brought whom, as any invitation does
    await until(() => sys(a0).length === 1, 'the creation line')
    expect(sys(a0)[0]).toMatchObject({ kind: 'system', event: 'invited', actor: ann.user.id, target: bob.user.id, at: 0 })

    // into a group without messages: no new page, the line goes on page 0
    expect((await api(suite.server, ann.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [cy.user.id] })).status).toBe(
      200,
    )
    await until(() => sys(a0).length === 2, 'the invitation line')
    expect(sys(a0)[1]).toMatchObject({ kind: 'system', event: 'invited', actor: ann.user.id, target: cy.user.id, at: 0 })

    send(a0, ann.user.id, 'hello')
    expect((await api(suite.server, bob.token, 'PATCH', `/api/chats/${chat.id}`, { title: 'renamed' })).status).toBe(200)
    await until(() => sys(a0).length === 3, 'the rename line')
    expect(sys(a0)[2]).toMatchObject({ event: 'renamed', actor: bob.user.id, title: 'renamed', at: 1 })

    // the group's photo: set by one member, removed by another; removing none again says nothing
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#2f9e44' } })
      .png()
      .toBuffer()
    expect((await putImage(suite.server, cy.token, `/api/chats/${chat.id}/photo`, png, 'image/png')).status).toBe(200)
    await until(() => sys(a0).length === 4, 'the photo line')
    expect(sys(a0)[3]).toMatchObject({ event: 'photoChanged', actor: cy.user.id, at: 1 })
    expect((await api(suite.server, ann.token, 'DELETE', `/api/chats/${chat.id}/photo`)).status).toBe(200)
    await until(() => sys(a0).length === 5, 'the photo removal line')
    expect(sys(a0)[4]).toMatchObject({ event: 'photoRemoved', actor: ann.user.id })
    expect(sys(a0)[4]).not.toHaveProperty('target')
    expect((await api(suite.server, ann.token, 'DELETE', `/api/chats/${chat.id}/photo`)).status).toBe(200)

    expect((await api(suite.server, ann.token, 'POST', `/api/chats/${chat.id}/remove`, { userId: cy.user.id })).status).toBe(200)
    expect((await api(suite.server, bob.token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)
    await until(() => sys(a0).length === 7, 'the remove and leave lines')
    expect(sys(a0)[5]).toMatchObject({ event: 'removed', actor: ann.user.id, target: cy.user.id })
    expect(sys(a0)[6]).toMatchObject({ event: 'left', actor: bob.user.id })

    // the chat has messages now: dan's invitation opens page 1, and dan sees the line there
    expect((await api(suite.server, ann.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [dan.user.id] })).status).toBe(
      200,
    )
    const d1 = await connect(suite.server, dan.token, pageDoc(chat.id, 1))
    suite.keep(d1)
    await until(() => sys(d1).length === 1, "dan's invitation line")
    expect(sys(d1)[0]).toMatchObject({ event: 'invited', actor: ann.user.id, target: dan.user.id, at: 0 })
    // lines are not messages: nothing unread for them, no preview
    const entry = await connect(suite.server, dan.token, `u:${dan.user.id}`)
    suite.keep(entry)
    await until(() => entry.doc.getMap(ROOTS.inbox.chats).has(chat.id), "the chat in dan's inbox")
    expect(entry.doc.getMap(ROOTS.inbox.chats).get(chat.id)).toMatchObject({ unread: 0, preview: '' })
  })

  it("refuses a member's own system line, as a message or in sys (4400)", async () => {
    const [ann, bob] = [await signUp(suite.server, `sx_ann_${tag}`), await signUp(suite.server, `sx_bob_${tag}`)]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title: 'x', userIds: [bob.user.id] }))
      .body
    const forged = {
      id: 'mforgedline1',
      kind: 'system',
      ts: Date.now(),
      at: 0,
      event: 'removed',
      actor: ann.user.id,
      target: bob.user.id,
    }

    const asMessage = await connect(suite.server, bob.token, pageDoc(chat.id, 0))
    suite.keep(asMessage)
    asMessage.doc
      .getArray(ROOTS.page.msgs)
      .push([{ id: 'mforgedline2', from: bob.user.id, ts: Date.now(), kind: 'system', body: 'x' }])
    await until(() => asMessage.closes.length > 0, 'the forged message refused')
    expect(asMessage.closes[0].code).toBe(CLOSE.REFUSED)

    const intoSys = await connect(suite.server, bob.token, pageDoc(chat.id, 0))
    suite.keep(intoSys)
    intoSys.doc.getArray(ROOTS.page.sys).push([forged])
    await until(() => intoSys.closes.length > 0, 'the forged line refused')
    expect(intoSys.closes[0].code).toBe(CLOSE.REFUSED)

    const look = await connect(suite.server, ann.token, pageDoc(chat.id, 0))
    suite.keep(look)
    expect(look.doc.getArray(ROOTS.page.msgs).length).toBe(0)
    // only the server's own line of the group's creation
    await until(() => look.doc.getArray(ROOTS.page.sys).length === 1, 'the creation line')
    expect(look.doc.getArray<SystemLine>(ROOTS.page.sys).toArray()).toEqual([
      expect.objectContaining({ event: 'invited', actor: ann.user.id, target: bob.user.id }),
    ])
  })
})
