// Friends through the real HTTP API: one-way adding, "added me", hide, block, unblock, remove,
// and what a blocked person can still see and do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { decodeFrame, encodeSyncStep1 } from '../../protocol/frames.ts'
import { hasBlocked } from '../../server/users/blocks.ts'
import type { ApiError, Chat, Friends, Profile, Session } from '../../protocol/api.ts'
import { backends } from '../fixtures/databases.ts'
import { api, signUp, startTestServer, type RunningServer } from '../fixtures/server.ts'

const ids = (ps: Profile[]) => ps.map((p) => p.id).sort()

describe.each(backends())('friends (%s)', (backend) => {
  let s: RunningServer
  let n = 0
  /** three fresh users per test */
  const trio = async (): Promise<[Session, Session, Session]> => {
    n++
    return [await signUp(s, `amy${n}`, 'Amy'), await signUp(s, `bo${n}`, 'Bo'), await signUp(s, `cy${n}`, 'Cy')]
  }
  const friends = async (who: Session) => (await api<Friends>(s, who.token, 'GET', '/api/friends')).body

  beforeAll(async () => {
    s = await startTestServer(backend)
  })
  afterAll(async () => {
    await s?.close()
  })

  it('adds one way: the other side sees "added me" until they add back, hide or block', async () => {
    const [amy, bo, cy] = await trio()
    const found = await api<Profile>(s, amy.token, 'GET', `/api/users/${bo.user.handle}`)
    expect((await api(s, amy.token, 'POST', '/api/friends', { userId: found.body.id })).status).toBe(204)
    expect((await api(s, cy.token, 'POST', '/api/friends', { userId: bo.user.id })).status).toBe(204)
    // adding twice changes nothing
    expect((await api(s, amy.token, 'POST', '/api/friends', { userId: bo.user.id })).status).toBe(204)

    expect(ids((await friends(amy)).friends)).toEqual([bo.user.id])
    expect((await friends(amy)).addedMe).toEqual([])
    let f = await friends(bo)
    expect(f.friends).toEqual([])
    expect(ids(f.addedMe)).toEqual(ids([amy.user, cy.user]))

    // Bo adds Amy back: she leaves "added me" and joins his friends
    await api(s, bo.token, 'POST', '/api/friends', { userId: amy.user.id })
    f = await friends(bo)
    expect(ids(f.friends)).toEqual([amy.user.id])
    expect(ids(f.addedMe)).toEqual([cy.user.id])

    // hiding Cy (who added him) moves Cy out of "added me" into hidden; adding un-hides
    await api(s, bo.token, 'POST', `/api/friends/${cy.user.id}/hide`)
    f = await friends(bo)
    expect(f.addedMe).toEqual([])
    expect(ids(f.hidden)).toEqual([cy.user.id])
    await api(s, bo.token, 'POST', '/api/friends', { userId: cy.user.id })
    f = await friends(bo)
    expect(ids(f.friends)).toEqual(ids([amy.user, cy.user]))
    expect(f.hidden).toEqual([])

    // removing forgets Amy on Bo's side only; she still has him
    expect((await api(s, bo.token, 'DELETE', `/api/friends/${amy.user.id}`)).status).toBe(204)
    expect(ids((await friends(bo)).friends)).toEqual([cy.user.id])
    expect(ids((await friends(bo)).addedMe)).toEqual([amy.user.id])
    expect(ids((await friends(amy)).friends)).toEqual([bo.user.id])
  })

  it('refuses bad friend requests without changing anything', async () => {
    const [amy] = await trio()
    const cases: [string, string, unknown, number][] = [
      ['POST', '/api/friends', { userId: amy.user.id }, 400],
      ['POST', '/api/friends', { userId: 'zzzzzzzzzzzz' }, 404],
      ['POST', '/api/friends', { userId: '../../etc' }, 404],
      ['POST', '/api/friends', { userId: 42 }, 400],
      ['POST', '/api/friends', {}, 400],
      ['POST', '/api/friends/zzzzzzzzzzzz/block', undefined, 404],
    ]
    for (const [method, path, body, status] of cases) {
      const r = await api<ApiError>(s, amy.token, method, path, body)
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(status)
      expect(typeof r.body.error.message).toBe('string')
    }
    expect(await friends(amy)).toEqual({ friends: [], addedMe: [], hidden: [], blocked: [] })
    expect((await api(s, null, 'GET', '/api/friends')).status).toBe(401)
  })

  it('a blocked person sees no status changes and cannot open a 1:1 chat; unblocking restores both', async () => {
    const [amy, bo] = await trio()
    await api(s, amy.token, 'PATCH', '/api/me', { status: 'busy today' })
    await api(s, bo.token, 'POST', '/api/friends', { userId: amy.user.id })
    await api(s, amy.token, 'POST', '/api/friends', { userId: bo.user.id })
    expect((await friends(bo)).friends[0].status).toBe('busy today')

    expect((await api(s, amy.token, 'POST', `/api/friends/${bo.user.id}/block`)).status).toBe(204)
    await api(s, amy.token, 'PATCH', '/api/me', { status: 'secret plans' })
    let f = await friends(amy)
    expect(ids(f.blocked)).toEqual([bo.user.id])
    expect(f.friends).toEqual([])
    // hiding someone blocked does not lift the block
    await api(s, amy.token, 'POST', `/api/friends/${bo.user.id}/hide`)
    expect(ids((await friends(amy)).blocked)).toEqual([bo.user.id])

    // Bo still has Amy in his list and can look her up, but her status is not shown to him
    const seen = (await friends(bo)).friends[0]
    expect(seen).toMatchObject({ id: amy.user.id, name: 'Amy', status: '' })
    expect((await api<Profile>(s, bo.token, 'GET', `/api/users/${amy.user.handle}`)).body.status).toBe('')
    // others still see it
    const [, , cy] = await trio()
    expect((await api<Profile>(s, cy.token, 'GET', `/api/users/${amy.user.handle}`)).body.status).toBe('secret plans')

    const refused = await api<ApiError>(s, bo.token, 'POST', '/api/chats/direct', { userId: amy.user.id })
    expect(refused.status).toBe(403)
    expect(refused.body.error.code).toBe('blocked')
    expect((await api<Chat[]>(s, bo.token, 'GET', '/api/chats')).body).toEqual([])
    // nor can he put her in a group
    const group = await api<ApiError>(s, bo.token, 'POST', '/api/chats/group', { title: 'x', userIds: [amy.user.id] })
    expect(group.body.error.code).toBe('blocked')

    expect((await api(s, amy.token, 'POST', `/api/friends/${bo.user.id}/unblock`)).status).toBe(204)
    f = await friends(amy)
    expect(f.blocked).toEqual([])
    // Bo was her friend before the block: he is one again, not someone who merely "added me"
    expect(ids(f.friends)).toEqual([bo.user.id])
    expect(f.addedMe).toEqual([])
    expect((await api<Profile>(s, bo.token, 'GET', `/api/users/${amy.user.handle}`)).body.status).toBe('secret plans')
    expect((await api<Chat>(s, bo.token, 'POST', '/api/chats/direct', { userId: amy.user.id })).status).toBe(200)
  })

  it('unblocking puts someone back where they were before the block: a friend, hidden, or only "added me"', async () => {
    const [amy, bo, cy] = await trio()
    const dee = await signUp(s, `dee${n}`, 'Dee')
    await api(s, amy.token, 'POST', '/api/friends', { userId: bo.user.id })
    await api(s, amy.token, 'POST', '/api/friends', { userId: cy.user.id })
    await api(s, amy.token, 'POST', `/api/friends/${cy.user.id}/hide`)
    // Dee added Amy; Amy never added Dee
    await api(s, dee.token, 'POST', '/api/friends', { userId: amy.user.id })
    for (const p of [bo, cy, dee]) expect((await api(s, amy.token, 'POST', `/api/friends/${p.user.id}/block`)).status).toBe(204)
    // a second block keeps what they were before the first
    expect((await api(s, amy.token, 'POST', `/api/friends/${bo.user.id}/block`)).status).toBe(204)
    let f = await friends(amy)
    expect(ids(f.blocked).sort()).toEqual([bo.user.id, cy.user.id, dee.user.id].sort())
    expect([f.friends, f.hidden, f.addedMe]).toEqual([[], [], []])
    for (const p of [bo, cy, dee]) expect((await api(s, amy.token, 'POST', `/api/friends/${p.user.id}/unblock`)).status).toBe(204)
    f = await friends(amy)
    expect([ids(f.friends), ids(f.hidden), ids(f.addedMe), f.blocked]).toEqual([[bo.user.id], [cy.user.id], [dee.user.id], []])
    // and blocked again after being unblocked, a friend is still one when the block is lifted
    await api(s, amy.token, 'POST', `/api/friends/${bo.user.id}/block`)
    await api(s, amy.token, 'POST', `/api/friends/${bo.user.id}/unblock`)
    expect(ids((await friends(amy)).friends)).toEqual([bo.user.id])
  })

  it("a block leaves the blocked person's sockets to the 1:1 chat's messages open (they must not notice); unblocking changes nothing for them either", async () => {
    const [amy, bo] = await trio()
    const chat = (await api<Chat>(s, amy.token, 'POST', '/api/chats/direct', { userId: bo.user.id })).body
    const page = (token: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`${s.url.replace('http', 'ws')}/sync/c:${chat.id}:0?token=${token}`)
        ws.once('open', () => resolve(ws))
        ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)))
        ws.once('error', reject)
      })
    const boSocket = await page(bo.token)
    const amySocket = await page(amy.token)
    const closes: number[] = []
    boSocket.on('close', (code) => closes.push(code))
    await api(s, amy.token, 'POST', `/api/friends/${bo.user.id}/block`)
    // his socket still answers: sync step 1 sent after the block gets its step 2
    const answered = new Promise<void>((resolve) =>
      boSocket.on('message', (data: Buffer) => {
        if (decodeFrame(new Uint8Array(data)).type === 'sync-step2') resolve()
      }),
    )
    boSocket.send(encodeSyncStep1(Y.encodeStateVector(new Y.Doc())))
    await answered
    expect(closes).toEqual([])
    expect(boSocket.readyState).toBe(WebSocket.OPEN)
    boSocket.close()
    // Amy's own socket stays: she blocked him, not the other way round
    expect(amySocket.readyState).toBe(WebSocket.OPEN)
    amySocket.close()
    expect(await hasBlocked(s.db, amy.user.id, bo.user.id)).toBe(true)
    expect(await hasBlocked(s.db, bo.user.id, amy.user.id)).toBe(false)
    await api(s, amy.token, 'POST', `/api/friends/${bo.user.id}/unblock`)
    expect(await hasBlocked(s.db, amy.user.id, bo.user.id)).toBe(false)
    const again = await page(bo.token)
    expect(again.readyState).toBe(WebSocket.OPEN)
    again.close()
  })
})
