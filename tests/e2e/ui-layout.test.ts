// Layout that must hold whatever the content: "Latest messages" only when the latest message is out
// of view, Zalgo text (stacked combining marks) kept inside its bubble, and a tab bar whose tabs keep
// their widths from screen to screen in every language.
import { expect, test } from 'vitest'
import type { BrowserContext, Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { LOCALES } from '../../web/i18n/locales.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, phone, signInInUi, writeMessages } from './helpers.ts'

const app = appHarness()

const goTo = (page: Page, hash: string) =>
  page.evaluate((h) => {
    location.hash = h
  }, hash)

async function directChat(a: string, b: string): Promise<{ chat: Chat; other: { id: string; token: string } }> {
  const me = await signUp(app.server, a, a)
  const other = await signUp(app.server, b, 'Other')
  await api(app.server, me.token, 'POST', '/api/friends', { userId: other.user.id })
  const chat = (await api<Chat>(app.server, me.token, 'POST', '/api/chats/direct', { userId: other.user.id })).body
  return { chat, other: { id: other.user.id, token: other.token } }
}

const text = (id: string, from: string, body: string, ts = Date.now()) => ({ id, from, ts, kind: 'text' as const, body })

test('"Latest messages" shows only while the latest message is out of view', async () => {
  const { chat, other } = await directChat('uma.jump', 'vic.jump')
  await writeMessages(app.server.url, other.token, `c:${chat.id}:0`, [
    text('jump-short-1', other.id, 'The pelican landed'),
    text('jump-short-2', other.id, 'on the pier'),
    text('jump-short-3', other.id, 'and left again'),
  ])
  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'uma.jump')

  // a short chat opened at a search hit: everything fits, so there is nothing to jump to
  await goTo(page, '#/search')
  await page.locator('.search-form input[type=search]').fill('pelican')
  await page.locator('.search__hit mark', { hasText: 'pelican' }).first().waitFor({ timeout: 20_000 })
  await page.locator('.search__hit').first().click()
  await page.locator('.msg--highlight', { hasText: 'pelican' }).waitFor()
  await expect.poll(() => page.locator('.jump').count(), { timeout: 10_000 }).toBe(0)
  await page.screenshot({ path: '/tmp/ui/shots/jump-fits.png' })

  // a long one scrolled up: the button shows, and takes the reader down, where it goes away
  await writeMessages(
    app.server.url,
    other.token,
    `c:${chat.id}:0`,
    Array.from({ length: 40 }, (_, i) => text(`jump-long-${String(i).padStart(3, '0')}`, other.id, `line ${i}`)),
  )
  await message(page, 'line 39').waitFor()
  await page.locator('.room__list').evaluate((el) => el.scrollTo(0, 0))
  const jump = page.getByRole('button', { name: 'Latest messages', exact: true })
  await jump.waitFor()
  // what arrives meanwhile is counted on it
  await writeMessages(app.server.url, other.token, `c:${chat.id}:0`, [
    text('jump-new-1', other.id, 'are you there?'),
    text('jump-new-2', other.id, 'hello?'),
  ])
  const counted = page.getByRole('button', { name: 'Latest messages, 2 new' })
  await counted.waitFor()
  expect(await counted.locator('.jump__count').textContent()).toBe('2')
  await page.screenshot({ path: '/tmp/ui/shots/jump-scrolled-up.png' })
  await counted.click()
  await counted.waitFor({ state: 'detached' })
  await expect.poll(() => message(page, 'hello?').isVisible(), { timeout: 20_000 }).toBe(true)
  await context.close()
})

/**
 * Pixels of `rect` (CSS px of a 2x screenshot) that differ from the chat background: decoded in a
 * blank page of the same browser (no image library needed, and no page CSP in the way).
 */
