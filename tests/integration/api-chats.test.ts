// Chats through the real HTTP API: one direct chat per pair, groups (create, invite, rename, leave),
// and who may see what.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { ApiError, Chat, Session } from '../../protocol/api.ts'
import { ENTITY_ID_RE, MAX_GROUP_MEMBERS } from '../../protocol/limits.ts'
import { backends } from '../fixtures/databases.ts'
import { api, signUp, startTestServer, type RunningServer } from '../fixtures/server.ts'

const memberIds = (c: Chat) => c.members.map((m) => m.id).sort()

describe.each(backends())('chats (%s)', (backend) => {
  let s: RunningServer
  let n = 0
  const users = async (k: number): Promise<Session[]> => {
    n++
    const out: Session[] = []
    for (let i = 0; i < k; i++) out.push(await signUp(s, `u${n}_${i}`, `User ${i}`))
    return out
  }
  const chats = async (who: Session) => (await api<Chat[]>(s, who.token, 'GET', '/api/chats')).body

  beforeAll(async () => {
    s = await startTestServer(backend)
  })
  afterAll(async () => {
    await s?.close()
  })

  it('opens one direct chat per pair, whoever opens it and however often', async () => {
    const [a, b, c] = await users(3)
    const first = await api<Chat>(s, a.token, 'POST', '/api/chats/direct', { userId: b.user.id })
    expect(first.status).toBe(200)
    expect(first.body).toMatchObject({ kind: 'direct', title: '', page: 0 })
    expect(first.body.id).toMatch(ENTITY_ID_RE)
    expect(memberIds(first.body)).toEqual([a.user.id, b.user.id].sort())
    const again = await api<Chat>(s, a.token, 'POST', '/api/chats/direct', { userId: b.user.id })
    const fromB = await api<Chat>(s, b.token, 'POST', '/api/chats/direct', { userId: a.user.id })
    expect(again.body.id).toBe(first.body.id)
    expect(fromB.body.id).toBe(first.body.id)
    // both at once still make one
    const [x, y] = await Promise.all([
      api<Chat>(s, a.token, 'POST', '/api/chats/direct', { userId: c.user.id }),
      api<Chat>(s, c.token, 'POST', '/api/chats/direct', { userId: a.user.id }),
    ])
    expect(x.body.id).toBe(y.body.id)
    expect((await chats(a)).map((ch) => ch.id).sort()).toEqual([first.body.id, x.body.id].sort())
    const pages = await s.db.all('SELECT page FROM conv_pages WHERE conv_id = ?', [first.body.id])
    expect(pages).toHaveLength(1)

    // leaving, then opening again, puts the leaver back in the same chat
    expect((await api(s, b.token, 'POST', `/api/chats/${first.body.id}/leave`)).status).toBe(204)
    expect(await chats(b)).toEqual([])
    expect((await api<ApiError>(s, b.token, 'GET', `/api/chats/${first.body.id}`)).status).toBe(403)
    const back = await api<Chat>(s, b.token, 'POST', '/api/chats/direct', { userId: a.user.id })
    expect(back.body.id).toBe(first.body.id)
    expect(memberIds(back.body)).toEqual([a.user.id, b.user.id].sort())

    expect((await api<ApiError>(s, a.token, 'POST', '/api/chats/direct', { userId: a.user.id })).status).toBe(400)
    expect((await api<ApiError>(s, a.token, 'POST', '/api/chats/direct', { userId: 'nobodyhere00' })).status).toBe(404)
  })

  it('creates a group, invites, renames, and members leave; GET shows the membership', async () => {
    const [a, b, c, d, e] = await users(5)
    const created = await api<Chat>(s, a.token, 'POST', '/api/chats/group', {
      title: ' 주말 등산 ',
      userIds: [b.user.id, c.user.id, b.user.id, a.user.id],
    })
    expect(created.status).toBe(201)
    const g = created.body
    expect(g).toMatchObject({ kind: 'group', title: '주말 등산', page: 0 })
    expect(memberIds(g)).toEqual([a, b, c].map((u) => u.user.id).sort())
    expect((await chats(c)).map((ch) => ch.id)).toEqual([g.id])
    expect(await chats(d)).toEqual([])
    expect((await api<ApiError>(s, d.token, 'GET', `/api/chats/${g.id}`)).body.error.code).toBe('forbidden')

    // any member may invite and rename
    const invited = await api<Chat>(s, c.token, 'POST', `/api/chats/${g.id}/invite`, { userIds: [d.user.id, e.user.id] })
    expect(invited.status).toBe(200)
    expect(memberIds(invited.body)).toEqual([a, b, c, d, e].map((u) => u.user.id).sort())
    const renamed = await api<Chat>(s, d.token, 'PATCH', `/api/chats/${g.id}`, { title: 'Hiking' })
    expect(renamed.body.title).toBe('Hiking')
    expect((await api<Chat>(s, a.token, 'GET', `/api/chats/${g.id}`)).body.title).toBe('Hiking')

    // leaving takes the member out for everyone, and the leaver loses access
    expect((await api(s, b.token, 'POST', `/api/chats/${g.id}/leave`)).status).toBe(204)
    expect(memberIds((await api<Chat>(s, a.token, 'GET', `/api/chats/${g.id}`)).body)).toEqual(
      [a, c, d, e].map((u) => u.user.id).sort(),
    )
    expect(await chats(b)).toEqual([])
    expect((await api(s, b.token, 'PATCH', `/api/chats/${g.id}`, { title: 'mine now' })).status).toBe(403)
    expect((await api(s, b.token, 'POST', `/api/chats/${g.id}/invite`, { userIds: [b.user.id] })).status).toBe(403)
    expect((await api(s, b.token, 'POST', `/api/chats/${g.id}/leave`)).status).toBe(403)
    expect((await api<Chat>(s, a.token, 'GET', `/api/chats/${g.id}`)).body.title).toBe('Hiking')
  })

  it('a member who leaves loses their open sync sockets (4403) and cannot reconnect (403)', async () => {
    const [a, b] = await users(2)
    const g = (await api<Chat>(s, a.token, 'POST', '/api/chats/group', { title: 'socket test', userIds: [b.user.id] })).body
    const open = (token: string, doc: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(`${s.url.replace('http', 'ws')}/sync/${doc}?token=${token}`)
        ws.once('open', () => resolve(ws))
        ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)))
        ws.once('error', reject)
      })
    const head = await open(b.token, `c:${g.id}`)
    const closed = new Promise<number>((resolve) => head.once('close', (code) => resolve(code)))
    await api(s, b.token, 'POST', `/api/chats/${g.id}/leave`)
    expect(await closed).toBe(4403)
    await expect(open(b.token, `c:${g.id}:0`)).rejects.toThrow('HTTP 403')
    // invited back, he may sync it again
    await api(s, a.token, 'POST', `/api/chats/${g.id}/invite`, { userIds: [b.user.id] })
    const back = await open(b.token, `c:${g.id}`)
    back.close()
  })

  it('tells the sync server about every change of members or title, after the commit', async () => {
    const [a, b, c] = await users(3)
    const seen: { id: string; members: number; title: string }[] = []
    const original = s.sync.chatChanged.bind(s.sync)
    s.sync.chatChanged = async (id) => {
      // what the database holds when the sync server is told
      const row = await s.db.get<{ title: string }>('SELECT title FROM convs WHERE id = ?', [id])
      const m = await s.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM members WHERE conv_id = ?', [id])
      seen.push({ id, members: Number(m?.n), title: row?.title ?? '?' })
      await original(id)
    }
    try {
      const g = (await api<Chat>(s, a.token, 'POST', '/api/chats/group', { title: 'one', userIds: [b.user.id] })).body
      await api(s, a.token, 'POST', `/api/chats/${g.id}/invite`, { userIds: [c.user.id] })
      await api(s, a.token, 'PATCH', `/api/chats/${g.id}`, { title: 'two' })
      await api(s, b.token, 'POST', `/api/chats/${g.id}/leave`)
      const d = (await api<Chat>(s, a.token, 'POST', '/api/chats/direct', { userId: b.user.id })).body
      await api(s, a.token, 'POST', '/api/chats/direct', { userId: b.user.id })
      expect(seen).toEqual([
        { id: g.id, members: 2, title: 'one' },
        { id: g.id, members: 3, title: 'one' },
        { id: g.id, members: 3, title: 'two' },
        { id: g.id, members: 2, title: 'two' },
        { id: d.id, members: 2, title: '' },
      ])
    } finally {
      s.sync.chatChanged = original
    }
  })

  it('refuses bad group requests and changes nothing', async () => {
    const [a, b] = await users(2)
    const g = (await api<Chat>(s, a.token, 'POST', '/api/chats/group', { title: 'ok', userIds: [b.user.id] })).body
    const direct = (await api<Chat>(s, a.token, 'POST', '/api/chats/direct', { userId: b.user.id })).body
    const cases: [string, string, unknown, number][] = [
      ['POST', '/api/chats/group', { title: 'x'.repeat(101), userIds: [] }, 400],
      ['POST', '/api/chats/group', { title: 'bad\u0007', userIds: [] }, 400],
      ['POST', '/api/chats/group', { title: '\u3164\u200B', userIds: [] }, 400],
      ['POST', '/api/chats/group', { title: 'x', userIds: 'nope' }, 400],
      ['POST', '/api/chats/group', { title: 'x', userIds: ['nobodyhere00'] }, 404],
      ['POST', '/api/chats/group', { title: 'x', userIds: ['DROP TABLE'] }, 400],
      [
        'POST',
        '/api/chats/group',
        { title: 'x', userIds: Array.from({ length: MAX_GROUP_MEMBERS + 1 }, (_, i) => `x${String(i).padStart(11, '0')}`) },
        400,
      ],
      ['POST', `/api/chats/${g.id}/invite`, { userIds: ['nobodyhere00'] }, 404],
      ['PATCH', `/api/chats/${direct.id}`, { title: 'direct chats have no title' }, 400],
      ['POST', `/api/chats/${direct.id}/invite`, { userIds: [b.user.id] }, 400],
      ['GET', '/api/chats/nosuchchat00', undefined, 404],
      ['GET', '/api/chats/..%2F..%2Fetc', undefined, 404],
    ]
    for (const [method, path, body, status] of cases) {
      const r = await api<ApiError>(s, a.token, method, path, body)
      expect(r.status, `${method} ${path}`).toBe(status)
    }
    const mine = await chats(a)
    expect(mine.map((c) => c.id).sort()).toEqual([g.id, direct.id].sort())
    expect(mine.find((c) => c.id === g.id)).toMatchObject({ title: 'ok' })
    expect(memberIds(mine.find((c) => c.id === g.id)!)).toEqual([a.user.id, b.user.id].sort())
  })

  it("ignores duplicate ids in a group's list: a long list of one person is a group of two", async () => {
    const [a, b] = await users(2)
    const dups = await api<Chat>(s, a.token, 'POST', '/api/chats/group', {
      title: 'dups',
      userIds: Array.from({ length: MAX_GROUP_MEMBERS + 1 }, () => b.user.id),
    })
    expect(dups.status).toBe(201)
    expect(dups.body.members.map((m) => m.id).sort()).toEqual([a.user.id, b.user.id].sort())
  })
})
