// A phone has no mouse: what a finger last touched keeps the browser's :hover, so a hover background
// stayed on a tapped row or button as if it were still pressed. Hover looks are a mouse's only; a press
// shows on both.
import type { Browser } from 'playwright-core'
import { expect, test } from 'vitest'
import { appHarness, phone } from './helpers.ts'

const app = appHarness()

/** The Sign up button's background: at rest, with the pointer over it, and while pressed. */
async function looks(page: import('playwright-core').Page) {
  await page.goto(app.server.url)
  const button = page.locator('form button[type="submit"].btn--primary')
  await button.waitFor()
  const bg = () => button.evaluate((b) => getComputedStyle(b).backgroundColor)
  await page.mouse.move(0, 0)
  const rest = await bg()
  await button.hover()
  const hovered = await bg()
  await page.mouse.down()
  const pressed = await bg()
  await page.mouse.up()
  return { rest, hovered, pressed }
}

const desktop = async (browser: Browser) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
  return { context, page: await context.newPage() }
}

test('a phone keeps no hover look on what was touched; a mouse sees one; both see a press', async () => {
  const p = await phone(app.browser)
  const onPhone = await looks(p.page)
  expect(onPhone.hovered).toBe(onPhone.rest)
  expect(onPhone.pressed).not.toBe(onPhone.rest)
  await p.context.close()

  const d = await desktop(app.browser)
  const withMouse = await looks(d.page)
  expect(withMouse.hovered).not.toBe(withMouse.rest)
  expect(withMouse.pressed).not.toBe(withMouse.rest)
  await d.context.close()
})
