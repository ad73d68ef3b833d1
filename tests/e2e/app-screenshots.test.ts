// Screenshots of the main screens at 360×640, in the dark theme, and of a wide window (1280×800) for
// docs/screenshots/ (and the README). The test also checks that each screen shows what it is for, so a
// broken screen fails here rather than in a picture.
// The other side of the chat is a stock y-websocket client in Node (one browser keeps this test light).
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, openDirectInUi, phone, sendInUi, signInInUi, tab, writeMessages } from './helpers.ts'

const app = appHarness()
const shot = (name: string) => ({ path: `docs/screenshots/${name}.png` })

test('the main screens at 360×640', async () => {
  const mina = await signUp(app.server, 'mina', 'Mina Park')
  const jun = await signUp(app.server, 'jun.seo', '서준')
  const hana = await signUp(app.server, 'hana', 'Hana Müller-Lüdenscheidt')
  const tomas = await signUp(app.server, 'tomas', 'Tomás')
  for (const friend of [jun, tomas]) await api(app.server, mina.token, 'POST', '/api/friends', { userId: friend.user.id })
  await api(app.server, jun.token, 'POST', '/api/friends', { userId: mina.user.id })
  await api(app.server, hana.token, 'POST', '/api/friends', { userId: mina.user.id }) // shows under "Added me"
  await api(app.server, mina.token, 'PATCH', '/api/me', { status: 'Lunch at noon 🍜' })
  const group = (
    await api<Chat>(app.server, mina.token, 'POST', '/api/chats/group', {
      title: 'Weekend hiking',
      userIds: [jun.user.id, tomas.user.id],
    })
  ).body
  await writeMessages(app.server.url, tomas.token, `c:${group.id}:0`, [
    { id: 'shot-group-1', from: tomas.user.id, ts: Date.now() - 3_600_000, kind: 'text', body: 'Saturday 8am at the station?' },
  ])

  const { context, page } = await phone(app.browser)
  await page.goto(app.server.url)
  await page.getByRole('button', { name: 'Create account', exact: true }).waitFor()
  await expect(page.getByLabel('Language').isVisible()).resolves.toBe(true)
  await page.screenshot(shot('welcome'))

  await signInInUi(page, app.server.url, 'mina')
  await openDirectInUi(page, '서준')
  await sendInUi(page, 'Hi Jun! Are we still on for lunch tomorrow?')
  await page.locator('.msg[data-state="sent"]', { hasText: 'lunch tomorrow' }).waitFor()
  const chat = (await api<Chat>(app.server, mina.token, 'POST', '/api/chats/direct', { userId: jun.user.id })).body
  await writeMessages(app.server.url, jun.token, `c:${chat.id}:0`, [
    { id: 'shot-jun-0001', from: jun.user.id, ts: Date.now(), kind: 'text', body: '네, 좋아요! 12시에 만나요 🍜' },
    {
      id: 'shot-jun-0002',
      from: jun.user.id,
      ts: Date.now(),
      kind: 'text',
      body: 'Donaudampfschifffahrtsgesellschaftskapitänsmütze — the word you asked about.',
    },
  ])
  await message(page, 'Donaudampf').waitFor()
  await sendInUi(page, 'สวัสดีครับ ยินดีที่ได้รู้จักนะครับ')
  await page.locator('.msg[data-state="sent"]', { hasText: 'สวัสดี' }).waitFor()
  await page.screenshot(shot('chat-room'))

  await page.getByRole('button', { name: 'Back' }).click()
  await tab(page, 'Chats').click()
  await page.locator('.chat-row', { hasText: 'Weekend hiking' }).waitFor()
  await page.locator('.chat-row', { hasText: '서준' }).waitFor()
  await page.screenshot(shot('chats'))

  await tab(page, 'Friends').click()
  await page.getByRole('button', { name: 'Add Hana Müller-Lüdenscheidt back' }).waitFor()
  await page.locator('.row--button', { hasText: 'Tomás' }).waitFor()
  await page.screenshot(shot('friends'))

  await tab(page, 'Settings').click()
  await page.getByText(/used of/).waitFor()
  await page.screenshot(shot('settings'))
  await context.close()

  // the dark theme (the system's setting), on the same phone
  const dark = await app.browser.newContext({
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 2,
    locale: 'en-US',
    hasTouch: true,
    colorScheme: 'dark',
  })
  const darkPage = await dark.newPage()
  await signInInUi(darkPage, app.server.url, 'mina')
  await darkPage.locator('.chat-row', { hasText: 'Weekend hiking' }).waitFor()
  await darkPage.locator('.chat-row', { hasText: '서준' }).waitFor()
  await darkPage.screenshot(shot('dark-chats'))
  await darkPage.locator('.chat-row', { hasText: '서준' }).click()
  await message(darkPage, 'Donaudampf').waitFor()
  await darkPage.locator('.msg[data-state="sent"]', { hasText: 'สวัสดี' }).waitFor()
  await darkPage.screenshot(shot('dark-chat-room'))
  await dark.close()

  // a wide window: the chat list beside the open chat
  const wide = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
  const widePage = await wide.newPage()
  await signInInUi(widePage, app.server.url, 'mina')
  await widePage.locator('.chat-row', { hasText: '서준' }).click()
  await message(widePage, 'Donaudampf').waitFor()
  await widePage.locator('.chat-row', { hasText: 'Weekend hiking' }).waitFor()
  await widePage.screenshot(shot('wide'))
  await wide.close()
})
