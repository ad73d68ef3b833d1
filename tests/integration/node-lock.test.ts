// One Postgres database serves either one node without Redis or any number of nodes that all have
// REDIS_URL (docs/scaling.md): a second node that would commit unfenced refuses to start, with a message
// that says what to do, and starts once the first has stopped.
import { afterAll, describe, expect, it } from 'vitest'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { startServerOn, type RunningServer } from '../fixtures/server.ts'

// a refused start gives up after half a second instead of ten
process.env.SORI_NODE_LOCK_WAIT_MS = '500'

describe.skipIf(!backends().includes('postgres'))('one database, one kind of node (postgres)', () => {
  const running: RunningServer[] = []
  afterAll(async () => {
    for (const s of running) await s.close()
  })
  const redis = (prefix: string) => ({ redisUrl: 'redis://127.0.0.1:6379', redisPrefix: `${prefix}${process.pid}:` })

  it('a node without Redis keeps the database to itself until it stops', async () => {
    const url = await freshDatabaseUrl('postgres')
    const alone = await startServerOn(url)
    await expect(startServerOn(url)).rejects.toThrow(/Another Sori node is using this Postgres database.*REDIS_URL/)
    await expect(startServerOn(url, redis('lk'))).rejects.toThrow(/A Sori node without REDIS_URL is using this Postgres database/)
    await alone.close()
    const next = await startServerOn(url)
    running.push(next)
    expect((await fetch(`${next.url}/api/health`)).status).toBe(200)
  })

  it('nodes with Redis share it, and keep out a node without', async () => {
    const url = await freshDatabaseUrl('postgres')
    const a = await startServerOn(url, redis('ls'))
    running.push(a)
    const b = await startServerOn(url, redis('ls'))
    running.push(b)
    for (const n of [a, b]) expect(await (await fetch(`${n.url}/api/health`)).json()).toMatchObject({ ok: true })
    await expect(startServerOn(url)).rejects.toThrow(/Another Sori node is using this Postgres database/)
  })
})
