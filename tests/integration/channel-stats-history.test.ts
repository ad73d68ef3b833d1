// A channel's follower history in its statistics: one row per UTC day holding the rounded count taken
// that day (null under 20), the last 30 days oldest first, for admins only, naming no follower.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import type { Channel, ChannelStats } from '../../protocol/channels.ts'
import type { Session } from '../../protocol/api.ts'

// the count is taken again on every call here (an hour in production), so that each follow can show
beforeAll(() => {
  vi.stubEnv('SORI_CHANNEL_COUNT_MS', '0')
})
afterAll(() => {
  vi.unstubAllEnvs()
})

const DAY_MS = 86_400_000
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10)

describe.each(backends())('channel follower history (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)
  let n = 0
  const user = (name: string) => signUp(suite.server, `${name}${n++}_${tag}`, name)
  const call = <T>(s: Session | null, method: string, path: string, body?: unknown) =>
    api<T>(suite.server, s?.token ?? null, method, path, body)
  async function followers(id: string, count: number): Promise<Session[]> {
    const fans: Session[] = []
    for (let i = 0; i < count; i++) {
      const f = await user(`fan${i}h`)
      expect((await call(f, 'POST', `/api/channels/${id}/follow`)).status).toBe(200)
      fans.push(f)
    }
    return fans
  }
  async function channelWithFans(admin: Session, count: number): Promise<{ ch: Channel; fans: Session[] }> {
    const r = await call<Channel>(admin, 'POST', '/api/channels', {
      handle: `hist${n++}_${tag}`,
      name: 'History',
      category: 'brand',
      langs: ['en'],
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    return { ch: r.body, fans: await followers(r.body.id, count) }
  }
  const stats = (s: Session, id: string) => call<ChannelStats>(s, 'GET', `/api/channels/${id}/stats`)

  it("with 20 or more followers, today's row holds the rounded count and no follower is named", async () => {
    const [admin, second] = [await user('adm'), await user('sec')]
    const { ch, fans } = await channelWithFans(admin, 23)
    expect((await call(admin, 'POST', `/api/channels/${ch.id}/admins`, { handle: second.user.handle })).status).toBe(200)
    const first = await stats(admin, ch.id)
    expect(first.status).toBe(200)
    expect(first.body.followers).toBe(20)
    expect(first.body.history).toEqual([{ day: dayOf(Date.now()), followers: 20 }])

    // more follows the same day: still one row for today, at the new rounded figure (31 → 30)
    fans.push(...(await followers(ch.id, 8)))
    const later = await stats(second, ch.id)
    expect(later.body.followers).toBe(30)
    expect(later.body.history).toEqual([{ day: dayOf(Date.now()), followers: 30 }])

    const text = JSON.stringify([first.body, later.body])
    for (const f of fans) {
      expect(text).not.toContain(f.user.id)
      expect(text).not.toContain(f.user.handle)
    }
  })

  it("under 20 followers, today's row is null", async () => {
    const admin = await user('adm')
    const { ch } = await channelWithFans(admin, 19)
    const r = await stats(admin, ch.id)
    expect(r.status).toBe(200)
    expect(r.body.followers).toBeNull()
    expect(r.body.history).toEqual([{ day: dayOf(Date.now()), followers: null }])
  })

  it('the history covers the last 30 days that have a row, oldest first', async () => {
    const admin = await user('adm')
    const { ch } = await channelWithFans(admin, 20)
    const now = Date.now()
    const seed = [
      [40, 90], // older than 30 days: left out
      [29, 110],
      [3, -1],
      [1, 40],
    ] as const
    for (const [ago, followers] of seed)
      await suite.server.db.run('INSERT INTO channel_daily (channel_id, day, followers) VALUES (?, ?, ?)', [
        ch.id,
        dayOf(now - ago * DAY_MS),
        followers,
      ])
    const r = await stats(admin, ch.id)
    expect(r.body.history).toEqual([
      { day: dayOf(now - 29 * DAY_MS), followers: 110 },
      { day: dayOf(now - 3 * DAY_MS), followers: null },
      { day: dayOf(now - 1 * DAY_MS), followers: 40 },
      { day: dayOf(now), followers: 20 },
    ])
  })

  it('only admins get the statistics: a follower and a stranger get 403, nobody signed in 401, no channel 404', async () => {
    const admin = await user('adm')
    const { ch, fans } = await channelWithFans(admin, 20)
    const stranger = await user('str')
    for (const s of [fans[0], stranger]) {
      const r = await call<{ error: { code: string } }>(s, 'GET', `/api/channels/${ch.id}/stats`)
      expect(r.status).toBe(403)
      expect(JSON.stringify(r.body)).not.toContain('history')
    }
    expect((await call(null, 'GET', `/api/channels/${ch.id}/stats`)).status).toBe(401)
    expect((await call(admin, 'GET', '/api/channels/zzzzzzzzzzzz/stats')).status).toBe(404)
    expect((await call(admin, 'GET', '/api/channels/..%2F/stats')).status).toBe(404)
  })
})
