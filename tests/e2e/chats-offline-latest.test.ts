// A message written offline is the chat's latest on this phone at once: the chat list shows it, with the
// clock of a message waiting to be sent, not the last one the server knew of.
import { test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, phone, sendInUi, signInInUi } from './helpers.ts'

const app = appHarness()

test('the chat list shows the message written offline as the chat’s latest, waiting', async () => {
  const ann = await signUp(app.server, 'ann.offlist', 'Ann')
  const bo = await signUp(app.server, 'bo.offlist', 'Bo')
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: bo.user.id })
  const chat = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: bo.user.id })).body

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ann.offlist')
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await sendInUi(page, 'Sent while online')
  await page.locator('.msg[data-state="sent"]', { hasText: 'Sent while online' }).waitFor()

  await context.setOffline(true)
  await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ timeout: 20_000 })
  await sendInUi(page, 'Written on the train')
  await message(page, 'Written on the train').waitFor()
  await page.getByRole('button', { name: 'Back' }).click()
  const row = page.locator('.chat-row', { hasText: 'Bo' })
  await row.locator('.row__sub', { hasText: 'Written on the train' }).waitFor()
  await row.getByLabel('Messages waiting to be sent').waitFor()

  // online again: it goes, and the list says so
  await context.setOffline(false)
  await row.getByLabel('Messages waiting to be sent').waitFor({ state: 'detached', timeout: 30_000 })
  await row.locator('.row__sub', { hasText: 'Written on the train' }).waitFor()
  await context.close()
})
