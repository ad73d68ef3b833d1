// The PWA on three nodes behind HAProxy, as a deployment of several nodes serves it: two people in two
// browsers sign up, add each other and chat through the balancer; the node that holds their chat is
// killed with SIGKILL, and they go on chatting without noticing more than a moment's reconnect, every
// message shown once.
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Redis } from 'ioredis'
import type { Browser } from 'playwright-core'
import { startCluster, type Cluster } from '../fixtures/cluster.ts'
import { backends } from '../fixtures/databases.ts'
import { testDist } from '../fixtures/server.ts'
import { Keys } from '../../server/cluster/keys.ts'
import { addFriendInUi, ensureBuilt, launch, message, openDirectInUi, phone, sendInUi, tab } from './helpers.ts'

describe.skipIf(!backends().includes('postgres'))('the app on several nodes (postgres)', () => {
  let cluster: Cluster | undefined
  let browser: Browser | undefined
  const keys = new Keys(`e2e${process.pid}:`)
  beforeAll(async () => {
    ensureBuilt()
    cluster = await startCluster({ nodes: 3, env: { SORI_STATIC: resolve(testDist()), SORI_REDIS_PREFIX: keys.prefix } })
    browser = await launch()
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await cluster?.stop()
  })

  /** The node that owns the one chat home in Redis (not an inbox). */
  async function chatOwner(c: Cluster): Promise<number> {
    const redis = new Redis(c.redis.url)
    try {
      const homes = (await redis.keys(`${keys.home('')}*`)).filter((k) => !k.startsWith(keys.home('u:')))
      expect(homes).toHaveLength(1)
      const owner = await redis.get(homes[0])
      const address = owner ? await redis.get(keys.node(owner)) : null
      const i = c.nodes.findIndex((n) => address === `127.0.0.1:${n.port}`)
      expect(i).toBeGreaterThanOrEqual(0)
      return i
    } finally {
      redis.disconnect()
    }
  }

  it('two people chat through the balancer, and on after the node holding their chat is killed', async () => {
    const c = cluster!
    const a = await phone(browser!)
    const b = await phone(browser!)
    const signUp = async (page: typeof a.page, handle: string, name: string) => {
      await page.goto(c.url)
      await page.getByRole('tab', { name: 'Sign up' }).click()
      await page.getByLabel('ID', { exact: true }).fill(handle)
      await page.getByLabel('Display name').fill(name)
      await page.getByLabel('Password').fill('correct horse 1')
      await page.getByRole('button', { name: 'Create account' }).click()
      await page.getByRole('heading', { name: 'Chats' }).waitFor()
    }
    await signUp(a.page, 'nodes_alice', 'Alice')
    await signUp(b.page, 'nodes_bora', 'Bora')
    await addFriendInUi(a.page, 'nodes_bora')
    await tab(b.page, 'Friends').click()
    await b.page.getByRole('button', { name: 'Add Alice back' }).click()
    await openDirectInUi(a.page, 'Bora')
    await openDirectInUi(b.page, 'Alice')

    await sendInUi(a.page, 'Hello from one node')
    await message(b.page, 'Hello from one node').waitFor()
    await sendInUi(b.page, 'And back from another')
    await message(a.page, 'And back from another').waitFor()
    await a.page.locator('.msg[data-state="sent"]', { hasText: 'Hello from one node' }).waitFor()

    await c.nodes[await chatOwner(c)].kill9()
    await sendInUi(a.page, 'Still here after the crash')
    await message(b.page, 'Still here after the crash').waitFor({ timeout: 30_000 })
    await a.page.locator('.msg[data-state="sent"]', { hasText: 'Still here after the crash' }).waitFor({ timeout: 30_000 })
    await sendInUi(b.page, 'Me too')
    await message(a.page, 'Me too').waitFor({ timeout: 30_000 })
    for (const page of [a.page, b.page])
      for (const text of ['Hello from one node', 'And back from another', 'Still here after the crash', 'Me too'])
        await expect(message(page, text).count()).resolves.toBe(1)
    await a.context.close()
    await b.context.close()
  })
})
