// Someone opening Sori for the first time is most likely here to make an account: the welcome screen opens
// on "Sign up" on a device nobody has signed in on, and on "Sign in" once someone has.
import { expect, test } from 'vitest'
import { appHarness, phone, signUpInUi, tab } from './helpers.ts'

const app = appHarness()

test('the welcome screen opens on "Sign up" on a new device and on "Sign in" on one that has been used', async () => {
  const { context, page } = await phone(app.browser)
  await page.goto(app.server.url)
  await page.getByRole('button', { name: 'Create account', exact: true }).waitFor()
  expect(await page.getByRole('tab', { name: 'Sign up' }).getAttribute('aria-selected')).toBe('true')
  expect(await page.getByLabel('Display name').count()).toBe(1)
  await page.reload()
  await page.getByRole('button', { name: 'Create account', exact: true }).waitFor()

  await signUpInUi(page, app.server.url, 'new.here', 'New Here')
  await tab(page, 'Settings').click()
  await page.getByRole('button', { name: 'Sign out of this device' }).click()
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
  expect(await page.getByRole('tab', { name: 'Sign in' }).getAttribute('aria-selected')).toBe('true')
  await page.reload()
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
  expect(await page.getByLabel('Display name').count()).toBe(0)
  await context.close()
})
