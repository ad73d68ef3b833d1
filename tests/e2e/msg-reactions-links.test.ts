// What can be done with a message in the room: a reaction that the other side sees and that only its
// author takes back, links that open for http(s) addresses only (in a new tab that cannot reach back),
// and copying the text.
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, phone, signInInUi, writeMessages } from './helpers.ts'

const app = appHarness()

test('a reaction shows on the other side with its count; tapping my own chip takes it back', async () => {
  const mia = await signUp(app.server, 'mia.react', 'Mia')
  const leo = await signUp(app.server, 'leo.react', 'Leo')
  await api(app.server, mia.token, 'POST', '/api/friends', { userId: leo.user.id })
  const chat = (await api<Chat>(app.server, mia.token, 'POST', '/api/chats/direct', { userId: leo.user.id })).body
  await writeMessages(app.server.url, leo.token, `c:${chat.id}:0`, [
    { id: 'react-leo-0001', from: leo.user.id, ts: Date.now(), kind: 'text', body: 'Lunch at noon?' },
  ])

  const m = await phone(app.browser)
  const l = await phone(app.browser)
  await signInInUi(m.page, app.server.url, 'mia.react')
  await signInInUi(l.page, app.server.url, 'leo.react')
  await m.page.locator('.chat-row', { hasText: 'Leo' }).click()
  await l.page.locator('.chat-row', { hasText: 'Mia' }).click()

  // Mia reacts from the message sheet
  await m.page.locator('.msg__bubble', { hasText: 'Lunch at noon?' }).click()
  await m.page.getByRole('group', { name: 'Reactions' }).getByRole('button', { name: 'Love' }).click()
  const miaChip = message(m.page, 'Lunch at noon?').locator('.reacts__chip[data-reaction="love"]')
  await expect.poll(() => miaChip.getAttribute('aria-pressed'), { timeout: 20_000 }).toBe('true')

  // Leo sees it, not as his own, and adds his to it by tapping the chip
  const leoChip = message(l.page, 'Lunch at noon?').locator('.reacts__chip[data-reaction="love"]')
  await expect.poll(() => leoChip.getAttribute('aria-label'), { timeout: 20_000 }).toBe('Love 1')
  expect(await leoChip.getAttribute('aria-pressed')).toBe('false')
  await leoChip.click()
  await expect.poll(() => leoChip.getAttribute('aria-label'), { timeout: 20_000 }).toBe('Love 2')
  expect(await leoChip.getAttribute('aria-pressed')).toBe('true')
  await expect.poll(() => miaChip.getAttribute('aria-label'), { timeout: 20_000 }).toBe('Love 2')

  // Mia takes hers back; Leo's stays
  await miaChip.click()
  await expect.poll(() => leoChip.getAttribute('aria-label'), { timeout: 20_000 }).toBe('Love 1')
  expect(await leoChip.getAttribute('aria-pressed')).toBe('true')
  expect(await miaChip.getAttribute('aria-pressed')).toBe('false')

  // changing her mind: one reaction per person, the new one replaces the old
  await m.page.locator('.msg__bubble', { hasText: 'Lunch at noon?' }).click()
  await m.page.getByRole('group', { name: 'Reactions' }).getByRole('button', { name: 'Haha' }).click()
  await m.page.locator('.msg__bubble', { hasText: 'Lunch at noon?' }).click()
  await m.page.getByRole('group', { name: 'Reactions' }).getByRole('button', { name: 'Sad' }).click()
  const leoChips = message(l.page, 'Lunch at noon?').locator('.reacts__chip')
  await expect
    .poll(() => leoChips.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))), { timeout: 20_000 })
    .toEqual(['Love 1', 'Sad 1'])

  await m.context.close()
  await l.context.close()
})

test('http(s) addresses are links that open in a new tab without an opener; javascript: stays text; copy', async () => {
  const ada = await signUp(app.server, 'ada.links', 'Ada')
  const bo = await signUp(app.server, 'bo.links', 'Bo')
  await api(app.server, ada.token, 'POST', '/api/friends', { userId: bo.user.id })
  const chat = (await api<Chat>(app.server, ada.token, 'POST', '/api/chats/direct', { userId: bo.user.id })).body
  const target = `${app.server.url}/?from=link`
  const withLink = `Menu is at ${target}, see you`
  const script = 'javascript:alert(document.cookie) and data:text/html,<b>x</b> and ftp://files.example'
  await writeMessages(app.server.url, bo.token, `c:${chat.id}:0`, [
    { id: 'links-bo-00001', from: bo.user.id, ts: Date.now(), kind: 'text', body: withLink },
    { id: 'links-bo-00002', from: bo.user.id, ts: Date.now(), kind: 'text', body: script },
  ])

  const { context, page } = await phone(app.browser)
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.server.url })
  await signInInUi(page, app.server.url, 'ada.links')
  await page.locator('.chat-row', { hasText: 'Bo' }).click()
  await message(page, 'javascript:').waitFor()

  // the address alone is the link, without the sentence's comma
  const links = message(page, 'Menu is at').locator('a')
  expect(await links.count()).toBe(1)
  expect(await links.textContent()).toBe(target)
  expect(await links.getAttribute('href')).toBe(target)
  expect(await links.getAttribute('target')).toBe('_blank')
  expect(await links.getAttribute('rel')).toBe('noopener noreferrer')
  // nothing else becomes a link
  expect(await message(page, 'javascript:').locator('a').count()).toBe(0)
  expect(await page.locator('a[href^="javascript:"], a[href^="data:"], a[href^="ftp:"]').count()).toBe(0)

  // tapping the link opens it (and not the message sheet), in a tab that cannot reach this one
  const [opened] = await Promise.all([context.waitForEvent('page'), links.click()])
  await opened.waitForLoadState()
  expect(opened.url()).toBe(target)
  expect(await opened.evaluate(() => window.opener === null)).toBe(true)
  await opened.close()
  expect(await page.locator('.sheet__quote').count()).toBe(0)

  // tapping the javascript: text opens the message sheet, from which Copy puts the text on the clipboard
  await page.locator('.msg__bubble', { hasText: 'javascript:' }).click()
  await page.getByRole('button', { name: 'Copy' }).click()
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText()), { timeout: 10_000 }).toBe(script)
  expect(await page.evaluate(() => document.cookie)).toBe('')

  await context.close()
})
