// A group made without a name goes by its members' names, in the chat list as in its room, and the list
// follows a member's new name.
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()

test("an untitled group is called by its members' names in the list and in its room", async () => {
  const ana = await signUp(app.server, 'ana.untitled', 'Ana')
  const ben = await signUp(app.server, 'ben.untitled', 'Ben')
  const cy = await signUp(app.server, 'cy.untitled', 'Cy')
  for (const u of [ben, cy]) await api(app.server, ana.token, 'POST', '/api/friends', { userId: u.user.id })
  const chat = (
    await api<Chat>(app.server, ana.token, 'POST', '/api/chats/group', { title: '', userIds: [ben.user.id, cy.user.id] })
  ).body

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ben.untitled')
  const row = page.locator('.chat-row', { hasText: /Ana and Cy|Cy and Ana/ })
  await row.waitFor()
  // how many are in it, beside the names (which do not say)
  expect(await row.locator('.row__count').textContent()).toBe('3')
  await row.click()
  await page.getByRole('heading', { level: 1, name: /Ana and Cy|Cy and Ana/ }).waitFor()
  // Cy takes another name: Ben's list follows
  expect((await api(app.server, cy.token, 'PATCH', '/api/me', { name: 'Cyrus' })).status).toBe(200)
  await page.getByRole('button', { name: 'Back' }).click()
  await page.locator('.chat-row', { hasText: /Ana and Cyrus|Cyrus and Ana/ }).waitFor()
  expect(chat.title).toBe('')
  await context.close()
})
