// A chat with 10,000 messages: the message list is windowed (the DOM holds a bounded number of message
// nodes wherever the user is) and scrolling to the top loads older pages, down to the first message.
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { PAGE_SIZE } from '../../protocol/limits.ts'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { appHarness, phone, writeMessages } from './helpers.ts'

const PAGES = 10
const app = appHarness()

/** One page's messages, written in one transaction. */
function writePage(convId: string, page: number, token: string, userId: string, from: number, count: number): Promise<void> {
  const start = Date.UTC(2026, 0, 1) + from * 60_000
  const msgs: ChatMessage[] = []
  for (let i = 0; i < count; i++) {
    const n = from + i
    msgs.push({
      id: `seed-${String(n).padStart(6, '0')}`,
      from: userId,
      ts: start + i * 60_000,
      kind: 'text',
      body: `message ${n}`,
    })
  }
  return writeMessages(app.server.url, token, `c:${convId}:${page}`, msgs)
}

test('10,000 messages: bounded DOM, older pages load when scrolling up', async () => {
  const writer = await signUp(app.server, 'writer', 'Writer')
  const reader = await signUp(app.server, 'reader', 'Reader')
  const chat = (await api<Chat>(app.server, writer.token, 'POST', '/api/chats/direct', { userId: reader.user.id })).body

  // page by page, waiting until the server has rolled over to the next page before writing it
  for (let p = 0; p < PAGES; p++) {
    await writePage(chat.id, p, writer.token, writer.user.id, p * PAGE_SIZE, PAGE_SIZE)
    const deadline = Date.now() + 30_000
    for (;;) {
      const c = (await api<Chat>(app.server, writer.token, 'GET', `/api/chats/${chat.id}`)).body
      if (c.page > p || p === PAGES - 1) break
      if (Date.now() > deadline) throw new Error(`the server did not roll over page ${p}`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  const { context, page } = await phone(app.browser)
  await page.goto(app.server.url)
  await page.getByRole('tab', { name: 'Sign in' }).click()
  await page.getByLabel('ID', { exact: true }).fill('reader')
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.locator('.chat-row', { hasText: 'Writer' }).click()

  const last = `message ${PAGES * PAGE_SIZE - 1}`
  await page
    .locator('.msg__text', { hasText: last })
    .waitFor({ timeout: 60_000 })
    .catch(async (e) => {
      await page.screenshot({ path: '.tmp/long-chat-fail.png' })
      throw e
    })
  const atBottom = await page.locator('.msg').count()
  expect(atBottom).toBeGreaterThan(5)
  expect(atBottom).toBeLessThan(120)

  // scroll to the top again and again: each time older messages appear, and the DOM stays bounded.
  // Done when the first message is on screen at the top. (Seeing it in the DOM is not enough: when a page
  // arrives just as the list is at the top, the list keeps the row being read in place, as it should,
  // and the rows just rendered above it leave the window again; the user scrolls up once more.)
  const list = page.locator('.vlist')
  const first = page.locator('.msg__text', { hasText: /^message 0$/ })
  let oldestSeen = PAGES * PAGE_SIZE
  let atTop = false
  for (let round = 0; round < 400 && !atTop; round++) {
    await list.evaluate((el) => {
      el.scrollTop = 0
    })
    await page.waitForTimeout(150)
    const numbers = await page
      .locator('.msg__text')
      .evaluateAll((els) => els.map((e) => Number(e.textContent!.replace('message ', ''))))
    expect(numbers.length).toBeLessThan(120)
    oldestSeen = Math.min(oldestSeen, ...numbers)
    atTop = (await list.evaluate((el) => el.scrollTop)) === 0 && (await first.isVisible())
  }
  expect(oldestSeen).toBe(0)
  // the first message sits under the first date separator, at the very top of the list
  expect(atTop).toBe(true)
  await context.close()
})
