// Deleting an account through the real HTTP API and sync server: the password is asked again, the account
// is gone at once (sign-in, sessions and sockets, lookups, friends, chats), what it wrote stays under its
// id with the name '' for everyone, its inbox keeps nothing, and its handle is freed only after the grace
// period.
import { describe, expect, it } from 'vitest'
import type { ApiError, Chat, Friends } from '../../protocol/api.ts'
import { headDoc, inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { InboxEntry, SystemLine } from '../../protocol/messages.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { api, signIn, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { connect, msgs, send, until, type SyncClient } from '../fixtures/sync-client.ts'

const entry = (c: SyncClient, convId: string) => c.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(convId)
const names = (c: SyncClient) => c.doc.getMap(ROOTS.head.meta).get('names') as Record<string, string> | undefined
const members = (c: SyncClient) => c.doc.getMap(ROOTS.head.meta).get('members') as string[] | undefined

describe.each(backends())('deleting an account (%s)', (backend) => {
  const suite = serverSuite(backend)
  let n = 0
  const handle = (name: string) => `${name}${n++}_${backend.slice(0, 2)}`
  const keep = (c: SyncClient) => (suite.keep(c), c)

  it('a wrong password deletes nothing', async () => {
    const h = handle('keepme')
    const up = await signUp(suite.server, h)
    for (const body of [{ password: 'not my password' }, {}, { password: 12 }]) {
      const r = await api<ApiError>(suite.server, up.token, 'DELETE', '/api/me', body)
      expect(r.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400)
      expect(r.status).toBeLessThan(500)
    }
    const wrong = await api<ApiError>(suite.server, up.token, 'DELETE', '/api/me', { password: 'not my password' })
    expect(wrong.body.error.code).toBe('wrong_credentials')
    expect((await api(suite.server, null, 'DELETE', '/api/me', { password: TEST_PASSWORD })).status).toBe(401)
    expect((await api(suite.server, up.token, 'GET', '/api/me')).status).toBe(200)
    await signIn(suite.server, h)
  })

  it('the account is gone at once; its messages stay, named by nobody', async () => {
    const hDel = handle('leaving')
    const del = await signUp(suite.server, hDel, 'Leaving Lee')
    const other = await signIn(suite.server, hDel, TEST_PASSWORD, 'tablet')
    const ann = await signUp(suite.server, handle('ann'), 'Ann')
    const bob = await signUp(suite.server, handle('bob'), 'Bob')
    for (const [a, b] of [
      [del, ann],
      [ann, del],
      [bob, del],
    ])
      expect((await api(suite.server, a.token, 'POST', '/api/friends', { userId: b.user.id })).status).toBe(204)
    const direct = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: del.user.id })).body
    const group = (
      await api<Chat>(suite.server, del.token, 'POST', '/api/chats/group', { title: 'Trip', userIds: [ann.user.id, bob.user.id] })
    ).body
    // it wrote in both chats, with its own inbox and settings on the server
    const dPage = keep(await connect(suite.server, del.token, pageDoc(group.id, 0)))
    send(dPage, del.user.id, 'see you at 9')
    const dDirect = keep(await connect(suite.server, del.token, pageDoc(direct.id, 0)))
    send(dDirect, del.user.id, 'hi Ann')
    const dInbox = keep(await connect(suite.server, other.token, inboxDoc(del.user.id), { ack: true }))
    dInbox.doc.getMap(ROOTS.inbox.settings).set(`chat.${group.id}`, { pinned: 1 })
    const aPage = keep(await connect(suite.server, ann.token, pageDoc(group.id, 0)))
    await until(() => msgs(aPage).length === 1, 'the group message reaches Ann')
    const aInbox = keep(await connect(suite.server, ann.token, inboxDoc(ann.user.id)))
    const aHead = keep(await connect(suite.server, ann.token, headDoc(group.id)))
    await until(() => entry(aInbox, direct.id)?.title === 'Leaving Lee', "the direct chat in Ann's inbox")
    await until(() => dInbox.ackedClock() > 0, 'the setting is stored')

    const r = await api(suite.server, del.token, 'DELETE', '/api/me', { password: TEST_PASSWORD })
    expect(r.status).toBe(204)

    // every session ends and its sockets close
    await until(() => dInbox.closes.some((e) => e.code === 4401), 'the other device is signed out')
    for (const s of [del, other]) expect((await api(suite.server, s.token, 'GET', '/api/me')).status).toBe(401)
    expect((await api(suite.server, null, 'POST', '/api/signin', { handle: hDel, password: TEST_PASSWORD })).status).toBe(401)
    // nobody finds it, adds it or starts a chat with it; it is no one's friend
    expect((await api(suite.server, bob.token, 'GET', `/api/users/${hDel}`)).status).toBe(404)
    expect((await api(suite.server, bob.token, 'POST', '/api/friends', { userId: del.user.id })).status).toBe(404)
    expect((await api(suite.server, bob.token, 'POST', '/api/chats/direct', { userId: del.user.id })).status).toBe(404)
    const friends = (await api<Friends>(suite.server, ann.token, 'GET', '/api/friends')).body
    expect([...friends.friends, ...friends.addedMe].map((p) => p.id)).not.toContain(del.user.id)

    // the group: it left, with a system line; its message stays under its id, and its name is '' for all
    await until(() => !members(aHead)?.includes(del.user.id), 'it is no member of the group')
    await until(() => names(aHead)?.[del.user.id] === '', 'its name is empty in the head')
    expect(msgs(aPage).get(0)).toMatchObject({ from: del.user.id, body: 'see you at 9' })
    await until(
      () =>
        aPage.doc
          .getArray<SystemLine>(ROOTS.page.sys)
          .toArray()
          .some((l) => l.event === 'left' && l.actor === del.user.id),
      'a "left" line in the group',
    )
    const info = (await api<Chat>(suite.server, ann.token, 'GET', `/api/chats/${group.id}`)).body
    expect(info.members.map((m) => m.id).sort()).toEqual([ann.user.id, bob.user.id].sort())
    // the direct chat stays in Ann's list, with the deleted account as its peer and no name
    await until(() => entry(aInbox, direct.id)?.title === '', "the direct chat's title is empty")
    expect(entry(aInbox, direct.id)?.peer).toBe(del.user.id)

    // its inbox doc keeps nothing: read as the server stores it
    const stored = await suite.server.sync.docs.acquire(inboxDoc(del.user.id))
    try {
      expect(stored?.ydoc.getMap(ROOTS.inbox.chats).size).toBe(0)
      expect(stored?.ydoc.getMap(ROOTS.inbox.settings).size).toBe(0)
    } finally {
      if (stored) suite.server.sync.docs.release(stored)
    }
    const row = await suite.server.db.get<{ name: string; status: string; pass: string }>(
      'SELECT name, status, pass FROM users WHERE id = ?',
      [del.user.id],
    )
    expect(row).toEqual({ name: '', status: '', pass: '' })

    // the handle stays taken during the grace period
    const again = await api<ApiError>(suite.server, null, 'POST', '/api/signup', {
      handle: hDel,
      name: 'Impostor',
      password: TEST_PASSWORD,
    })
    expect(again.status).toBe(409)
    expect(again.body.error.code).toBe('handle_taken')
  })
})

describe.each(backends())('a deleted handle after the grace period (%s)', (backend) => {
  const suite = serverSuite(backend, { handleGraceDays: 0 })

  it('is free for a new account, which is someone else', async () => {
    const h = `reborn_${backend.slice(0, 2)}`
    const old = await signUp(suite.server, h, 'First')
    const ann = await signUp(suite.server, `ann_gr_${backend.slice(0, 2)}`, 'Ann')
    const direct = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: old.user.id })).body
    expect((await api(suite.server, old.token, 'DELETE', '/api/me', { password: TEST_PASSWORD })).status).toBe(204)
    const fresh = await signUp(suite.server, h, 'Second')
    expect(fresh.user.id).not.toBe(old.user.id)
    // the new holder of the handle is not in the old account's chats
    expect((await api(suite.server, fresh.token, 'GET', `/api/chats/${direct.id}`)).status).toBe(403)
    expect((await api<{ id: string }>(suite.server, ann.token, 'GET', `/api/users/${h}`)).body.id).toBe(fresh.user.id)
  })
})
