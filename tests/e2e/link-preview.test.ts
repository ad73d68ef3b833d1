// A message with a web address shows a preview card of the page (its title, site and picture, all from
// Sori's server) that opens the page in a new tab without an opener; with Link previews turned off in
// Settings, a message with an address shows no card and the app asks nothing of the server.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, phone, signInInUi, tab, writeMessages } from './helpers.ts'

// the page served below is on 127.0.0.1: this file's server may fetch private addresses (read at its start)
process.env.SORI_PREVIEW_PRIVATE = '1'
const app = appHarness()

let site: Server
let origin = ''
const hits = new Map<string, number>()

beforeAll(async () => {
  const photo = await sharp({ create: { width: 800, height: 400, channels: 3, background: '#228844' } })
    .jpeg()
    .toBuffer()
  site = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    hits.set(path, (hits.get(path) ?? 0) + 1)
    if (path === '/photo.jpg') {
      res.writeHead(200, { 'Content-Type': 'image/jpeg' })
      res.end(photo)
      return
    }
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    res.end(`<!doctype html><html><head><title>x</title>
<meta property="og:title" content="Night trains of Korea ${path.slice(1)}">
<meta property="og:description" content="Where to sleep between Seoul and Busan.">
<meta property="og:site_name" content="Rail Notes">
<meta property="og:image" content="/photo.jpg">
</head><body></body></html>`)
  })
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`
})
afterAll(
  () =>
    new Promise<void>((resolve) => {
      site.closeAllConnections()
      site.close(() => resolve())
    }),
)

test('a message with a web address shows the page card; turned off, no card and no request', async () => {
  const ada = await signUp(app.server, 'ada.preview', 'Ada')
  const bo = await signUp(app.server, 'bo.preview', 'Bo')
  await api(app.server, ada.token, 'POST', '/api/friends', { userId: bo.user.id })
  const chat = (await api<Chat>(app.server, ada.token, 'POST', '/api/chats/direct', { userId: bo.user.id })).body
  const url = `${origin}/first`
  await writeMessages(app.server.url, bo.token, `c:${chat.id}:0`, [
    { id: 'preview-bo-0001', from: bo.user.id, ts: Date.now(), kind: 'text', body: `Look at this: ${url} for the trip` },
  ])

  const { context, page } = await phone(app.browser)
  const asked: string[] = []
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/previews')) asked.push(r.url())
  })
  await signInInUi(page, app.server.url, 'ada.preview')
  await page.locator('.chat-row', { hasText: 'Bo' }).click()

  const card = message(page, 'Look at this').locator('.link-card')
  await expect
    .poll(() => card.locator('.link-card__title').textContent(), { timeout: 20_000 })
    .toBe('Night trains of Korea first')
  expect(await card.locator('.link-card__site').textContent()).toBe('Rail Notes')
  expect(await card.getAttribute('href')).toBe(url)
  expect(await card.getAttribute('target')).toBe('_blank')
  expect(await card.getAttribute('rel')).toBe('noopener noreferrer')
  // the picture is Sori's thumbnail, shown from its bytes: the browser never asked the site
  await expect
    .poll(() => card.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 20_000 })
    .toBe(640)
  expect(await card.locator('img').getAttribute('src')).toMatch(/^blob:/)
  expect(hits.get('/first')).toBe(1)
  expect(hits.get('/photo.jpg')).toBe(1)

  // off in Settings: kept on this device, through a reload too
  await page.getByRole('button', { name: 'Back' }).click()
  await tab(page, 'Settings').click()
  const toggle = page.getByRole('checkbox', { name: 'Show previews of web links in chats' })
  expect(await toggle.isChecked()).toBe(true)
  await toggle.uncheck()
  await page.reload()
  await tab(page, 'Settings').click()
  expect(await page.getByRole('checkbox', { name: 'Show previews of web links in chats' }).isChecked()).toBe(false)

  const second = `${origin}/second`
  await writeMessages(app.server.url, bo.token, `c:${chat.id}:0`, [
    { id: 'preview-bo-0002', from: bo.user.id, ts: Date.now(), kind: 'text', body: `And this one ${second}` },
  ])
  asked.length = 0
  await tab(page, 'Chats').click()
  await page.locator('.chat-row', { hasText: 'Bo' }).click()
  await message(page, 'And this one').locator('a.user-link').waitFor()
  // what the room renders has had its effects run (Preact runs them after the next frame)
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 0)))))
  expect(await page.locator('.link-card').count()).toBe(0)
  expect(asked).toEqual([])
  expect(hits.get('/second')).toBeUndefined()

  await context.close()
})
