// Offline, a list this device never loaded is not an empty list: Friends and New group say that the
// friends will load when the device is online (instead of "No friends yet" / "Add friends first"),
// and load them when it is. A list that loaded and is empty still says so.
import { expect, test } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { serviceWorkerControls } from './offline-setup.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()

const goTo = (page: import('playwright-core').Page, hash: string) =>
  page.evaluate((h) => {
    location.hash = h
  }, hash)

test('a friends list never loaded on this device says it will load when online, then loads', async () => {
  const zoe = await signUp(app.server, 'zoe.offline', 'Zoe')
  const amy = await signUp(app.server, 'amy.offline', 'Amy')
  await api(app.server, zoe.token, 'POST', '/api/friends', { userId: amy.user.id })

  const { context, page } = await phone(app.browser)
  // the app fetches the friends list once its first screen is up: that fetch fails here (a flaky
  // network), so that this device has never loaded the list when it goes offline
  await context.route('**/api/friends', (route) => route.abort())
  await signInInUi(page, app.server.url, 'zoe.offline')
  // the app's chunks come from the service worker's cache once it controls the page
  await serviceWorkerControls(page)
  await context.setOffline(true)
  await context.unroute('**/api/friends')

  await goTo(page, '#/friends')
  await page.getByText('Your friends list will load when you are online.').waitFor()
  await page.screenshot({ path: '/tmp/ui/shots/friends-offline-unloaded.png' })
  await expect(page.getByText('No friends yet').count()).resolves.toBe(0)

  await goTo(page, '#/new-group')
  await page.getByText('Your friends will show here when you are online.').waitFor()
  await page.screenshot({ path: '/tmp/ui/shots/newgroup-offline-unloaded.png' })
  await expect(page.getByText('Add friends first').count()).resolves.toBe(0)

  // back online, the picker loads the friends without anything else being done
  await context.setOffline(false)
  await page.getByRole('checkbox', { name: /Amy/ }).waitFor()
  await goTo(page, '#/friends')
  await page.locator('.row--button', { hasText: 'Amy' }).waitFor()
  await context.close()
})

test('a friends list that loaded empty still says "No friends yet", offline too', async () => {
  await signUp(app.server, 'bea.offline', 'Bea')
  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'bea.offline')
  await serviceWorkerControls(page)
  await goTo(page, '#/friends')
  await page.getByText('No friends yet. Find them by their ID above.').waitFor()
  await context.setOffline(true)
  await page.reload()
  await goTo(page, '#/friends')
  await page.getByText('No friends yet. Find them by their ID above.').waitFor()
  await expect(page.getByText('Your friends list will load when you are online.').count()).resolves.toBe(0)
  await context.close()
})
