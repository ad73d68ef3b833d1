// A message its author deleted for everyone is not found by its words, on a phone that indexed it while
// the chat was open and has not opened the chat since (its copy of the page still holds the words).
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { pageDoc } from '../../protocol/docs.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, phone, signInInUi, stockClient } from './helpers.ts'

const app = appHarness()

test('search does not find a message deleted for everyone while its chat was closed', async () => {
  const s = app.server
  const minji = await signUp(s, 'minji.sr', 'Minji')
  const junho = await signUp(s, 'junho.sr', 'Junho')
  const chat = (await api<Chat>(s, junho.token, 'POST', '/api/chats/direct', { userId: minji.user.id })).body
  const junhos = await stockClient(s.url, junho.token, pageDoc(chat.id, chat.page))
  const said = (body: string): ChatMessage => ({
    id: `m${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`,
    from: junho.user.id,
    ts: Date.now(),
    kind: 'text',
    body,
  })
  const oops = said('oops wrong chat: door code 4821')
  const kept = said('the door code changes tomorrow')
  junhos.doc.getArray<ChatMessage>('msgs').push([oops, kept])

  // Minji reads them, so her phone indexes them, then leaves the app
  const { page } = await phone(app.browser)
  await signInInUi(page, s.url, 'minji.sr')
  await page.locator('.chat-row', { hasText: 'Junho' }).click()
  await message(page, 'door code 4821').waitFor()
  await page.evaluate(() => (location.hash = '#/search'))
  const box = page.locator('.search-form input[type=search]')
  await box.fill('door code')
  await page.locator('.search__hit', { hasText: '4821' }).waitFor({ timeout: 10_000 })
  await page.evaluate(() => (location.hash = '#/chats'))
  await page.reload()
  await page.locator('.chat-row', { hasText: 'Junho' }).waitFor()

  // Junho deletes it for everyone, and the server has it
  junhos.doc.getMap('edits').set(oops.id, { retracted: true, ts: Date.now() })
  const fresh = await stockClient(s.url, minji.token, pageDoc(chat.id, chat.page))
  await expect.poll(() => fresh.doc.getMap('edits').has(oops.id), { timeout: 10_000 }).toBe(true)
  fresh.close()
  await page.evaluate(() => (location.hash = '#/search'))
  await page.locator('.search-form input[type=search]').fill('door code')
  // the other message with those words is found: the search ran
  await page.locator('.search__hit', { hasText: 'changes tomorrow' }).waitFor({ timeout: 10_000 })
  expect(await page.locator('.search__hit', { hasText: '4821' }).count()).toBe(0)
  // and it stays gone once the index has caught up
  await page.waitForTimeout(1_000)
  expect(await page.locator('.search__hit', { hasText: '4821' }).count()).toBe(0)
  junhos.close()
})
