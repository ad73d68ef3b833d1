// The address of a chat that does not exist, or of someone else's chat, opens one clear state with a
// way back, not an empty room that says "No messages yet. Say hello!" and "no longer a member" at once.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()

async function expectUnavailable(page: Page, shot: string): Promise<void> {
  await page.getByRole('heading', { name: "This chat isn't available" }).waitFor()
  await page.getByText('It may not exist, or you are not a member of it.').waitFor()
  await page.screenshot({ path: `/tmp/ui/shots/${shot}.png` })
  // one state: none of the room's own lines, and nothing to write into
  await expect(page.getByText('No messages yet. Say hello!').count()).resolves.toBe(0)
  await expect(page.getByText('You are no longer a member of this chat.').count()).resolves.toBe(0)
  await expect(page.getByRole('textbox', { name: 'Message' }).count()).resolves.toBe(0)
  await expect(page.getByRole('button', { name: 'Chat details' }).count()).resolves.toBe(0)
}

test('an unknown chat and a chat of others each show "This chat isn\'t available", with a way back', async () => {
  const [ida, jo, kai] = [
    await signUp(app.server, 'ida.gone', 'Ida'),
    await signUp(app.server, 'jo.gone', 'Jo'),
    await signUp(app.server, 'kai.gone', 'Kai'),
  ]
  await api(app.server, jo.token, 'POST', '/api/friends', { userId: kai.user.id })
  const theirs = (await api<Chat>(app.server, jo.token, 'POST', '/api/chats/direct', { userId: kai.user.id })).body
  void ida

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ida.gone')

  // a well-formed id nobody has
  await page.goto(`${app.server.url}/#/chat/zzzzzzzzzzzz`)
  await expectUnavailable(page, 'chat-unknown')
  await page.getByRole('link', { name: 'Go to chats' }).click()
  await page.getByRole('heading', { name: 'Chats' }).waitFor()

  // a chat that exists, between two other people
  await page.evaluate((id) => {
    location.hash = `#/chat/${id}`
  }, theirs.id)
  await expectUnavailable(page, 'chat-not-mine')
  await page.getByRole('button', { name: 'Back' }).click()
  await page.getByRole('heading', { name: 'Chats' }).waitFor()

  await context.close()
})

test('in another language the state is translated', async () => {
  await signUp(app.server, 'lea.gone', 'Lea')
  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'lea.gone')
  await page.evaluate(() => {
    location.hash = '#/settings'
  })
  await page.locator('.language-picker__select').first().selectOption('de')
  await page.getByRole('heading', { name: 'Einstellungen' }).waitFor()
  await page.evaluate(() => {
    location.hash = '#/chat/zzzzzzzzzzzz'
  })
  await page.getByRole('heading', { name: 'Dieser Chat ist nicht verfügbar' }).waitFor()
  await page.getByRole('link', { name: 'Zu den Chats' }).waitFor()
  await page.screenshot({ path: '/tmp/ui/shots/chat-unknown-de.png' })
  await context.close()
})
