// Bidi controls in what people write cannot disguise it: `invoice_<RLO>fdp.exe` is an .exe file, and
// the screen must not show it as "invoice_exe.pdf". The app shows each user string as an isolate with
// embedding, override and isolate controls neutralised; what is stored and sent stays as written.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, phone, sendInUi, signInInUi, writeMessages } from './helpers.ts'
import { storedBodies } from './offline-setup.ts'

const app = appHarness()

const RLO = '\u202E'
const DISGUISED = `invoice_${RLO}fdp.exe`

/**
 * The characters of the element's text in the order they appear on screen, left to right (the page is
 * LTR): each character's box from a Range, zero-width characters (the controls) left out.
 */
const visualText = (page: Page, selector: string): Promise<string> =>
  page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const chars: { x: number; c: string }[] = []
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT)
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? ''
        for (let i = 0; i < text.length; i++) {
          const range = document.createRange()
          range.setStart(node, i)
          range.setEnd(node, i + 1)
          const box = range.getBoundingClientRect()
          if (box.width > 0) chars.push({ x: box.left, c: text[i] })
        }
      }
      return chars
        .sort((a, b) => a.x - b.x)
        .map((ch) => ch.c)
        .join('')
    })

test('a right-to-left override cannot turn invoice.exe into "invoice_exe.pdf"; the stored text is as sent', async () => {
  const mia = await signUp(app.server, 'mia.bidi', 'Mia')
  const leo = await signUp(app.server, 'leo.bidi', 'Leo')
  await api(app.server, mia.token, 'POST', '/api/friends', { userId: leo.user.id })
  const chat = (await api<Chat>(app.server, mia.token, 'POST', '/api/chats/direct', { userId: leo.user.id })).body
  await writeMessages(app.server.url, leo.token, `c:${chat.id}:0`, [
    { id: 'bidi-leo-0001', from: leo.user.id, ts: Date.now(), kind: 'text', body: DISGUISED },
  ])

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'mia.bidi')

  // the chat list's preview
  const row = page.locator('.chat-row', { hasText: 'Leo' })
  await row.locator('.row__sub', { hasText: 'invoice_' }).waitFor()
  const preview = await visualText(page, '.chat-row .row__sub')
  expect(preview).toContain('fdp.exe')
  expect(preview).not.toContain('exe.pdf')

  // the bubble in the chat room
  await row.click()
  const bubble = page.locator('.msg__text', { hasText: 'invoice_' })
  await bubble.waitFor()
  const shown = await visualText(page, '.msg__text')
  expect(shown).toBe('invoice_fdp.exe')
  await page.screenshot({ path: '/tmp/ui/shots/bidi-room.png' })

  // its quote in the message sheet
  await page.locator('.msg__bubble', { hasText: 'invoice_' }).click()
  await page.locator('.sheet__quote').waitFor()
  expect(await visualText(page, '.sheet__quote')).toBe('invoice_fdp.exe')
  await page.getByRole('button', { name: 'Close' }).click()

  // the same from my side: what I send is stored exactly as typed, and shows undisguised
  const mine = `photo_${RLO}gnp.js`
  await sendInUi(page, mine)
  await page.locator('.msg[data-state="sent"]', { hasText: 'photo_' }).waitFor()
  expect(await visualText(page, '.msg--mine .msg__text')).toBe('photo_gnp.js')
  const stored = await storedBodies(app.server.url, leo, chat.id)
  expect(stored).toEqual([DISGUISED, mine])

  await context.close()
})
