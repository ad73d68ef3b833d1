// The fence (docs/scaling.md, "Homes"): Redis can lose a lease and a paused process can outlive its
// liveness, so Postgres refuses the commits of a node whose home another node has taken meanwhile. Here
// the takeover is what another node's acquisition writes (the home's epoch moved on); the owner's next
// commit must be refused, nothing of it acknowledged or stored, its sockets closed to reconnect, and the
// refused message stored exactly once when the writer's client sends it again.
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type Cluster } from '../fixtures/cluster.ts'
import { backends } from '../fixtures/databases.ts'
import { api, signUp } from '../fixtures/server.ts'
import { bodies, connect, send, until, type SyncClient } from '../fixtures/sync-client.ts'
import { pageDoc } from '../../protocol/docs.ts'
import type { Chat } from '../../protocol/api.ts'

describe.skipIf(!backends().includes('postgres'))('several nodes: the fence (postgres)', () => {
  let cluster: Cluster
  const clients: SyncClient[] = []
  beforeAll(async () => {
    cluster = await startCluster({ nodes: 2 })
  }, 120_000)
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await cluster?.stop()
  })

  async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    const c = new pg.Client({ connectionString: cluster.databaseUrl })
    await c.connect()
    try {
      return (await c.query<T>(text, values)).rows
    } finally {
      await c.end()
    }
  }

  it('refuses the commit of a node whose home moved on, acknowledges nothing of it, and stores the resent message once', async () => {
    const [ann, bob] = [await signUp(cluster, 'fencea', 'Ann'), await signUp(cluster, 'fenceb', 'Bob')]
    const chat = (await api<Chat>(cluster.nodes[0], ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const a = await connect(cluster.nodes[0], ann.token, pageDoc(chat.id, 0), { ack: true })
    const b = await connect(cluster.nodes[0], bob.token, pageDoc(chat.id, 0))
    clients.push(a, b)
    send(a, ann.user.id, 'before the takeover')
    await until(() => a.ackedClock() >= 1 && bodies(b).length === 1, 'the first message acknowledged and delivered')

    const [home] = await sql<{ home: string; epoch: number }>('SELECT home, epoch FROM homes WHERE home LIKE $1', [
      `%${chat.id}%`,
    ])
    expect(home, 'a homes row for the chat').toBeDefined()
    // what another node's acquisition of the home writes
    await sql('UPDATE homes SET epoch = epoch + 1 WHERE home = $1', [home.home])

    const acked = a.ackedClock()
    send(a, ann.user.id, 'after the takeover')
    await until(() => a.closes.length > 0, "the owner closing the writer's socket")
    expect(a.closes[0].code).toBe(4012)
    expect(a.ackedClock(), 'nothing of the refused commit acknowledged').toBe(acked)

    // both clients reconnect on their own; the writer's client sends the refused message again
    await until(
      () => bodies(b).includes('after the takeover') && a.ackedClock() > acked,
      'the resent message committed and delivered',
      30_000,
    )
    const fresh = await connect(cluster.nodes[1], bob.token, pageDoc(chat.id, 0))
    clients.push(fresh)
    expect(bodies(fresh)).toEqual(['before the takeover', 'after the takeover'])
    const [now] = await sql<{ epoch: number }>('SELECT epoch FROM homes WHERE home = $1', [home.home])
    expect(Number(now.epoch), 'the home acquired again, past the takeover').toBeGreaterThan(Number(home.epoch) + 1)
  })
})
