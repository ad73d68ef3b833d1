// One account may make only so many groups, and put only so many people into groups, an hour: nobody
// consents to being added to a group, and one account once put a person into 20,000 in 20 s (and back into
// one as fast as they left it). Past the bound: 429 with Retry-After, and nothing changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiError, Chat, Session } from '../../protocol/api.ts'
import { backends } from '../fixtures/databases.ts'
import { api, signUp, startTestServer, type RunningServer } from '../fixtures/server.ts'

describe.each(backends())('group limits (%s)', (backend) => {
  let s: RunningServer
  let n = 0
  const users = async (k: number): Promise<Session[]> => {
    n++
    return Promise.all(Array.from({ length: k }, (_, i) => signUp(s, `gl${n}_${i}`, `User ${i}`)))
  }
  const group = (who: Session, userIds: string[]) =>
    api<Chat & ApiError>(s, who.token, 'POST', '/api/chats/group', { title: 'G', userIds })
  const chatCount = async (who: Session) => (await api<Chat[]>(s, who.token, 'GET', '/api/chats')).body.length

  beforeAll(async () => {
    s = await startTestServer(backend, { groupLimits: { groupsPerHour: 3, addsPerHour: 6 } })
  })
  afterAll(async () => {
    await s?.close()
  })

  it('refuses a fourth group in an hour, changing nothing; others are not held back', async () => {
    const [maker, victim, other] = await users(3)
    for (let i = 0; i < 3; i++) expect((await group(maker, [victim.user.id])).status).toBe(201)
    const refused = await group(maker, [victim.user.id])
    expect(refused.status).toBe(429)
    expect(refused.body.error.code).toBe('too_many_new_groups')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await chatCount(victim)).toBe(3)
    // someone else's groups are their own count
    expect((await group(other, [victim.user.id])).status).toBe(201)
    expect(await chatCount(victim)).toBe(4)
  })

  it('refuses adding more people than the hour allows, at making a group or later, changing nothing', async () => {
    const [maker, ...people] = await users(9)
    const ids = people.map((p) => p.user.id)
    const chat = (await group(maker, ids.slice(0, 4))).body
    expect(chat.members).toHaveLength(5)
    // two more fit in the hour, three do not: none of the three is added
    const tooMany = await api<ApiError>(s, maker.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: ids.slice(4, 7) })
    expect(tooMany.status).toBe(429)
    expect(tooMany.body.error.code).toBe('too_many_invitations')
    expect(Number(tooMany.headers.get('retry-after'))).toBeGreaterThan(0)
    for (const p of people.slice(4, 7)) expect(await chatCount(p)).toBe(0)
    const two = await api<Chat>(s, maker.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: ids.slice(4, 6) })
    expect(two.status).toBe(200)
    expect(two.body.members).toHaveLength(7)
    // left, and added back at once, over and over: the same count holds
    expect((await api(s, people[0].token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)
    const back = await api<ApiError>(s, maker.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [ids[0]] })
    expect(back.status).toBe(429)
    expect(await chatCount(people[0])).toBe(0)
    // a new group with people is refused the same way
    expect((await group(maker, [ids[7]])).body.error.code).toBe('too_many_invitations')
  })
})
