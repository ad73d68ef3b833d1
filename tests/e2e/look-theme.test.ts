// The dark theme: it follows the system setting, a pick in Settings overrides it on this device (and
// survives a reload), the header stands apart from the chat's background, and text stays readable (WCAG AA)
// in both themes.
import { expect, test } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, signInInUi, tab, writeMessages } from './helpers.ts'
import { background, colours, contrast, luminance } from './look-colours.ts'

const app = appHarness()

async function phoneIn(browser: Browser, colorScheme: 'light' | 'dark') {
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 1,
    locale: 'en-US',
    hasTouch: true,
    colorScheme,
  })
  const page = await context.newPage()
  page.on('pageerror', (e) => console.error('[page error]', e.message))
  return { context, page }
}

const pageColours = (page: Page) => colours(page.locator('#chats-title'))

async function isDark(page: Page): Promise<boolean> {
  const { fg, bg } = await pageColours(page)
  return luminance(bg) < 0.05 && luminance(fg) > 0.6
}
async function isLight(page: Page): Promise<boolean> {
  const { fg, bg } = await pageColours(page)
  return luminance(bg) > 0.8 && luminance(fg) < 0.05
}

/** Body text, muted text, a bubble and the room's own text all meet WCAG AA (4.5:1) on what is behind them. */
async function expectReadable(page: Page, what: string): Promise<void> {
  for (const selector of [
    '.topbar__title',
    '.msg--theirs .msg__text',
    '.msg--mine .msg__text',
    '.msg__meta',
    '.composer textarea',
  ]) {
    const { fg, bg } = await colours(page.locator(selector))
    expect(contrast(fg, bg), `${selector} in ${what}`).toBeGreaterThanOrEqual(4.5)
  }
}

test('dark follows the system, the pick in Settings overrides it and survives a reload', async () => {
  const ivy = await signUp(app.server, 'ivy.dark', 'Ivy')
  const jo = await signUp(app.server, 'jo.dark', 'Jo')
  await api(app.server, ivy.token, 'POST', '/api/friends', { userId: jo.user.id })
  const chat = (await api<Chat>(app.server, ivy.token, 'POST', '/api/chats/direct', { userId: jo.user.id })).body
  await writeMessages(app.server.url, jo.token, `c:${chat.id}:0`, [
    { id: 'dark-jo-1', from: jo.user.id, ts: Date.now(), kind: 'text', body: 'Is it night already?' },
  ])

  const { context, page } = await phoneIn(app.browser, 'dark')
  await signInInUi(page, app.server.url, 'ivy.dark')
  await expect.poll(() => isDark(page), { timeout: 20_000 }).toBe(true)
  const row = page.locator('.chat-row', { hasText: 'Jo' })
  await expect(colours(row.locator('.row__sub')).then(({ fg, bg }) => contrast(fg, bg))).resolves.toBeGreaterThanOrEqual(4.5)

  // in a chat, the header does not melt into the chat's background
  await row.click()
  await message(page, 'night already').waitFor()
  await page.getByRole('textbox', { name: 'Message' }).fill('Almost')
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await page.locator('.msg[data-state="sent"]', { hasText: 'Almost' }).waitFor()
  await page.getByRole('textbox', { name: 'Message' }).fill('')
  const header = await background(page.locator('.topbar--room'))
  expect(header).not.toBe(await background(page.locator('.room')))
  await expectReadable(page, 'dark')
  await page.screenshot({ path: '/tmp/look/shots/theme-dark-room.png' })

  // Settings → Light: light although the system is dark, and still after a reload
  await page.getByRole('button', { name: 'Back' }).click()
  await tab(page, 'Settings').click()
  const light = page.getByRole('radio', { name: 'Light' })
  await expect(page.getByRole('radio', { name: 'System' }).isChecked()).resolves.toBe(true)
  await page.locator('.theme-picker').scrollIntoViewIfNeeded()
  await page.screenshot({ path: '/tmp/look/shots/theme-dark-settings.png' })
  await light.check()
  await tab(page, 'Chats').click()
  await expect.poll(() => isLight(page), { timeout: 20_000 }).toBe(true)
  await page.reload()
  await page.locator('#chats-title').waitFor()
  await expect.poll(() => isLight(page), { timeout: 20_000 }).toBe(true)
  await row.click()
  await message(page, 'night already').waitFor()
  expect(await background(page.locator('.topbar--room'))).not.toBe(await background(page.locator('.room')))
  await expectReadable(page, 'light')
  await page.screenshot({ path: '/tmp/look/shots/theme-light-room.png' })

  // back to System: dark again
  await page.getByRole('button', { name: 'Back' }).click()
  await tab(page, 'Settings').click()
  await expect(light.isChecked()).resolves.toBe(true)
  await page.getByRole('radio', { name: 'System' }).check()
  await tab(page, 'Chats').click()
  await expect.poll(() => isDark(page), { timeout: 20_000 }).toBe(true)
  await context.close()

  // a light system with Dark picked: dark, after a reload too
  const second = await phoneIn(app.browser, 'light')
  await signInInUi(second.page, app.server.url, 'ivy.dark')
  await expect.poll(() => isLight(second.page), { timeout: 20_000 }).toBe(true)
  await tab(second.page, 'Settings').click()
  await second.page.getByRole('radio', { name: 'Dark' }).check()
  await tab(second.page, 'Chats').click()
  await expect.poll(() => isDark(second.page), { timeout: 20_000 }).toBe(true)
  await second.page.reload()
  await second.page.locator('#chats-title').waitFor()
  await expect.poll(() => isDark(second.page), { timeout: 20_000 }).toBe(true)
  await second.context.close()
})

test('the welcome screen is dark and readable on a dark system', async () => {
  const { context, page } = await phoneIn(app.browser, 'dark')
  await page.goto(app.server.url)
  await page.getByRole('button', { name: 'Create account', exact: true }).waitFor()
  for (const selector of ['.welcome__title', '.welcome__tagline', '.field__label']) {
    const { fg, bg } = await colours(page.locator(selector))
    expect(luminance(bg), selector).toBeLessThan(0.05)
    expect(contrast(fg, bg), selector).toBeGreaterThanOrEqual(4.5)
  }
  await page.screenshot({ path: '/tmp/look/shots/theme-dark-welcome.png' })
  await context.close()
})
