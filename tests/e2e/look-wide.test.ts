// A wide window (1280×800) shows the chat list beside the open chat, or beside Settings or a new group;
// a phone keeps one screen at a time.
// The tab's title carries the unread total, and goes back to plain "Sori" once everything is read.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, phone, signInInUi, writeMessages } from './helpers.ts'

const app = appHarness()

const text = (id: string, from: string, body: string) => ({ id, from, ts: Date.now(), kind: 'text' as const, body })

async function box(page: Page, selector: string) {
  const b = await page.locator(selector).first().boundingBox()
  if (!b) throw new Error(`${selector} is not visible`)
  return b
}

test('at 1280×800 the list and the open chat are side by side; the title counts unread messages', async () => {
  const kai = await signUp(app.server, 'kai.wide', 'Kai')
  const lu = await signUp(app.server, 'lu.wide', 'Lu Wen')
  const mo = await signUp(app.server, 'mo.wide', 'Mo Ahmed')
  const chats: Record<string, Chat> = {}
  for (const [name, other] of [
    ['lu', lu],
    ['mo', mo],
  ] as const) {
    await api(app.server, kai.token, 'POST', '/api/friends', { userId: other.user.id })
    chats[name] = (await api<Chat>(app.server, kai.token, 'POST', '/api/chats/direct', { userId: other.user.id })).body
  }
  await writeMessages(app.server.url, lu.token, `c:${chats.lu.id}:0`, [
    text('wide-lu-1', lu.user.id, 'Tea at four?'),
    text('wide-lu-2', lu.user.id, 'The place by the river'),
  ])
  await writeMessages(app.server.url, mo.token, `c:${chats.mo.id}:0`, [text('wide-mo-1', mo.user.id, 'Parcel delivered')])

  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
  const page = await context.newPage()
  page.on('pageerror', (e) => console.error('[page error]', e.message))
  await signInInUi(page, app.server.url, 'kai.wide')
  await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('(3) Sori')

  // nothing open yet: the list on the left, an invitation to pick a chat on the right
  const luRow = page.locator('.chat-row', { hasText: 'Lu Wen' })
  const moRow = page.locator('.chat-row', { hasText: 'Mo Ahmed' })
  await page.getByText('Choose a chat to open it here.').waitFor()

  await luRow.click()
  await message(page, 'by the river').waitFor()
  await expect(page.getByRole('heading', { name: 'Lu Wen' }).isVisible()).resolves.toBe(true)
  await expect(moRow.isVisible()).resolves.toBe(true) // the list stays
  // the open chat's row is marked, for the eye and for a screen reader
  const rowBg = (title: string) =>
    page.locator('.chat-item', { hasText: title }).evaluate((e) => getComputedStyle(e).backgroundColor)
  await expect(luRow.getAttribute('aria-current')).resolves.toBe('page')
  await expect(moRow.getAttribute('aria-current')).resolves.toBe(null)
  expect(await rowBg('Lu Wen')).not.toBe(await rowBg('Mo Ahmed'))
  await expect(page.getByRole('navigation').isVisible()).resolves.toBe(true)
  const list = await box(page, '.shell__side')
  const room = await box(page, '.room')
  expect(list.x + list.width).toBeLessThanOrEqual(room.x + 1)
  expect(room.width).toBeGreaterThan(list.width)
  await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('(1) Sori')
  await page.screenshot({ path: '/tmp/look/shots/wide-lu.png' })

  // another chat swaps the right pane only
  await moRow.click()
  await message(page, 'Parcel delivered').waitFor()
  await expect(page.getByRole('heading', { name: 'Mo Ahmed' }).isVisible()).resolves.toBe(true)
  await expect(message(page, 'by the river').count()).resolves.toBe(0)
  await expect(luRow.isVisible()).resolves.toBe(true)
  await expect(moRow.getAttribute('aria-current')).resolves.toBe('page')
  await expect(luRow.getAttribute('aria-current')).resolves.toBe(null)
  await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('Sori')

  // a sheet is a dialog in the middle of a wide window, not hanging off its bottom edge
  await page.getByRole('button', { name: 'Chat details' }).click()
  const viewport = page.viewportSize()!
  // the space above and below it, once it has slid in
  const margins = async () => {
    const d = await box(page, 'dialog.sheet[open]')
    return [d.y, viewport.height - (d.y + d.height)]
  }
  await expect
    .poll(async () => {
      const [above, below] = await margins()
      return above > 20 && below > 20 && Math.abs(above - below) < 4
    })
    .toBe(true)
  await page.screenshot({ path: '/tmp/look/shots/wide-details.png' })
  await page.keyboard.press('Escape')
  await page.locator('dialog.sheet').waitFor({ state: 'detached' })

  // a new message while another chat is open counts again
  await writeMessages(app.server.url, lu.token, `c:${chats.lu.id}:0`, [text('wide-lu-3', lu.user.id, 'Or five')])
  await expect.poll(() => page.title(), { timeout: 20_000 }).toBe('(1) Sori')

  // Settings, a channel's directory, a new group: each opens beside the list, which stays
  await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click()
  await page.locator('.shell__main').getByRole('heading', { name: 'Settings' }).waitFor()
  await expect(luRow.isVisible()).resolves.toBe(true)
  await page.screenshot({ path: '/tmp/look/shots/wide-settings.png' })
  await page.evaluate(() => (location.hash = '#/new-group'))
  await page.locator('.shell__main').getByRole('heading', { name: 'New group' }).waitFor()
  await expect(luRow.isVisible()).resolves.toBe(true)
  // the Friends tab puts its list on the left
  await page.getByRole('navigation').getByRole('link', { name: 'Friends' }).click()
  await page.locator('.shell__side').getByRole('heading', { name: 'Friends', exact: true }).waitFor()
  await page.getByText('Choose a chat to open it here.').waitFor()
  // the tab that is lit is the list's on the left, whatever opened beside it: a chat from Friends, channels
  const tab = (name: string) => page.getByRole('navigation').getByRole('link', { name }).getAttribute('aria-current')
  await expect(tab('Friends')).resolves.toBe('page')
  await page.evaluate(() => (location.hash = '#/channels'))
  await page.locator('.shell__main').getByRole('heading', { name: 'Channels' }).waitFor()
  await expect(tab('Friends')).resolves.toBe('page')
  await expect(tab('Chats')).resolves.toBe(null)
  await page.getByRole('navigation').getByRole('link', { name: 'Settings' }).click()
  await page.locator('.shell__main').getByRole('heading', { name: 'Settings' }).waitFor()
  await expect(tab('Settings')).resolves.toBe('page')
  await expect(tab('Friends')).resolves.toBe(null)
  await context.close()

  // a phone keeps one screen at a time: the chat covers the list and the tab bar
  const phoneApp = await phone(app.browser)
  await signInInUi(phoneApp.page, app.server.url, 'kai.wide')
  await expect(phoneApp.page.getByText('Choose a chat to open it here.').count()).resolves.toBe(0)
  await phoneApp.page.locator('.chat-row', { hasText: 'Lu Wen' }).click()
  await message(phoneApp.page, 'Or five').waitFor()
  await expect(phoneApp.page.locator('.chat-row').count()).resolves.toBe(0)
  await expect(phoneApp.page.getByRole('navigation').count()).resolves.toBe(0)
  await expect.poll(() => phoneApp.page.title(), { timeout: 20_000 }).toBe('Sori')
  await phoneApp.context.close()
})
