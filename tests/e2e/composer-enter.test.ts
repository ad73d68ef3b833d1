// The composer's Enter key as a messenger's users expect it: on a phone's on-screen keyboard it starts a
// new line (KakaoTalk's way; the Send button sends) and the key says so; with a desktop keyboard it sends,
// and Shift+Enter starts a new line.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { appHarness, friendsWithChat, message, signInInUi } from './helpers.ts'

const app = appHarness()

async function openChat(page: Page, id: string) {
  await page.evaluate((c) => (location.hash = `#/chat/${c}`), id)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
}

test('Enter starts a new line on a phone and sends at a desktop keyboard', async () => {
  const { chat } = await friendsWithChat(app.server, { handle: 'pia.enter', name: 'Pia' }, { handle: 'rex.enter', name: 'Rex' })

  const phone = await app.browser.newContext({
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 2,
    locale: 'en-US',
    isMobile: true,
    hasTouch: true,
  })
  const p = await phone.newPage()
  await signInInUi(p, app.server.url, 'pia.enter')
  await openChat(p, chat.id)
  const box = p.getByRole('textbox', { name: 'Message' })
  // the on-screen keyboard's key says what it does
  await expect(box.getAttribute('enterkeyhint')).resolves.toBe('enter')
  await box.fill('Shopping list:')
  await box.press('End')
  await box.press('Enter')
  await box.pressSequentially('milk')
  await expect(box.inputValue()).resolves.toBe('Shopping list:\nmilk')
  expect(await p.locator('#app .msg').count()).toBe(0)
  await p.getByRole('button', { name: 'Send', exact: true }).click()
  await message(p, 'milk').and(p.locator('[data-state="sent"]')).waitFor()
  await expect(message(p, 'milk').locator('.msg__text').textContent()).resolves.toBe('Shopping list:\nmilk')
  await phone.close()

  const desk = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
  const d = await desk.newPage()
  await signInInUi(d, app.server.url, 'pia.enter')
  await openChat(d, chat.id)
  const field = d.getByRole('textbox', { name: 'Message' })
  // reached with the keyboard, the box shows the blue focus ring the buttons show, not only a darker border
  const ring = (el: Element) => {
    const s = getComputedStyle(el)
    return `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`
  }
  await field.focus()
  await d.keyboard.press('Shift+Tab')
  expect(await d.getByRole('button', { name: 'Record a voice note' }).evaluate(ring)).toBe('solid 3px rgb(26, 115, 232)')
  await d.keyboard.press('Tab')
  await expect(field.evaluate((el) => el === document.activeElement)).resolves.toBe(true)
  expect(await field.evaluate(ring)).toBe('solid 3px rgb(26, 115, 232)')
  await field.fill('Two lines')
  await field.press('End')
  await field.press('Shift+Enter')
  await field.pressSequentially('here')
  await field.press('Enter')
  await message(d, 'here').and(d.locator('[data-state="sent"]')).waitFor()
  await expect(message(d, 'here').locator('.msg__text').textContent()).resolves.toBe('Two lines\nhere')
  await expect(field.inputValue()).resolves.toBe('')
  await desk.close()
})
