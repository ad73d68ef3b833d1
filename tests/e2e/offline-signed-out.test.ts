// Signed out from another device ("sign out everywhere"): the sockets close with 4401, the app goes
// back to the welcome screen and forgets this account's local data (history and outbox).
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import { api, signIn } from '../fixtures/server.ts'
import { friendsWithChat, launch, network, openChat, PageClient, signInUi, untilShown, type Friends, type Network } from './offline-setup.ts'

let browser: Browser
let f: Friends
let net: Network

beforeAll(async () => {
  f = await friendsWithChat()
  net = await network(f.server.port)
  browser = await launch()
})

afterAll(async () => {
  await browser?.close()
  await net?.close()
  await f?.server.close()
})

test('signing out everywhere returns this device to the welcome screen and clears its data', async () => {
  const bob = new PageClient(f.server.url, f.bob, f.chat.id)
  await bob.synced()
  bob.send('a private message')
  const context = await browser.newContext()
  const page = await context.newPage()
  await signInUi(page, net.url, f.alice)
  await openChat(page, net.url, f.chat.id)
  await untilShown(page, (m) => m.some((x) => x.body === 'a private message'))
  const dbName = `sori-${f.alice.user.id}`
  const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))
  expect(await databases()).toContain(dbName)

  // another device of Alice's signs out everywhere
  const other = await signIn(f.server, f.alice.user.handle)
  expect((await api(f.server, other.token, 'POST', '/api/signout-all')).status).toBe(204)

  await page.locator('#welcome-form').waitFor({ timeout: 15_000 })
  await expect.poll(databases, { timeout: 10_000 }).not.toContain(dbName)
  expect(await page.evaluate(() => localStorage.getItem('sori:session'))).toBeNull()
  // and a reload does not bring the account back
  await page.reload()
  await page.locator('#welcome-form').waitFor()
  bob.destroy()
  await context.close()
})
