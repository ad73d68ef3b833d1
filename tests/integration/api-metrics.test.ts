// GET /api/metrics (SORI_METRICS=1): what the sync server holds in memory and how long it held clients'
// updates, for benchmarks and operators. Off by default, since it is not authenticated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, signUp, startTestServer, type RunningServer } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { bodies, connect, send, until, type SyncClient } from '../fixtures/sync-client.ts'
import { pageDoc } from '../../protocol/docs.ts'
import type { Chat } from '../../protocol/api.ts'

interface Metrics {
  docs: number
  frozen: number
  open: number
  openFrozen: number
  sockets: number
  held: { count: number; p50: number; p99: number; max: number }
  commits: { commits: number; updates: number; ms: number }
}

describe.each(backends())('metrics (%s)', (backend) => {
  let on: RunningServer
  let off: RunningServer
  const clients: SyncClient[] = []
  beforeAll(async () => {
    on = await startTestServer(backend, { metrics: true })
    off = await startTestServer(backend)
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await on.close()
    await off.close()
  })

  it('counts the updates it fanned out, how long it held them and the commits they took, then starts a new window', async () => {
    const tag = backend.slice(0, 2)
    const [ann, bob] = [await signUp(on, `mt_ann_${tag}`), await signUp(on, `mt_bob_${tag}`)]
    const chat = (await api<Chat>(on, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const a = await connect(on, ann.token, pageDoc(chat.id, 0))
    const b = await connect(on, bob.token, pageDoc(chat.id, 0))
    clients.push(a, b)
    await api(on, null, 'GET', '/api/metrics')
    for (let i = 0; i < 5; i++) send(a, ann.user.id, `m${i}`)
    await until(() => bodies(b).length === 5, 'bob has the messages')
    const m = (await api<Metrics>(on, null, 'GET', '/api/metrics')).body
    expect(m.sockets).toBeGreaterThanOrEqual(2)
    expect(m.docs).toBeGreaterThanOrEqual(1)
    expect(m.held.count).toBeGreaterThanOrEqual(1)
    expect(m.held.p50).toBeGreaterThan(0)
    expect(m.held.max).toBeGreaterThanOrEqual(m.held.p99)
    expect(m.held.p99).toBeGreaterThanOrEqual(m.held.p50)
    // five updates (and the clientID binding) in at least one and at most five transactions
    expect(m.commits.updates).toBe(5)
    expect(m.commits.commits).toBeGreaterThanOrEqual(1)
    expect(m.commits.commits).toBeLessThanOrEqual(5)
    expect(m.commits.ms).toBeGreaterThan(0)
    const next = (await api<Metrics>(on, null, 'GET', '/api/metrics')).body
    expect(next.held.count).toBe(0)
    expect(next.commits).toEqual({ commits: 0, updates: 0, ms: 0 })
  })

  it('is not served unless asked for', async () => {
    expect((await api(off, null, 'GET', '/api/metrics')).status).toBe(404)
  })
})
