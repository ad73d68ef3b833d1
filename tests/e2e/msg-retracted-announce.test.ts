// A screen reader hears a new message from someone else through a hidden live region; a message its author
// deletes for everyone leaves that region too, so its words are nowhere on the page.
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { pageDoc } from '../../protocol/docs.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, phone, signInInUi, stockClient } from './helpers.ts'

const app = appHarness()

test('a message deleted for everyone is no longer in what the screen reader was told', async () => {
  const s = app.server
  const minji = await signUp(s, 'minji.ra', 'Minji')
  const junho = await signUp(s, 'junho.ra', 'Junho')
  const chat = (await api<Chat>(s, junho.token, 'POST', '/api/chats/direct', { userId: minji.user.id })).body
  const junhos = await stockClient(s.url, junho.token, pageDoc(chat.id, chat.page))
  const said = (body: string): ChatMessage => ({
    id: `m${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`,
    from: junho.user.id,
    ts: Date.now(),
    kind: 'text',
    body,
  })
  junhos.doc.getArray<ChatMessage>('msgs').push([said('hello')])

  const { page } = await phone(app.browser)
  await signInInUi(page, s.url, 'minji.ra')
  await page.locator('.chat-row', { hasText: 'Junho' }).click()
  await message(page, 'hello').waitFor()
  const live = page.locator('#app .visually-hidden[aria-live="polite"]')
  const oops = said('oops, wrong chat: the door code is 4821')
  junhos.doc.getArray<ChatMessage>('msgs').push([oops])
  await expect.poll(() => live.textContent(), { timeout: 10_000 }).toContain('4821')

  junhos.doc.getMap('edits').set(oops.id, { retracted: true, ts: Date.now() })
  await page.getByText('This message was deleted.').waitFor({ timeout: 10_000 })
  await expect.poll(() => page.locator('#app').textContent(), { timeout: 10_000 }).not.toContain('4821')
  junhos.close()
})
