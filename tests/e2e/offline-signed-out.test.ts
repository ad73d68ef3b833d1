// Signed out from another device ("sign out everywhere"): the sockets close with 4401, the app goes
// back to the welcome screen and forgets this account's local data (history, outbox, the channels it
// follows and the posts it saw), and says why.
import { expect, test } from 'vitest'
import { api, signIn } from '../fixtures/server.ts'
import { offlineHarness, openChat, PageClient, signInUi, untilShown } from './offline-setup.ts'

const env = offlineHarness()

test('signing out everywhere returns this device to the welcome screen and clears its data', async () => {
  const bob = new PageClient(env.f.server.url, env.f.bob, env.f.chat.id)
  await bob.synced()
  bob.send('a private message')
  const context = await env.browser.newContext()
  const page = await context.newPage()
  await signInUi(page, env.net.url, env.f.alice)
  await openChat(page, env.net.url, env.f.chat.id)
  await untilShown(page, (m) => m.some((x) => x.body === 'a private message'))
  const dbName = `sori-${env.f.alice.user.id}`
  const databases = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name))
  expect(await databases()).toContain(dbName)
  // what the app keeps under this account's id (its channels, the posts it saw), the session aside
  const kept = () =>
    page.evaluate((id) => Object.keys(localStorage).filter((k) => k !== 'sori:session' && k.includes(id)), env.f.alice.user.id)
  await expect.poll(kept, { timeout: 10_000 }).toContain(`sori.channels.${env.f.alice.user.id}`)

  // another device of Alice's signs out everywhere
  const other = await signIn(env.f.server, env.f.alice.user.handle)
  expect((await api(env.f.server, other.token, 'POST', '/api/signout-all')).status).toBe(204)

  await page.locator('#welcome-form').waitFor({ timeout: 15_000 })
  // the welcome screen says why, with the account's ID ready to sign in again
  await page.getByRole('status').getByText('This device was signed out, from another device or by a password change.').waitFor()
  expect(await page.getByLabel('ID', { exact: true }).inputValue()).toBe(env.f.alice.user.handle)
  await expect.poll(databases, { timeout: 10_000 }).not.toContain(dbName)
  expect(await page.evaluate(() => localStorage.getItem('sori:session'))).toBeNull()
  expect(await kept()).toEqual([])
  // and a reload does not bring the account back
  await page.reload()
  await page.locator('#welcome-form').waitFor()
  expect(await page.getByRole('status').count()).toBe(0)
  bob.destroy()
  await context.close()
})
