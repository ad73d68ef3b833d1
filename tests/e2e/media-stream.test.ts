// Media through the service worker, in real Chromium against the real server: a video plays from the
// worker's stream (a player cannot send the token itself), lands in the media cache whole, and then
// plays and seeks with the phone offline, its ranges cut from the cache. A range asked of a file not yet
// cached comes from the server with the right bytes while the whole file is fetched into the cache once.
import { createHash, randomBytes } from 'node:crypto'
import { expect, test } from 'vitest'
import type { Page, Response } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { sendMedia, upload } from '../fixtures/media.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'
import { serviceWorkerControls } from './offline-setup.ts'
import { recordWebm } from './recorded-video.ts'

const app = appHarness()

/** the size and sha256 of what the media cache holds for blob `id`, or null */
const cachedFile = (page: Page, id: string) =>
  page.evaluate(async (id) => {
    const hit = await (await caches.open('sori-media')).match(`/api/blobs/${id}`)
    if (!hit) return null
    const bytes = await hit.arrayBuffer()
    const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0'))
    return { size: bytes.byteLength, sha256: hash.join('') }
  }, id)

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** a range of blob `id` as the page's own fetch (no token) gets it, through the service worker */
const range = (page: Page, id: string, header: string) =>
  page.evaluate(
    async ({ id, header }) => {
      const r = await fetch(`/api/blobs/${id}`, { headers: { range: header } })
      return { status: r.status, contentRange: r.headers.get('content-range'), bytes: [...new Uint8Array(await r.arrayBuffer())] }
    },
    { id, header },
  )

/** plays the chat's video, pauses it and seeks to 0.5 s; the time it reached */
async function playAndSeek(page: Page): Promise<number> {
  await page.getByRole('button', { name: 'Play video' }).click()
  const video = page.locator('video.media-video')
  await video.waitFor()
  return await video.evaluate(
    (v: HTMLVideoElement) =>
      new Promise<number>((resolve) => {
        const go = () => {
          v.pause()
          v.addEventListener('seeked', () => resolve(v.currentTime), { once: true })
          v.currentTime = 0.5
        }
        if (v.readyState >= 1) go()
        else v.addEventListener('loadedmetadata', go, { once: true })
      }),
  )
}

test('a video streams through the service worker, is kept whole, and plays and seeks offline from the cache', async () => {
  const ann = await signUp(app.server, 'ann.stream', 'Ann')
  const ben = await signUp(app.server, 'ben.stream', 'Ben')
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: ben.user.id })
  const chat = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ben.stream')
  await serviceWorkerControls(page)
  const webm = Buffer.from(await page.evaluate(recordWebm))
  const clip = await upload(app.server, ann.token, chat.id, 'video', webm)
  await sendMedia(app.server, ann, chat.id, clip)

  const answers: Response[] = []
  page.on('response', (r) => void (r.url().endsWith(`/api/blobs/${clip.id}`) && answers.push(r)))
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  expect(await playAndSeek(page)).toBeGreaterThan(0.3)
  // the player's requests were answered by the worker, which has the token; none went out without it
  expect(answers.length).toBeGreaterThan(0)
  expect(answers.every((r) => r.fromServiceWorker() && r.status() !== 401)).toBe(true)
  // the whole file is in the cache, byte for byte
  await expect.poll(() => cachedFile(page, clip.id), { timeout: 20_000 }).toEqual({ size: webm.length, sha256: sha256(webm) })

  // offline: a reload still plays it and seeks, from ranges the worker cuts from the cache
  await context.setOffline(true)
  answers.length = 0
  await page.reload()
  await serviceWorkerControls(page)
  expect(await playAndSeek(page)).toBeGreaterThan(0.3)
  expect(answers.some((r) => r.fromServiceWorker() && r.status() === 206)).toBe(true)
  const mid = await range(page, clip.id, 'bytes=100-1099')
  expect(mid.status).toBe(206)
  expect(mid.contentRange).toBe(`bytes 100-1099/${webm.length}`)
  expect(Buffer.from(mid.bytes).equals(webm.subarray(100, 1100))).toBe(true)
  expect((await range(page, clip.id, `bytes=${webm.length + 5}-`)).status).toBe(416)
  await context.setOffline(false)
  await context.close()
}, 120_000)

test('a range of a file not yet cached comes from the server, and the whole file is fetched into the cache once', async () => {
  const ann = await signUp(app.server, 'ann.range', 'Ann')
  const ben = await signUp(app.server, 'ben.range', 'Ben')
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: ben.user.id })
  const chat = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body
  const bytes = randomBytes(3 * 1024 * 1024)
  const file = await upload(app.server, ann.token, chat.id, 'file', bytes, 'tape.bin')
  await sendMedia(app.server, ann, chat.id, file)
  const other = randomBytes(1024 * 1024)
  const second = await upload(app.server, ann.token, chat.id, 'file', other, 'other.bin')
  await sendMedia(app.server, ann, chat.id, second)

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ben.range')
  await serviceWorkerControls(page)
  const served: string[] = []
  // the worker's own requests are the context's, not the page's
  context.on(
    'request',
    (r) => void (r.serviceWorker() && r.url().includes('/api/blobs/') && served.push(r.headers().range ?? 'whole')),
  )

  // a seek into the middle: the server's range, the right bytes
  const mid = await range(page, file.id, 'bytes=2000000-2000999')
  expect(mid.status).toBe(206)
  expect(mid.contentRange).toBe(`bytes 2000000-2000999/${bytes.length}`)
  expect(Buffer.from(mid.bytes).equals(bytes.subarray(2_000_000, 2_001_000))).toBe(true)
  // meanwhile the worker fetched the whole file, once, into the cache
  await expect.poll(() => cachedFile(page, file.id), { timeout: 20_000 }).toEqual({ size: bytes.length, sha256: sha256(bytes) })
  expect(served.filter((r) => r === 'whole')).toHaveLength(1)

  // from the start: the same bytes go to the asker and into the cache, one request to the server
  served.length = 0
  const whole = await range(page, second.id, 'bytes=0-')
  expect(whole.status).toBe(206)
  expect(Buffer.from(whole.bytes).equals(other)).toBe(true)
  await expect.poll(() => cachedFile(page, second.id), { timeout: 20_000 }).toEqual({ size: other.length, sha256: sha256(other) })
  expect(served).toEqual(['whole'])

  // signed out, the worker has no token to lend: refused like any request without one
  await page.evaluate(() => (location.hash = '#/settings'))
  await page.getByRole('button', { name: 'Sign out of this device' }).click()
  await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
  expect((await range(page, file.id, 'bytes=0-9')).status).toBe(401)
  await context.close()
}, 120_000)
