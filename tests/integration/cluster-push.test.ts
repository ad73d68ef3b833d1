// Push planning on several nodes: a node remembers for a minute which recipients had no subscribed
// device (server/push/service.ts); a device that subscribes through another node must end that on every
// node at once, or its owner would miss a minute of pushes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCluster, type Cluster } from '../fixtures/cluster.ts'
import { backends } from '../fixtures/databases.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, send, until, type SyncClient } from '../fixtures/sync-client.ts'
import { startPushService, type PushServiceFixture } from '../fixtures/push-service.ts'
import { pageDoc } from '../../protocol/docs.ts'
import type { Chat, Session } from '../../protocol/api.ts'
import type { PushState } from '../../protocol/push.ts'

describe.skipIf(!backends().includes('postgres'))('web push on several nodes (postgres)', () => {
  let cluster: Cluster
  let service: PushServiceFixture
  const clients: SyncClient[] = []
  beforeAll(async () => {
    service = await startPushService()
    cluster = await startCluster({ nodes: 2, env: { SORI_PUSH_ALLOW_HTTP: '1', SORI_SIGNUPS_PER_HOUR: '0' } })
  }, 120_000)
  afterAll(async () => {
    for (const c of clients) c.destroy()
    service?.release()
    await cluster?.stop()
    await service?.close()
  })

  const subscribe = async (node: { url: string }, s: Session, name: string) => {
    const sub = service.subscription(name)
    const r = await api<PushState>(node, s.token, 'PUT', '/api/push/subscription', sub.body('en', true))
    expect(r.status).toBe(200)
    return sub
  }

  it('a member who subscribes through one node gets the next push another node plans', async () => {
    const [a, b] = cluster.nodes
    const [ann, fay, gil] = [await signUp(a, 'cpann'), await signUp(a, 'cpfay'), await signUp(a, 'cpgil')]
    const g = await subscribe(a, gil, 'cp-gil')
    const chat = (
      await api<Chat>(a, ann.token, 'POST', '/api/chats/group', { title: 'Nodes', userIds: [fay.user.id, gil.user.id] })
    ).body
    // ann writes through node a, which commits her messages and plans their pushes
    const page = await connect(a, ann.token, pageDoc(chat.id, 0))
    clients.push(page)
    send(page, ann.user.id, 'before fay subscribed')
    // gil's push says node a planned that message, and found no device of fay's
    await until(() => service.delivered(g.name).length >= 1, "gil's push")
    const f = await subscribe(b, fay, 'cp-fay')
    // node a hears of it through Redis; a message a second until fay's device gets one, far within the
    // minute node a would otherwise go on taking fay for unsubscribed
    const start = Date.now()
    for (let i = 0; service.delivered(f.name).length === 0; i++) {
      expect(Date.now() - start).toBeLessThan(20_000)
      send(page, ann.user.id, `after fay subscribed ${i}`)
      await until(() => service.delivered(f.name).length > 0, "fay's push", 1_000).catch(() => {})
    }
    expect(service.delivered(f.name)[0]).toMatchObject({
      title: 'cpann in Nodes',
      body: expect.stringMatching(/^after fay subscribed \d+$/),
    })
  })
})
