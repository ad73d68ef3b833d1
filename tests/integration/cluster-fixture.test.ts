// The cluster fixture itself (tests/fixtures/cluster.ts): three nodes behind HAProxy serve one account,
// the balancer routes around a node killed with SIGKILL and back to it once it is started again, the
// private Redis comes back after a restart, and the Postgres gate cuts and restores connections.
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import type { Me } from '../../protocol/api.ts'
import { startCluster, startPostgresGate, redisPing, type Cluster, type PostgresGate } from '../fixtures/cluster.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, until } from '../fixtures/sync-client.ts'
import { inboxDoc } from '../../protocol/docs.ts'

/** One query over a new connection through `url`; the error's message when it fails. */
async function query(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 })
  c.on('error', () => {})
  try {
    await c.connect()
    const r = await c.query<{ schema: string }>('SELECT current_schema() AS schema')
    return `ok ${r.rows[0].schema}`
  } catch (e) {
    return (e as Error).message
  } finally {
    await c.end().catch(() => {})
  }
}

describe.skipIf(!backends().includes('postgres'))('cluster fixture (postgres)', () => {
  let cluster: Cluster | undefined
  let gate: PostgresGate | undefined
  afterAll(async () => {
    await cluster?.stop()
    await gate?.close()
  })

  it('serves through the balancer, survives a killed node, restarts Redis and cuts Postgres', async () => {
    const databaseUrl = await freshDatabaseUrl('postgres')
    cluster = await startCluster({ nodes: 3, check: 'tcp', databaseUrl })
    const { nodes } = cluster
    expect(new Set(nodes.map((n) => n.port)).size).toBe(3)

    const me = (token: string) => api<Me>(cluster!, token, 'GET', '/api/me')
    const ann = await signUp(cluster, 'cluster_ann')
    // round-robin: six requests reach every node, and every node knows the session
    const before = await cluster.balancer.states()
    for (let i = 0; i < 6; i++) {
      const r = await me(ann.token)
      expect(r.status).toBe(200)
      expect(r.body.handle).toBe('cluster_ann')
    }
    const after = await cluster.balancer.states()
    for (const n of nodes) expect(after.get(n.port)!.served - before.get(n.port)!.served).toBeGreaterThanOrEqual(1)
    // WebSocket upgrades pass the balancer: a sync socket syncs through it
    const inbox = await connect(cluster, ann.token, inboxDoc(ann.user.id))
    expect(inbox.provider.synced).toBe(true)
    inbox.destroy()

    await nodes[1].kill9()
    expect(nodes[1].alive()).toBe(false)
    await cluster.balancer.waitFor(nodes[1].port, 'DOWN', 10_000)
    // once HAProxy has marked it down, no request goes to the dead node
    for (let i = 0; i < 6; i++) expect((await me(ann.token)).status).toBe(200)
    await nodes[1].start()
    expect(nodes[1].alive()).toBe(true)
    expect((await api<Me>(nodes[1], ann.token, 'GET', '/api/me')).status).toBe(200)

    const { redis } = cluster
    await redis.restart()
    expect(await redisPing(redis.port)).toBe(true)

    gate = await startPostgresGate(databaseUrl)
    const schema = new URL(databaseUrl).searchParams.get('options')?.replace('-c search_path=', '')
    expect(await query(gate.url)).toBe(`ok ${schema}`)
    // a connection held open across the cut is reset too
    const held = new pg.Client({ connectionString: gate.url })
    const heldError = new Promise<Error>((resolve) => held.on('error', resolve))
    await held.connect()
    gate.cut()
    expect((await heldError).message).toMatch(/terminated|ECONNRESET|closed/i)
    await held.end().catch(() => {})
    expect(await query(gate.url)).not.toMatch(/^ok/)
    gate.restore()
    await until(async () => (await query(gate!.url)).startsWith('ok'), 'Postgres through the gate again', 10_000)
  })
})
