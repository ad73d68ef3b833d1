// What fits a 360×640 phone, in real Chromium against the real server: a received landscape photo lies
// inside its bubble (beside the avatar, the other side's bubble is narrower than the photo's box); the
// "Forward to" sheet stays within the screen with a long chat title and a long unbroken word; a followed
// channel's row lines up its time and ⋯ with the chats' rows; a long header title stays on one line; and
// the empty message box is one line tall in Portuguese and Italian.
import { expect, test } from 'vitest'
import { mkdirSync } from 'node:fs'
import sharp from 'sharp'
import type { Locator, Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { CHANNEL_ROOTS, channelPageDoc, type Channel, type ChannelPost } from '../../protocol/channels.ts'
import { api, signUp } from '../fixtures/server.ts'
import { sendMedia, upload } from '../fixtures/media.ts'
import { appHarness, message, phone, signInInUi, stockClient, writeMessages } from './helpers.ts'

const app = appHarness()
const SHOTS = '/tmp/ui/shots'
const LONG_TITLE = 'Weekend hiking crew 🏔️ Bukhansan trip planning'
const LONG_WORD = 'Bukhansan'.repeat(8)

/** A landscape camera photo, 800×600. */
const landscapeJpeg = (): Promise<Buffer> =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 40, g: 140, b: 90 } } })
    .jpeg()
    .toBuffer()

async function boxOf(l: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const b = await l.boundingBox()
  if (!b) throw new Error('not on screen')
  return b
}

/** `inner` lies inside `outer` (half a pixel of rounding either way). */
function expectWithin(inner: { x: number; width: number }, outer: { x: number; width: number }): void {
  expect(inner.x).toBeGreaterThanOrEqual(outer.x - 0.5)
  expect(inner.x + inner.width).toBeLessThanOrEqual(outer.x + outer.width + 0.5)
}

const openChat = async (page: Page, convId: string): Promise<void> => {
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), convId)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
}

