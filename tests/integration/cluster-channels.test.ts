// Channels on three nodes behind HAProxy: followers whose sockets are on different nodes get a post
// once, a scheduled post is published once although every node looks for due posts, and a channel's
// rename through any node reaches the head on the node that holds it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type Cluster } from '../fixtures/cluster.ts'
import { backends } from '../fixtures/databases.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, until, type SyncClient } from '../fixtures/sync-client.ts'
import { CHANNEL_ROOTS, channelHeadDoc, channelPageDoc, type Channel, type ChannelPost } from '../../protocol/channels.ts'
import type { ScheduledPost } from '../../protocol/scheduled.ts'

describe.skipIf(!backends().includes('postgres'))('several nodes: channels (postgres)', () => {
  let cluster: Cluster
  const clients: SyncClient[] = []
  beforeAll(async () => {
    // every node looks for due scheduled posts ten times a second
    cluster = await startCluster({ nodes: 3, env: { SORI_SCHEDULE_TICK_MS: '100' } })
  }, 120_000)
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await cluster?.stop()
  })
  const open = async (token: string, doc: string, i: number) => {
    const c = await connect(cluster.nodes[i], token, doc)
    clients.push(c)
    return c
  }

  it('a scheduled post is published once and reaches followers on every node; a rename reaches the head', async () => {
    const admin = await signUp(cluster, 'chn_admin')
    const fans = await Promise.all([0, 1, 2].map((i) => signUp(cluster, `chn_fan${i}`)))
    const ch = (
      await api<Channel>(cluster, admin.token, 'POST', '/api/channels', {
        handle: 'chn_nodes',
        name: 'Nodes',
        category: 'news',
        langs: ['en'],
      })
    ).body
    for (const f of fans) expect((await api(cluster, f.token, 'POST', `/api/channels/${ch.id}/follow`)).status).toBeLessThan(300)
    const pages = await Promise.all(fans.map((f, i) => open(f.token, channelPageDoc(ch.id, 0), i)))
    const heads = await Promise.all(fans.map((f, i) => open(f.token, channelHeadDoc(ch.id), (i + 1) % 3)))

    const made = await api<ScheduledPost>(cluster, admin.token, 'POST', `/api/channels/${ch.id}/scheduled`, {
      at: Date.now() + 3_000,
      post: { kind: 'text', text: 'Once, on every node' },
    })
    expect(made.status).toBe(201)
    const posts = (c: SyncClient) => c.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts)
    await until(() => pages.every((p) => posts(p).length === 1), 'every follower has the post', 30_000)
    for (const h of heads)
      await until(() => h.doc.getMap(CHANNEL_ROOTS.head.meta).get('count') === 1, 'every head counts one post')
    // three nodes tick: had two published it, the page would hold it twice by now, or soon
    const fresh = await connect(cluster, fans[0].token, channelPageDoc(ch.id, 0))
    clients.push(fresh)
    expect(
      posts(fresh)
        .toArray()
        .map((p) => p.id),
    ).toEqual([made.body.id])
    await until(
      async () => (await api<ScheduledPost[]>(cluster, admin.token, 'GET', `/api/channels/${ch.id}/scheduled`)).body.length === 0,
      'the scheduled list empties',
    )
    expect(posts(fresh).length).toBe(1)

    // a rename through each node in turn reaches every follower's head, wherever the channel is held
    for (const [i, node] of cluster.nodes.entries()) {
      const r = await api(node, admin.token, 'PATCH', `/api/channels/${ch.id}`, { name: `Nodes ${i}` })
      expect(r.status).toBe(200)
      for (const h of heads)
        await until(() => h.doc.getMap(CHANNEL_ROOTS.head.meta).get('name') === `Nodes ${i}`, `the head shows Nodes ${i}`)
    }
  })
})
