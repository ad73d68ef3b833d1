// On a computer, a chat opens with the focus on its title (a screen reader says which chat it is), and
// typing right away goes into the message box, as in KakaoTalk's desktop app; Enter sends it.
import { expect, test } from 'vitest'
import { bodies, until } from '../fixtures/sync-client.ts'
import { appHarness, friendWrote, message, signInInUi } from './helpers.ts'

const app = appHarness()

test('typing as a chat opens writes into its message box, and Enter sends', async () => {
  const { theirPage } = await friendWrote(app.server, { handle: 'ann.keys', name: 'Ann' }, { handle: 'bo.keys', name: 'Bo' }, [
    'Lunch at noon?',
  ])
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
  const page = await context.newPage()
  await signInInUi(page, app.server.url, 'ann.keys')
  await page.locator('.chat-row', { hasText: 'Bo' }).click()
  await message(page, 'Lunch at noon?').waitFor()
  // the title has the focus
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('room-title')
  await page.keyboard.type('Sounds good')
  const box = page.getByRole('textbox', { name: 'Message' })
  await expect.poll(() => box.inputValue()).toBe('Sounds good')
  await page.keyboard.press('Enter')
  await until(() => bodies(theirPage).includes('Sounds good'), 'Bo gets it')
  theirPage.destroy()
  await context.close()
})
