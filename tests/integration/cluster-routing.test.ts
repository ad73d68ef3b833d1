// HAProxy routing `/sync/<doc>` by the document's home, as docs/scaling.md shows it: every socket of a
// chat (its head and its pages) reaches the same node, different chats spread over the nodes, and the
// chat works as it does under round-robin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type Cluster } from '../fixtures/cluster.ts'
import { backends } from '../fixtures/databases.ts'
import { api, signUp } from '../fixtures/server.ts'
import { bodies, connect, send, until, type SyncClient } from '../fixtures/sync-client.ts'
import { headDoc, pageDoc } from '../../protocol/docs.ts'
import type { Chat } from '../../protocol/api.ts'

describe.skipIf(!backends().includes('postgres'))('several nodes: a balancer routing by home (postgres)', () => {
  let cluster: Cluster
  const clients: SyncClient[] = []
  beforeAll(async () => {
    cluster = await startCluster({ nodes: 3, balance: 'home', env: { SORI_SIGNUPS_PER_HOUR: '0' } })
  }, 120_000)
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await cluster?.stop()
  })

  /** Upgrades each node took while `fn` ran, from the balancer's counts. */
  async function served(fn: () => Promise<void>): Promise<number[]> {
    const before = await cluster.balancer.states()
    await fn()
    const after = await cluster.balancer.states()
    return cluster.nodes.map((n) => (after.get(n.port)?.served ?? 0) - (before.get(n.port)?.served ?? 0))
  }

  it('a chat’s head and pages reach one node, chats spread over the nodes, and messages flow', async () => {
    const [ann, bob] = [await signUp(cluster, 'route_ann'), await signUp(cluster, 'route_bob')]
    const chats: Chat[] = []
    for (let i = 0; i < 9; i++)
      chats.push(
        (await api<Chat>(cluster, ann.token, 'POST', '/api/chats/group', { title: `route ${i}`, userIds: [bob.user.id] })).body,
      )
    const nodesUsed = new Set<number>()
    for (const chat of chats) {
      const counts = await served(async () => {
        for (const doc of [headDoc(chat.id), pageDoc(chat.id, 0), pageDoc(chat.id, 0)]) {
          const c = await connect(cluster, doc === headDoc(chat.id) ? ann.token : bob.token, doc)
          clients.push(c)
        }
      })
      expect(counts.reduce((a, b) => a + b, 0)).toBe(3)
      const node = counts.findIndex((v) => v === 3)
      expect(node).toBeGreaterThanOrEqual(0)
      nodesUsed.add(node)
    }
    expect(nodesUsed.size).toBeGreaterThan(1)

    const chat = chats[0]
    const a = await connect(cluster, ann.token, pageDoc(chat.id, 0), { ack: true })
    const b = await connect(cluster, bob.token, pageDoc(chat.id, 0))
    clients.push(a, b)
    send(a, ann.user.id, 'routed by home')
    await until(() => bodies(b).includes('routed by home'), 'bob gets the message')
    await until(() => a.ackedClock() >= 1, 'ann is acknowledged')
  })
})
