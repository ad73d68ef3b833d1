// Deleting the account in the browser: the password is asked in the app's own sheet (a wrong one deletes
// nothing), the app returns to the welcome screen and the account no longer signs in; for the people it
// talked with, its messages stay, shown as from a deleted account, and its direct chat is read-only.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { pageDoc } from '../../protocol/docs.ts'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { appHarness, message, phone, signInInUi, tab, writeMessages } from './helpers.ts'

const app = appHarness()

/** exactly this text, also when the app renders it as a bidi isolate (U+2068 … U+2069) */
const exactly = (text: string) => new RegExp(`^\u2068?${text}\u2069?$`)
const chatRow = (page: Page, title: string) =>
  page.locator('.chat-row', { has: page.locator('.row__title', { hasText: exactly(title) }) })

test('delete my account: gone for me, its messages stay for the others as a deleted account', async () => {
  const [dee, ann, bob] = [
    await signUp(app.server, 'del_dee', 'Dee'),
    await signUp(app.server, 'del_ann', 'Ann'),
    await signUp(app.server, 'del_bob', 'Bob'),
  ]
  await api(app.server, dee.token, 'POST', '/api/friends', { userId: ann.user.id })
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: dee.user.id })
  const direct = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: dee.user.id })).body
  const group = (
    await api<Chat>(app.server, ann.token, 'POST', '/api/chats/group', { title: 'Hikers', userIds: [dee.user.id, bob.user.id] })
  ).body
  await writeMessages(app.server.url, dee.token, pageDoc(direct.id, 0), [
    { id: 'del-direct-0001', from: dee.user.id, ts: Date.now(), kind: 'text', body: 'Lunch tomorrow?' },
  ])
  await writeMessages(app.server.url, dee.token, pageDoc(group.id, 0), [
    { id: 'del-group-0001', from: dee.user.id, ts: Date.now(), kind: 'text', body: 'Trail opens at 7' },
  ])

  const d = await phone(app.browser)
  await signInInUi(d.page, app.server.url, 'del_dee')
  await tab(d.page, 'Settings').click()
  await d.page.getByRole('heading', { name: 'Settings' }).waitFor()
  await d.page.getByRole('button', { name: 'Delete my account' }).click()
  const sheet = d.page.getByRole('dialog')
  await sheet.getByText('This cannot be undone. Enter your password to delete your account.').waitFor()
  // a wrong password deletes nothing
  await sheet.getByLabel('Current password').fill('not my password')
  await sheet.getByRole('button', { name: 'Delete my account for good' }).click()
  await sheet.getByText('The current password is not right.').waitFor()
  expect((await api(app.server, dee.token, 'GET', '/api/me')).status).toBe(200)

  await sheet.getByLabel('Current password').fill(TEST_PASSWORD)
  await sheet.getByRole('button', { name: 'Delete my account for good' }).click()
  // back at the welcome screen, told what happened (not that another device signed it out), and the
  // account signs in no more
  await d.page.getByRole('status').getByText('Your account was deleted. Thank you for using Sori.').waitFor({ timeout: 20_000 })
  await expect(d.page.getByText(/signed out/).count()).resolves.toBe(0)
  await d.page.getByRole('tab', { name: 'Sign in' }).click()
  await d.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor({ timeout: 20_000 })
  await d.page.getByLabel('ID', { exact: true }).fill('del_dee')
  await d.page.getByLabel('Password').fill(TEST_PASSWORD)
  await d.page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await d.page.getByText('The ID or password is not right.').waitFor()
  await d.context.close()

  // Ann: the direct chat stays in her list, named as a deleted account, and it takes no more messages
  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'del_ann')
  await chatRow(a.page, 'Deleted account').click()
  await message(a.page, 'Lunch tomorrow?').waitFor()
  await a.page.getByText('This account was deleted. Messages can no longer be sent here.').waitFor()
  await expect(a.page.getByRole('textbox', { name: 'Message' }).isDisabled()).resolves.toBe(true)
  await expect(a.page.locator('#room-title').textContent()).resolves.toMatch(/Deleted account/)

  // the group: Dee's message keeps its place, its author shown as a deleted account, who left
  await a.page.getByRole('button', { name: 'Back' }).click()
  await chatRow(a.page, 'Hikers').click()
  const said = message(a.page, 'Trail opens at 7')
  await said.waitFor()
  await expect.poll(() => said.textContent(), { timeout: 20_000 }).toMatch(/Deleted account/)
  await a.page.locator('.sys-line', { hasText: /^\u2068?Deleted account\u2069? left$/ }).waitFor()
  await expect(a.page.getByRole('textbox', { name: 'Message' }).isDisabled()).resolves.toBe(false)
  await a.context.close()
})