test('on a 360 px phone: a received photo, the forward sheet, channel rows, a long title and the message box fit', async () => {
  mkdirSync(SHOTS, { recursive: true })
  const ann = await signUp(app.server, 'ann.fit', 'Ann')
  const ben = await signUp(app.server, 'ben.fit', 'Ben')
  const cy = await signUp(app.server, 'cy.fit', 'Cy')
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: ben.user.id })
  const direct = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body
  await api<Chat>(app.server, ben.token, 'POST', '/api/chats/group', { title: LONG_TITLE, userIds: [ann.user.id, cy.user.id] })
  const ch = (
    await api<Channel>(app.server, ann.token, 'POST', '/api/channels', {
      handle: 'seoulbakery',
      name: 'Seoul Bakery 서울베이커리',
      category: 'food',
      langs: ['en'],
    })
  ).body
  await api(app.server, ben.token, 'POST', `/api/channels/${ch.id}/follow`)
  // a post, so that the channel's row has a time too (from its console, a stock Yjs client)
  const console_ = await stockClient(app.server.url, ann.token, channelPageDoc(ch.id, 0))
  const post: ChannelPost = {
    id: `fit1x${Date.now().toString(36)}`,
    from: ann.user.id,
    ts: Date.now(),
    kind: 'text',
    text: 'Fresh bread at 8',
  }
  console_.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([post])
  await new Promise((r) => setTimeout(r, 200))
  console_.close()
  // Ann writes a line with a long unbroken word, then sends a landscape photo
  await writeMessages(app.server.url, ann.token, `c:${direct.id}:0`, [
    { id: 'fit-ann-000001', from: ann.user.id, ts: Date.now(), kind: 'text', body: `See ${LONG_WORD} on the map` },
  ])
  await sendMedia(app.server, ann, direct.id, await upload(app.server, ann.token, direct.id, 'photo', await landscapeJpeg()))

  const { page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ben.fit')

  // the chat list: the channel's ⋯, and its time, where the chats' are
  const channelRow = page.locator('.channel-item')
  const chatRow = page.locator('.chat-item:not(.channel-item)').first()
  await channelRow.locator('.row__sub', { hasText: 'Fresh bread' }).waitFor({ timeout: 20_000 })
  await chatRow.waitFor()
  expect((await boxOf(channelRow.locator('.chat-item__more'))).x).toBe((await boxOf(chatRow.locator('.chat-item__more'))).x)
  const end = (b: { x: number; width: number }) => b.x + b.width
  expect(end(await boxOf(channelRow.locator('.row__time')))).toBe(end(await boxOf(chatRow.locator('.row__time'))))
  await page.screenshot({ path: `${SHOTS}/fit-chat-list.png` })

  // Ann's photo, received: all of it inside its bubble, its shape kept (4:3)
  await openChat(page, direct.id)
  const theirs = page.locator('.msg--theirs.msg--media')
  const img = theirs.locator('.media-photo__img.is-shown')
  await img.waitFor({ timeout: 20_000 })
  const bubble = await boxOf(theirs.locator('.msg__bubble'))
  const photo = await boxOf(img)
  expectWithin(photo, bubble)
  expect(photo.width / photo.height).toBeCloseTo(4 / 3, 1)
  await page.screenshot({ path: `${SHOTS}/fit-received-photo.png` })

  // forwarding the line with the long word: the sheet, its quote and its list of chats within the screen
  await message(page, 'on the map').locator('.msg__bubble').click()
  await page.getByRole('button', { name: 'Forward', exact: true }).click()
  const sheet = page.getByRole('dialog')
  const list = sheet.getByRole('list', { name: 'Forward to' })
  await list.getByRole('button', { name: LONG_TITLE }).waitFor()
  const screen = { x: 0, width: 360 }
  expectWithin(await boxOf(sheet), screen)
  expectWithin(await boxOf(list), screen)
  expectWithin(await boxOf(sheet.locator('.sheet__quote')), screen)
  // the long title is cut with "…", on one line
  const title = list.locator('.row__title', { hasText: 'Weekend' })
  expect(await title.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true)
  await sheet.evaluate((e) => Promise.all(e.getAnimations().map((a) => a.finished)))
  await page.screenshot({ path: `${SHOTS}/fit-forward-sheet.png` })
  await page.keyboard.press('Escape')

  // the channel's page: its header on one line
  await page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  await page.locator('.channel-card__name', { hasText: 'Seoul Bakery' }).waitFor()
  await page.screenshot({ path: `${SHOTS}/fit-channel-home.png` })

  // the message box in Portuguese and Italian: one line tall when empty
  for (const lng of ['pt', 'it']) {
    await page.evaluate(() => (location.hash = '#/settings'))
    await page.locator('.language-picker__select').first().selectOption(lng)
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe(lng)
    await page.evaluate((id) => (location.hash = `#/chat/${id}`), direct.id)
    const box = page.locator('#composer-text')
    await box.waitFor()
    expect((await boxOf(box)).height).toBeLessThanOrEqual(44)
    await page.screenshot({ path: `${SHOTS}/fit-composer-${lng}.png` })
  }

  // "Added me" in German: Hinzufügen, Ausblenden and Blockieren all on the screen (one goes below if need be)
  await page.evaluate(() => (location.hash = '#/settings'))
  await page.locator('.language-picker__select').first().selectOption('de')
  await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('de')
  await page.evaluate(() => (location.hash = '#/friends'))
  const request = page.getByRole('region', { name: /Haben mich hinzugefügt/ })
  for (const name of ['Hinzufügen', 'Ausblenden', 'Blockieren'])
    expectWithin(await boxOf(request.locator('button', { hasText: name })), { x: 0, width: 360 })
  await page.screenshot({ path: `${SHOTS}/fit-added-me-de.png` })
  await page.context().close()

  // Ann, the channel's admin, on its chats: the title ("Chats with …") on one line under the top
  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.fit')
  await a.page.evaluate((id) => (location.hash = `#/channel-chats/${id}`), ch.id)
  const heading = a.page.locator('#channel-chats-title', { hasText: 'Seoul Bakery' })
  await heading.waitFor()
  expect((await boxOf(heading)).height).toBeLessThan(40)
  expect(await heading.evaluate((e) => e.scrollWidth > e.clientWidth)).toBe(true)
  await a.page.screenshot({ path: `${SHOTS}/fit-channel-chats.png` })
  await a.context.close()
})
