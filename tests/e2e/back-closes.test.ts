// The phone's Back closes what lies over the chat (a message's sheet, the photo viewer), as in a native app,
// instead of leaving the chat under it; a sheet closed by its own button leaves no Back press behind.
import { expect, test } from 'vitest'
import sharp from 'sharp'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { sendMedia, upload } from '../fixtures/media.ts'
import { appHarness, message, phone, signInInUi, writeMessages } from './helpers.ts'

const app = appHarness()

test("Back closes a message's sheet and the photo viewer, and then leaves the chat", async () => {
  const ana = await signUp(app.server, 'ana.back', 'Ana')
  const ben = await signUp(app.server, 'ben.back', 'Ben')
  const chat = (await api<Chat>(app.server, ben.token, 'POST', '/api/chats/direct', { userId: ana.user.id })).body
  const photo = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#3a7' } })
    .jpeg()
    .toBuffer()
  await sendMedia(app.server, ben, chat.id, await upload(app.server, ben.token, chat.id, 'photo', photo))
  await writeMessages(app.server.url, ben.token, `c:${chat.id}:0`, [
    { id: 'back-ben-000001', from: ben.user.id, ts: Date.now(), kind: 'text', body: 'Look at this' },
  ])

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ana.back')
  await page.locator('.chat-row', { hasText: 'Ben' }).click()
  await message(page, 'Look at this').waitFor()
  const inChat = () => expect(page.evaluate(() => location.hash)).resolves.toBe(`#/chat/${chat.id}`)

  // a message's sheet
  await page.locator('.msg__bubble', { hasText: 'Look at this' }).click()
  const sheet = page.getByRole('dialog')
  await sheet.getByRole('button', { name: 'Forward', exact: true }).waitFor()
  await page.goBack()
  await sheet.waitFor({ state: 'detached' })
  await inChat()
  await message(page, 'Look at this').waitFor()

  // the photo viewer
  await page.getByRole('button', { name: 'View photo' }).click()
  const viewer = page.getByRole('dialog', { name: 'Photo' })
  await viewer.waitFor()
  await page.goBack()
  await viewer.waitFor({ state: 'detached' })
  await inChat()

  // a sheet closed by its button takes its history entry with it: the next Back leaves the chat
  await page.locator('.msg__bubble', { hasText: 'Look at this' }).click()
  await sheet.getByRole('button', { name: 'Close' }).click()
  await sheet.waitFor({ state: 'detached' })
  await inChat()
  await page.goBack()
  await page.locator('.chat-row', { hasText: 'Ben' }).waitFor()
  expect(await page.evaluate(() => location.hash)).not.toContain('/chat/')
  await context.close()
})
