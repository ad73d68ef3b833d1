// Screenshots of the main screens at 360×640 for docs/screenshots/ (and the README). The test also
// checks that each screen shows what it is for, so a broken screen fails here rather than in a picture.
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import { startTestServer, type RunningServer } from '../fixtures/server.ts'
import { addFriendInUi, ensureBuilt, launch, message, openDirectInUi, phone, sendInUi, signUpInUi, tab } from './helpers.ts'

let server: RunningServer
let browser: Browser
const shot = (name: string) => ({ path: `docs/screenshots/${name}.png` })

beforeAll(async () => {
  ensureBuilt()
  server = await startTestServer('sqlite')
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

test('the main screens at 360×640', async () => {
  const a = await phone(browser)
  const b = await phone(browser)

  await a.page.goto(server.url)
  await a.page.getByRole('button', { name: 'Sign in' }).waitFor()
  await expect(a.page.getByLabel('Language').isVisible()).resolves.toBe(true)
  await a.page.screenshot(shot('welcome'))

  await signUpInUi(a.page, server.url, 'mina', 'Mina Park')
  await signUpInUi(b.page, server.url, 'jun.seo', '서준')
  await addFriendInUi(a.page, 'jun.seo')
  await addFriendInUi(b.page, 'mina')

  await openDirectInUi(a.page, '서준')
  await sendInUi(a.page, 'Hi Jun! Are we still on for lunch tomorrow?')
  await message(a.page, 'lunch tomorrow').waitFor()
  await openDirectInUi(b.page, 'Mina Park')
  await message(b.page, 'lunch tomorrow').waitFor()
  await sendInUi(b.page, '네, 좋아요! 12시에 만나요 🍜')
  await sendInUi(b.page, 'Donaudampfschifffahrtsgesellschaftskapitänsmütze — I found the word you asked about.')
  await message(a.page, 'Donaudampf').waitFor()
  await sendInUi(a.page, 'สวัสดีครับ ยินดีที่ได้รู้จักนะครับ')
  await message(a.page, 'สวัสดี').waitFor()
  await a.page.screenshot(shot('chat-room'))

  await a.page.getByRole('button', { name: 'Back' }).click()
  await tab(a.page, 'Chats').click()
  await a.page.getByRole('heading', { name: 'Chats' }).waitFor()
  await a.page.screenshot(shot('chats'))

  await tab(a.page, 'Friends').click()
  await a.page.locator('.row--button', { hasText: '서준' }).waitFor()
  await a.page.screenshot(shot('friends'))

  await tab(a.page, 'Settings').click()
  await a.page.getByText(/used of/).waitFor()
  await a.page.screenshot(shot('settings'))

  await a.context.close()
  await b.context.close()
})