async function marksIn(context: BrowserContext, png: Buffer, rect: { x: number; y: number; w: number; h: number }) {
  const blank = await context.newPage()
  try {
    return await blank.evaluate(
      async ({ src, r }) => {
        const img = new Image()
        img.src = src
        await img.decode()
        const canvas = document.createElement('canvas')
        canvas.width = img.width
        canvas.height = img.height
        const g = canvas.getContext('2d')!
        g.drawImage(img, 0, 0)
        const data = g.getImageData(r.x, r.y, r.w, r.h).data
        const bg = [0xb2, 0xc7, 0xd9]
        let n = 0
        for (let i = 0; i < data.length; i += 4)
          if (Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1]) + Math.abs(data[i + 2] - bg[2]) > 30) n++
        return n
      },
      { src: 'data:image/png;base64,' + png.toString('base64'), r: rect },
    )
  } finally {
    await blank.close()
  }
}

test('Zalgo text stays inside its bubble', async () => {
  const { chat, other } = await directChat('wes.zalgo', 'xia.zalgo')
  const marks = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(0x300 + (i % 0x6f))).join('')
  const zalgo = `Z${marks(60)}a${marks(60)}lgo`
  await writeMessages(app.server.url, other.token, `c:${chat.id}:0`, [
    text('zalgo-0001', other.id, 'above it'),
    text('zalgo-0002', other.id, zalgo),
    text('zalgo-0003', other.id, 'below it'),
  ])
  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'wes.zalgo')
  await goTo(page, `#/chat/${chat.id}`)
  await message(page, 'below it').waitFor()
  const box = async (hasText: string) => (await page.locator('.msg__bubble', { hasText }).boundingBox())!
  const [above, z, below] = [await box('above it'), await box('lgo'), await box('below it')]
  const png = await page.screenshot({ path: '/tmp/ui/shots/zalgo.png' })

  // the strips of chat background between the Zalgo bubble and its neighbours, as wide as it is
  const dpr = 2
  const x = Math.ceil(z.x * dpr)
  const w = Math.floor(z.width * dpr)
  const gapAbove = { x, y: Math.ceil((above.y + above.height) * dpr) + 1, w, h: 0 }
  gapAbove.h = Math.floor(z.y * dpr) - 1 - gapAbove.y
  const gapBelow = { x, y: Math.ceil((z.y + z.height) * dpr) + 1, w, h: 0 }
  gapBelow.h = Math.floor(below.y * dpr) - 1 - gapBelow.y
  expect(gapAbove.h).toBeGreaterThan(0)
  expect(gapBelow.h).toBeGreaterThan(0)
  expect(await marksIn(context, png, gapAbove)).toBe(0)
  expect(await marksIn(context, png, gapBelow)).toBe(0)
  await context.close()
})

test('the tab bar keeps its tab widths on every screen, in all twelve languages', async () => {
  await signUp(app.server, 'yan.tabs', 'Yan')
  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'yan.tabs')
  const problems: string[] = []
  for (const code of LOCALES) {
    await goTo(page, '#/settings')
    await page.locator('.language-picker__select').first().selectOption(code)
    await page.waitForFunction((lng) => document.documentElement.lang === lng, code)
    let first: number[] | null = null
    for (const screen of ['friends', 'chats', 'search', 'settings']) {
      await goTo(page, `#/${screen}`)
      await page.locator(`.tabbar__tab[aria-current="page"][href="#/${screen}"]`).waitFor()
      const tabs = await page.locator('.tabbar__tab').evaluateAll((els) =>
        els.map((el) => {
          const label = el.querySelector('.tabbar__label')!
          const range = document.createRange()
          range.selectNodeContents(label)
          return { width: el.getBoundingClientRect().width, text: range.getBoundingClientRect().width, room: label.clientWidth }
        }),
      )
      if (code === 'de') await page.screenshot({ path: `/tmp/ui/shots/tabs-de-${screen}.png` })
      const widths = tabs.map((t) => Math.round(t.width * 10) / 10)
      first ??= widths
      if (widths.join() !== first.join()) problems.push(`${code} ${screen}: ${widths.join(' ')} (friends: ${first.join(' ')})`)
      tabs.forEach((t, i) => {
        if (t.text > t.room + 0.5) problems.push(`${code} ${screen}: label ${i} cut off (${t.text} > ${t.room})`)
      })
    }
  }
  expect(problems).toEqual([])
  await context.close()
})
