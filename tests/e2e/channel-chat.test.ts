// A user writes to a channel in real Chromium: "Chat" on the channel's home opens their chat with it; an
// admin finds the question under the channel's "Chats" with the user's name, answers, and the user sees
// the answer as the channel's (its name), never the admin's own name. The admin also has the chat in her own
// chat list, under the user's name and the channel's; once the user blocks the channel it leaves that list,
// and the user's room says why she cannot write.
import { expect, test } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import type { Channel } from '../../protocol/channels.ts'
import { appHarness, message, phone, sendInUi, signInInUi } from './helpers.ts'

const app = appHarness()

test('a user asks a channel in its chat; an admin answers as the channel', async () => {
  const admin = await signUp(app.server, 'ann.cafe', 'Ann Admin')
  await signUp(app.server, 'uma.guest', 'Uma Guest')
  const ch = (
    await api<Channel>(app.server, admin.token, 'POST', '/api/channels', {
      handle: 'cornercafe',
      name: 'Corner Café',
      category: 'food',
      langs: ['en'],
    })
  ).body
  const a = await phone(app.browser)
  const u = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.cafe')
  await signInInUi(u.page, app.server.url, 'uma.guest')

  // Uma opens the channel's home and taps Chat: her chat with the channel, titled with its name
  await u.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  await u.page.getByRole('button', { name: 'Chat', exact: true }).click()
  await u.page.locator('#room-title', { hasText: 'Corner Café' }).waitFor()
  await u.page.getByText(/Only the admins of \W?Corner Café\W? read this chat/).waitFor()
  await sendInUi(u.page, 'Do you have a table for four at 7?')
  await u.page.locator('.msg[data-state="sent"]', { hasText: 'Do you have a table for four at 7?' }).waitFor({ timeout: 20_000 })

  // Ann's own chat list has it too: Uma's name, which channel she wrote to, one unread
  await a.page.evaluate(() => (location.hash = '#/chats'))
  const mine = a.page.locator('.chat-row', { hasText: 'Uma Guest' })
  await mine.getByText('Do you have a table for four at 7?').waitFor({ timeout: 20_000 })
  expect(await mine.locator('.row__tag').textContent()).toMatch(/via \W?Corner Café/)
  expect(await mine.locator('.badge').textContent()).toBe('1')

  // Ann opens the channel's Chats: Uma's question, with her name and one unread
  await a.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  await a.page.getByRole('button', { name: 'Chats', exact: true }).click()
  const row = a.page.locator('.chat-row', { hasText: 'Uma Guest' })
  await row.getByText('Do you have a table for four at 7?').waitFor({ timeout: 20_000 })
  expect(await row.locator('.badge').textContent()).toBe('1')
  await row.click()
  // in the room the admin sees the user's name; what she writes is hers
  await a.page.locator('#room-title', { hasText: 'Uma Guest' }).waitFor()
  await message(a.page, 'Do you have a table for four at 7?').waitFor()
  await a.page.getByText(/You answer as \W?Corner Café/).waitFor()
  await sendInUi(a.page, 'Yes, see you at 7!')
  await a.page.locator('.msg--mine', { hasText: 'Yes, see you at 7!' }).waitFor()

  // Uma sees the answer as the channel's: its name on it, not Ann's
  const answer = message(u.page, 'Yes, see you at 7!')
  await answer.waitFor({ timeout: 20_000 })
  expect(await answer.getAttribute('class')).toContain('msg--theirs')
  expect(await answer.locator('.msg__name').textContent()).toContain('Corner Café')
  expect(await u.page.locator('.room').textContent()).not.toContain('Ann Admin')

  // back in the channel's Chats, the question is read: for every admin, as the channel
  await a.page.getByRole('button', { name: 'Back' }).click()
  await a.page.locator('.chat-row', { hasText: 'Uma Guest' }).getByText('Yes, see you at 7!').waitFor({ timeout: 20_000 })
  expect(await a.page.locator('.chat-row', { hasText: 'Uma Guest' }).locator('.badge').count()).toBe(0)

  // in her chat list the chat shows as the channel, with the answer
  await u.page.evaluate(() => (location.hash = '#/chats'))
  const entry = u.page.locator('.chat-row', { hasText: 'Corner Café' })
  await entry.getByText('Yes, see you at 7!').waitFor({ timeout: 20_000 })
  expect(await u.page.locator('.chat-row', { hasText: 'Ann Admin' }).count()).toBe(0)
  // marked as her chat with it, apart from the channel's row of posts (marked "Channel")
  expect(await entry.locator('.row__tag').allTextContents()).toEqual(['1:1 chat'])
  // and in Ann's, read
  await a.page.evaluate(() => (location.hash = '#/chats'))
  await mine.getByText('Yes, see you at 7!').waitFor({ timeout: 20_000 })
  expect(await mine.locator('.badge').count()).toBe(0)

  // Uma blocks the channel: her chat says why she cannot write, and it leaves Ann's list
  await u.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  await u.page.getByRole('button', { name: 'Block', exact: true }).click()
  await u.page.getByRole('button', { name: 'Unblock', exact: true }).waitFor()
  await u.page.evaluate(() => (location.hash = '#/chats'))
  await entry.click()
  await u.page.getByText(/You blocked \W?Corner Café\W?, so you can’t write here/).waitFor()
  expect(await u.page.locator('#composer-text').isDisabled()).toBe(true)
  await mine.waitFor({ state: 'detached', timeout: 20_000 })
  await a.context.close()
  await u.context.close()
})
