// Unfollows in a channel's statistics: a follow that ends (an unfollow, or a block of a followed channel)
// is counted per UTC day without anyone's id, and admins see only the sum over the seven whole days
// before today, rounded like the follower count and null under 20.
//
// The figure leaves today out, so a test cannot wait for its own unfollows to show. As the history test
// seeds channel_daily, these tests write past days straight into channel_unfollows, and move the row the
// server counted today to an earlier day, as if that day had passed: the server's own clock is not
// something a test can turn.
import { describe, expect, it } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import type { Channel, ChannelStats } from '../../protocol/channels.ts'
import type { Session } from '../../protocol/api.ts'

const DAY_MS = 86_400_000
const daysAgo = (n: number) => new Date(Date.now() - n * DAY_MS).toISOString().slice(0, 10)

describe.each(backends())('channel unfollows in the statistics (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)
  let n = 0
  const user = (name: string) => signUp(suite.server, `${name}${n++}_${tag}`, name)
  const call = <T = Channel>(s: Session | null, method: string, path: string, body?: unknown) =>
    api<T>(suite.server, s?.token ?? null, method, path, body)
  async function channel(admin: Session): Promise<string> {
    const r = await call(admin, 'POST', '/api/channels', {
      handle: `unf${n++}_${tag}`,
      name: 'Leavers',
      category: 'brand',
      langs: ['en'],
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    return r.body.id
  }
  const seed = async (id: string, ago: number, count: number) =>
    suite.server.db.run('INSERT INTO channel_unfollows (channel_id, day, n) VALUES (?, ?, ?)', [id, daysAgo(ago), count])
  /** What the server counted today, moved to `ago` days back. */
  const passDay = (id: string, ago: number) =>
    suite.server.db.run('UPDATE channel_unfollows SET day = ? WHERE channel_id = ? AND day = ?', [daysAgo(ago), id, daysAgo(0)])
  const unfollowsWeek = async (admin: Session, id: string) => {
    const r = await call<ChannelStats>(admin, 'GET', `/api/channels/${id}/stats`)
    expect(r.status).toBe(200)
    return r.body.unfollowsWeek
  }

  it('sums the seven whole days before today: 25 shows as 20, 19 as nothing', async () => {
    const admin = await user('adm')
    const id = await channel(admin)
    expect(await unfollowsWeek(admin, id)).toBeNull()
    await seed(id, 8, 100) // a day before the week: left out
    await seed(id, 7, 5)
    await seed(id, 4, 10)
    await seed(id, 1, 10)
    await seed(id, 0, 100) // today: left out
    expect(await unfollowsWeek(admin, id)).toBe(20)
    await suite.server.db.run('UPDATE channel_unfollows SET n = 4 WHERE channel_id = ? AND day = ?', [id, daysAgo(1)])
    expect(await unfollowsWeek(admin, id)).toBeNull()
  })

  it('counts a follow that ends by unfollow or block, nothing else, and only once the day is over', async () => {
    const admin = await user('adm')
    const id = await channel(admin)
    const [leaver, blocker, late] = [await user('lea'), await user('blo'), await user('lat')]
    const [stranger, blockingStranger] = [await user('str'), await user('bst')]
    for (const f of [leaver, blocker, late]) expect((await call(f, 'POST', `/api/channels/${id}/follow`)).status).toBe(200)
    await seed(id, 3, 17)
    await seed(id, 40, 9) // past what is kept: gone once the channel's next unfollow is written

    expect((await call(leaver, 'DELETE', `/api/channels/${id}/follow`)).status).toBe(200)
    expect((await call(blocker, 'POST', `/api/channels/${id}/block`)).status).toBe(200)
    // none of these ends a follow: not followed, already unfollowed, already blocked
    expect((await call(stranger, 'DELETE', `/api/channels/${id}/follow`)).status).toBe(200)
    expect((await call(blockingStranger, 'POST', `/api/channels/${id}/block`)).status).toBe(200)
    expect((await call(leaver, 'DELETE', `/api/channels/${id}/follow`)).status).toBe(200)
    expect((await call(blocker, 'POST', `/api/channels/${id}/block`)).status).toBe(200)
    expect((await call(blocker, 'DELETE', `/api/channels/${id}/block`)).status).toBe(200)
    expect((await call(blocker, 'POST', `/api/channels/${id}/block`)).status).toBe(200)
    // nor does a refused one
    expect((await call(late, 'DELETE', '/api/channels/zzzzzzzzzzzz/follow')).status).toBe(404)
    expect(
      await suite.server.db.all<{ day: string }>('SELECT day FROM channel_unfollows WHERE channel_id = ? ORDER BY day', [id]),
    ).toEqual([{ day: daysAgo(3) }, { day: daysAgo(0) }])

    // the day passes: 17 + the unfollow and the block = 19, still nothing (a stray count would make 20)
    await passDay(id, 1)
    expect(await unfollowsWeek(admin, id)).toBeNull()
    // a 20th unfollow today: not in the figure before the day is over
    expect((await call(late, 'DELETE', `/api/channels/${id}/follow`)).status).toBe(200)
    expect(await unfollowsWeek(admin, id)).toBeNull()
    await passDay(id, 2)
    expect(await unfollowsWeek(admin, id)).toBe(20)

    // what is kept and what an admin is told: counts by day, no one's id
    const rows = await suite.server.db.all('SELECT * FROM channel_unfollows WHERE channel_id = ? ORDER BY day', [id])
    expect(rows.map((r) => ({ ...r, n: Number(r.n) }))).toEqual([
      { channel_id: id, day: daysAgo(3), n: 17 },
      { channel_id: id, day: daysAgo(2), n: 1 },
      { channel_id: id, day: daysAgo(1), n: 2 },
    ])
    const text = JSON.stringify([rows, (await call<ChannelStats>(admin, 'GET', `/api/channels/${id}/stats`)).body])
    for (const s of [leaver, blocker, late, stranger, blockingStranger]) {
      expect(text).not.toContain(s.user.id)
      expect(text).not.toContain(s.user.handle)
    }
  })
})
