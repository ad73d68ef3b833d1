// The media a phone keeps: what was seen stays readable offline; past the budget picked in Settings the
// least recently used goes (and is fetched again when seen again); Settings shows how much is kept and
// clears it; a file waiting to be sent is never part of it. And the chat list names a photo as one.
import { expect, test } from 'vitest'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { sendMedia, upload } from '../fixtures/media.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'
import { serviceWorkerControls } from './offline-setup.ts'

const app = appHarness()

/** A 1200×900 photo whose colours depend on `seed` (and whose bytes do). */
function jpeg(seed: number): Promise<Buffer> {
  const w = 1200
  const h = 900
  const px = Buffer.alloc(w * h * 3)
  let x = seed
  for (let i = 0; i < px.length; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    px[i] = (i % 3 === 0 ? seed : (i >> 9) & 255) ^ (x & 63)
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer()
}

/** Ann's photo, sent into the chat by a client of her own (the test's side of the chat) */
async function sendPhoto(who: { token: string; user: { id: string } }, convId: string, bytes: Buffer) {
  const blob = await upload(app.server, who.token, convId, 'photo', bytes)
  await sendMedia(app.server, who, convId, blob)
  return blob
}

/** the blob ids in this page's media cache */
const cached = (page: Page) =>
  page.evaluate(async () => (await (await caches.open('sori-media')).keys()).map((r) => r.url.split('/').pop()!).sort())

test('seen photos stay offline within the budget, least recently used go first, Settings clears them', async () => {
  const ann = await signUp(app.server, 'ann.cache', 'Ann')
  const ben = await signUp(app.server, 'ben.cache', 'Ben')
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: ben.user.id })
  const chat = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body
  const first = await sendPhoto(ann, chat.id, await jpeg(60))
  const second = await sendPhoto(ann, chat.id, await jpeg(160))

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ben.cache')
  await page.locator('a.chat-row', { hasText: 'Photo' }).waitFor()
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await expect.poll(() => page.locator('.media-photo__img.is-shown').count(), { timeout: 20_000 }).toBe(2)
  await expect.poll(() => cached(page), { timeout: 20_000 }).toEqual([first.id, second.id].sort())

  // offline, a reload still shows both
  await serviceWorkerControls(page)
  await context.setOffline(true)
  await page.reload()
  await expect.poll(() => page.locator('.media-photo__img.is-shown').count(), { timeout: 20_000 }).toBe(2)
  await context.setOffline(false)

  // a budget that holds one photo: the third one seen pushes out the least recently used
  const sizes = await page.evaluate(async () => {
    const c = await caches.open('sori-media')
    return Promise.all((await c.keys()).map(async (k) => (await (await c.match(k))!.blob()).size))
  })
  await page.evaluate((b) => localStorage.setItem('sori.mediaBudget', String(b)), Math.max(...sizes) * 1.5)
  const third = await sendPhoto(ann, chat.id, await jpeg(220))
  await expect.poll(() => page.locator('.media-photo__img.is-shown').count(), { timeout: 20_000 }).toBe(3)
  await expect.poll(() => cached(page), { timeout: 20_000 }).toEqual([third.id])

  // Settings: how much is kept, and clearing it
  await page.evaluate(() => (location.hash = '#/settings'))
  await page.getByText(/^Photos, videos and files: [1-9]/).waitFor()
  await page.getByRole('button', { name: 'Clear photos, videos and files' }).click()
  await page.getByRole('status').filter({ hasText: 'Cleared.' }).waitFor()
  await page.getByText(/^Photos, videos and files: 0\b/).waitFor()
  await expect(cached(page)).resolves.toEqual([])
  await context.close()
})

test('a file waiting to be sent is kept whatever the budget, and goes when the connection is back', async () => {
  const cy = await signUp(app.server, 'cy.cache', 'Cy')
  const di = await signUp(app.server, 'di.cache', 'Di')
  await api(app.server, cy.token, 'POST', '/api/friends', { userId: di.user.id })
  const chat = (await api<Chat>(app.server, cy.token, 'POST', '/api/chats/direct', { userId: di.user.id })).body
  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'cy.cache')
  await page.evaluate(() => localStorage.setItem('sori.mediaBudget', '1'))
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
  await serviceWorkerControls(page)
  await context.setOffline(true)
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Send a photo or file' }).click(),
  ])
  await chooser.setFiles([{ name: 'menu.jpg', mimeType: 'image/jpeg', buffer: await jpeg(90) }])
  await page.locator('#app .msg--out').waitFor()
  await page.reload()
  await page.locator('#app .msg--out').waitFor()
  await context.setOffline(false)
  await page.locator('#app .msg--out').waitFor({ state: 'detached' })
  await page.locator('.msg--mine .media-photo').waitFor()
  // the receiver's inbox names it as a photo, once
  const d = await phone(app.browser)
  await signInInUi(d.page, app.server.url, 'di.cache')
  await d.page.locator('a.chat-row', { hasText: 'Photo' }).waitFor()
  await d.page.locator('a.chat-row').click()
  await d.page.locator('.msg--theirs .media-photo__img.is-shown').waitFor()
  await expect(d.page.locator('.msg--theirs .media-photo').count()).resolves.toBe(1)
  await d.context.close()
  await context.close()
})
