// Search finds friends and chats by name (what someone looking for a person types first), above the
// messages that hold the words: accents and case aside, in any script; a friend opens their profile, a chat
// opens the chat, and a 1:1 chat is not listed twice next to its person.
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { pageDoc } from '../../protocol/docs.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, send } from '../fixtures/sync-client.ts'
import { appHarness, message, phone, signInInUi } from './helpers.ts'

const app = appHarness()

test('search finds friends by name or ID and chats by name, above the messages', async () => {
  const s = app.server
  const ann = await signUp(s, 'ann.names', 'Ann')
  const jonas = await signUp(s, 'jonas.search', 'Jonas Müller')
  const minji = await signUp(s, 'minji.search', '김민지')
  for (const u of [jonas, minji]) await api(s, ann.token, 'POST', '/api/friends', { userId: u.user.id })
  await api<Chat>(s, ann.token, 'POST', '/api/chats/direct', { userId: jonas.user.id })
  const hike = (
    await api<Chat>(s, ann.token, 'POST', '/api/chats/group', {
      title: 'Weekend hiking',
      userIds: [jonas.user.id, minji.user.id],
    })
  ).body
  const jonasPage = await connect(s, jonas.token, pageDoc(hike.id, 0))
  send(jonasPage, jonas.user.id, 'Who brings the map for the hiking trip?')

  const { context, page } = await phone(app.browser)
  await signInInUi(page, s.url, 'ann.names')
  await page.locator('.chat-row', { hasText: 'Weekend hiking' }).click()
  await message(page, 'Who brings the map').waitFor()
  await page.evaluate(() => (location.hash = '#/search'))
  const box = page.getByLabel('Search friends, chats and messages')
  const friendsFound = page.getByRole('region', { name: 'Friends' })
  const chatsFound = page.getByRole('region', { name: 'Chats' })

  // by name without its accent; the 1:1 chat with him is not listed again under Chats
  await box.fill('muller')
  await friendsFound.getByRole('button', { name: /Jonas Müller/ }).waitFor()
  expect(await chatsFound.count()).toBe(0)
  // by ID (typed as it is shown, with its @), and in Hangul
  await box.fill('@jonas.sea')
  await friendsFound.getByRole('button', { name: /Jonas Müller/ }).waitFor()
  await box.fill('민지')
  await friendsFound.getByRole('button', { name: /김민지/ }).waitFor()
  expect(await friendsFound.getByRole('button').count()).toBe(1)

  // a chat by its name, above the message that has the word; tapping it opens the chat
  await box.fill('HIKING')
  await chatsFound.getByRole('link', { name: /Weekend hiking/ }).waitFor()
  await page.locator('.search__hit', { hasText: 'Who brings the map' }).waitFor({ timeout: 10_000 })
  await chatsFound.getByRole('link', { name: /Weekend hiking/ }).click()
  await page.getByRole('heading', { name: /Weekend hiking/ }).waitFor()

  // a friend opens their profile, whose "1:1 chat" opens the chat with them
  await page.evaluate(() => (location.hash = '#/search'))
  await box.fill('Jonas')
  await friendsFound.getByRole('button', { name: /Jonas Müller/ }).click()
  await page.getByRole('dialog').getByRole('button', { name: '1:1 chat' }).click()
  await page.getByRole('heading', { name: /^Jonas Müller/ }).waitFor()

  // nothing anywhere: one sentence says so
  await page.evaluate(() => (location.hash = '#/search'))
  await box.fill('zebra')
  await page.getByText('Nothing found for “zebra”.').waitFor({ timeout: 10_000 })
  jonasPage.destroy()
  await context.close()
})
