// The account part of Settings in the browser: changing the password (and signing in with the new
// one), the signed-in devices with signing out another one, and the data export as a JSON file.
import { readFile } from 'node:fs/promises'
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { Chat, DataExport } from '../../protocol/api.ts'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { appHarness, phone, sendInUi, signInInUi, tab } from './helpers.ts'

const app = appHarness()
const NEW_PASSWORD = 'battery staple 2'

async function openSettings(page: Page): Promise<void> {
  await tab(page, 'Settings').click()
  await page.getByRole('heading', { name: 'Settings' }).waitFor()
}

test('change the password, then sign in with the new one (and not the old)', async () => {
  await signUp(app.server, 'pw.change', 'Pia')
  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'pw.change')
  await openSettings(page)

  // a wrong current password is refused with its own message
  await page.getByLabel('Current password').fill('not my password')
  await page.getByLabel('New password').fill(NEW_PASSWORD)
  await page.getByRole('button', { name: 'Change password' }).click()
  await page.getByText('The current password is not right.').waitFor()

  await page.getByLabel('Current password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Change password' }).click()
  await page.getByText('Password changed. Your other devices were signed out.').waitFor()
  // this device stays signed in
  await page.getByRole('button', { name: 'Sign out of this device' }).click()
  await page.locator('#welcome-form').waitFor()
  // signing out oneself needs no explaining
  expect(await page.getByText('This device was signed out', { exact: false }).count()).toBe(0)

  // an empty form asks for what is missing, without asking the server
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByText('Enter your ID and password.').waitFor()
  await page.getByLabel('ID', { exact: true }).fill('pw.change')
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByText('The ID or password is not right.').waitFor()
  await page.getByLabel('Password').fill(NEW_PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('heading', { name: 'Chats' }).waitFor()
  await context.close()
})

test('see two signed-in devices and sign out the other one', async () => {
  await signUp(app.server, 'two.devices', 'Tae')
  const a = await phone(app.browser)
  const b = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'two.devices')
  await signInInUi(b.page, app.server.url, 'two.devices')
  await openSettings(a.page)

  const items = a.page.locator('.devices__item')
  await expect.poll(() => items.count(), { timeout: 20_000 }).toBe(3) // sign-up's session (the API's) and two browsers
  await expect(items.filter({ hasText: 'This device' }).count()).resolves.toBe(1)
  const others = items.filter({ hasNotText: 'This device' })
  // two browsers of one kind are both "Chrome · Linux": a screen reader hears which button is this device's
  const current = items.filter({ hasText: 'This device' }).getByRole('button')
  expect(await current.getAttribute('aria-label')).toMatch(/^Sign out: This device, \S/)
  expect(await a.page.getByRole('button', { name: /^Sign out: This device, / }).count()).toBe(1)
  expect(await others.getByRole('button', { name: /^Sign out: (?!This device)/ }).count()).toBe(2)

  // sign out every other device, one at a time, through the app's own question
  for (let left = 2; left > 0; left--) {
    await others.first().getByRole('button').click()
    const sheet = a.page.getByRole('dialog')
    await sheet.getByText(/Sign out of Sori on .*\? It will need the password to sign in again\./).waitFor()
    await sheet.getByRole('button', { name: 'Sign out' }).click()
    await sheet.waitFor({ state: 'detached' })
    await expect.poll(() => others.count(), { timeout: 20_000 }).toBe(left - 1)
  }
  // the other browser finds itself signed out, without doing anything
  await b.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor({ timeout: 20_000 })
  // this one still works
  await expect(items.filter({ hasText: 'This device' }).count()).resolves.toBe(1)
  await tab(a.page, 'Chats').click()
  await a.page.getByRole('heading', { name: 'Chats' }).waitFor()
  await a.context.close()
  await b.context.close()
})

test('export downloads a JSON file with the messages the user wrote', async () => {
  const eve = await signUp(app.server, 'eve.export', 'Eve')
  const finn = await signUp(app.server, 'finn.export', 'Finn')
  await api(app.server, eve.token, 'POST', '/api/friends', { userId: finn.user.id })
  const chat = (await api<Chat>(app.server, eve.token, 'POST', '/api/chats/direct', { userId: finn.user.id })).body

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'eve.export')
  await page.goto(`${app.server.url}/#/chat/${chat.id}`)
  await sendInUi(page, 'Exported words')
  await page.locator('.msg[data-state="sent"]', { hasText: 'Exported words' }).waitFor()
  await page.goto(`${app.server.url}/#/settings`)
  await page.getByRole('heading', { name: 'Settings' }).waitFor()

  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 20_000 }),
    page.getByRole('button', { name: 'Download my data (JSON)' }).click(),
  ])
  expect(download.suggestedFilename()).toMatch(/^sori-eve\.export-\d{4}-\d{2}-\d{2}\.json$/)
  const data = JSON.parse(await readFile((await download.path())!, 'utf8')) as DataExport
  expect(data.format).toBe('sori-export')
  expect(data.profile).toMatchObject({ handle: 'eve.export', name: 'Eve' })
  expect(data.friends.friends.map((p) => p.name)).toEqual(['Finn'])
  const exported = data.chats.find((c) => c.id === chat.id)
  expect(exported?.messages.map((m) => m.body)).toEqual(['Exported words'])
  await context.close()
})
