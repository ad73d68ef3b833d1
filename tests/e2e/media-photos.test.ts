// Photos, a video, a voice note and a file between two people in real Chromium against the real server: picked through
// the attach button, a photo resized on the sender's phone, shown to the receiver as a placeholder of the
// right shape and then the picture, without the GPS position the camera wrote; a video shows its length
// and plays and seeks; a voice note held and let go plays on the other side; a file arrives with its name and a download; what is picked offline is sent once
// when the connection is back; a "photo" that is no picture is refused with a message the sender can
// read, and can be removed.
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { download } from '../fixtures/media.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'
import { recordWebm } from './recorded-video.ts'

const app = appHarness()

/** A phone's photo: 3000×2000, a gradient (so its ThumbHash has something to say), GPS in its EXIF. */
async function cameraJpeg(): Promise<Buffer> {
  const w = 300
  const h = 200
  const px = Buffer.alloc(w * h * 3)
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) px.set([Math.round((255 * x) / w), Math.round((255 * y) / h), 120], (y * w + x) * 3)
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .resize(3000, 2000)
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'PhoneCo', Copyright: 'Kim Minji' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 1234/100', GPSLongitudeRef: 'E', GPSLongitude: '126/1 58/1 0/1' },
    })
    .toBuffer()
}

async function pick(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Send a photo or file' }).click(),
  ])
  await chooser.setFiles(files)
}

async function openChat(page: Page, convId: string): Promise<void> {
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), convId)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
}

test('a photo, a video, a voice note and a PDF go from one phone to another; offline picks go once; a false photo is refused', async () => {
  const ann = await signUp(app.server, 'ann.photo', 'Ann')
  const ben = await signUp(app.server, 'ben.photo', 'Ben')
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: ben.user.id })
  const chat = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body
  const photo = await cameraJpeg()
  expect((await sharp(photo).metadata()).exif).toBeDefined()

  const a = await phone(app.browser)
  const b = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.photo')
  await signInInUi(b.page, app.server.url, 'ben.photo')
  // Ben's phone gets the picture's bytes only when the test lets it: what shows before is the placeholder
  let release: () => void = () => {}
  const held = new Promise<void>((r) => (release = r))
  await b.context.route(/\/api\/blobs\//, async (route) => {
    await held
    await route.continue()
  })
  await openChat(a.page, chat.id)
  await openChat(b.page, chat.id)

  await pick(a.page, [{ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: photo }])
  // the sender sees it sent: in the chat, as a picture, no longer in the outbox
  const annPhoto = a.page.locator('.msg--mine .media-photo__img.is-shown')
  await annPhoto.waitFor()
  await a.page.locator('#app .msg--out').waitFor({ state: 'detached' })

  // the receiver: first a placeholder of the picture's shape (3:2), then the picture
  const benMsg = b.page.locator('.msg--theirs.msg--media')
  await benMsg.locator('.media-photo__ph').waitFor()
  const box = (await benMsg.locator('.media-photo').boundingBox())!
  expect(box.width / box.height).toBeCloseTo(1.5, 1)
  await b.page.screenshot({ path: '/tmp/ui/shots/media-placeholder.png' })
  release()
  const benImg = benMsg.locator('.media-photo__img.is-shown')
  await benImg.waitFor()
  const natural = await benImg.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])
  // resized on the phone: 2560 on the long side
  expect(natural).toEqual([2560, 1707])
  await b.page.screenshot({ path: '/tmp/ui/shots/media-photo.png' })

  // what the receiver got has no EXIF at all, so no GPS
  const id = await b.page.evaluate(async () => {
    const keys = await caches.open('sori-media').then((c) => c.keys())
    return keys[0]?.url.split('/').pop() ?? ''
  })
  const got = await download(app.server, ben.token, id)
  expect(got.status).toBe(200)
  expect((await sharp(got.bytes).metadata()).exif).toBeUndefined()
  expect(got.bytes.includes(Buffer.from('PhoneCo'))).toBe(false)
  expect(got.bytes.length).toBeLessThan(500_000)

  // a tap opens it full screen; Escape closes it
  await benMsg.getByRole('button', { name: 'View photo' }).click()
  const viewer = b.page.getByRole('dialog', { name: 'Photo' })
  await viewer.waitFor()
  // it can be kept: the photo as the server holds it, under a name of its own
  const [saved] = await Promise.all([b.page.waitForEvent('download'), viewer.getByRole('button', { name: 'Download' }).click()])
  expect(saved.suggestedFilename()).toMatch(/^sori-\d{4}-\d\d-\d\d-[A-Za-z0-9_-]{8}\.jpg$/)
  const kept = readFileSync(await saved.path())
  expect(kept.equals(got.bytes)).toBe(true)
  await b.page.keyboard.press('Escape')
  await viewer.waitFor({ state: 'detached' })

  // a PDF: its name, its size and a download
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
  await pick(a.page, [{ name: 'tickets.pdf', mimeType: 'application/pdf', buffer: pdf }])
  const card = b.page.locator('.msg--theirs .media-file', { hasText: 'tickets.pdf' })
  await card.getByRole('button', { name: 'Download' }).waitFor()
  const [file] = await Promise.all([b.page.waitForEvent('download'), card.getByRole('button', { name: 'Download' }).click()])
  expect(file.suggestedFilename()).toBe('tickets.pdf')

  // a video, recorded by the browser itself: a placeholder with its length, then it plays and seeks
  const webm = Buffer.from(await a.page.evaluate(recordWebm))
  await pick(a.page, [{ name: 'concert.webm', mimeType: 'video/webm', buffer: webm }])
  const clip = b.page.locator('.msg--theirs.msg--media').filter({ has: b.page.getByRole('button', { name: 'Play video' }) })
  await clip.locator('.media-dur', { hasText: /^0:0[12]$/ }).waitFor()
  await clip.getByRole('button', { name: 'Play video' }).click()
  const video = b.page.locator('.msg--theirs video.media-video')
  await video.waitFor()
  const seeked = await video.evaluate(
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
  expect(seeked).toBeGreaterThan(0.3)

  // a voice note: hold the microphone, let go after a second, and the other side plays it
  const mic = a.page.getByRole('button', { name: 'Record a voice note' })
  const micBox = (await mic.boundingBox())!
  await a.page.mouse.move(micBox.x + micBox.width / 2, micBox.y + micBox.height / 2)
  await a.page.mouse.down()
  await a.page
    .getByRole('group', { name: /^Recording 0:0[1-9]$/ })
    .getByText(/^0:0[1-9]$/)
    .waitFor()
  await a.page.screenshot({ path: '/tmp/ui/shots/media-recording.png' })
  await a.page.mouse.up()
  const note = b.page.getByRole('button', { name: 'Play voice note' })
  await note.waitFor()
  await note.click()
  const audio = b.page.locator('.msg--theirs audio.media-voice')
  await audio.waitFor()
  const heard = await audio.evaluate(
    (el: HTMLAudioElement) =>
      new Promise<number>((resolve) => {
        const check = () => (el.currentTime > 0 ? resolve(el.currentTime) : setTimeout(check, 50))
        check()
      }),
  )
  expect(heard).toBeGreaterThan(0)
  await b.page.screenshot({ path: '/tmp/ui/shots/media-voice.png' })

  // offline: the pick waits in the outbox, and goes once the connection is back
  await a.context.setOffline(true)
  await pick(a.page, [{ name: 'IMG_0002.jpg', mimeType: 'image/jpeg', buffer: photo }])
  // marked as waiting, as a text is, rather than a bar standing at 0%
  await a.page.locator('#app .msg--out').getByText('Waiting to send').waitFor()
  await a.page.reload()
  await a.page.locator('#app .msg--out').getByText('Waiting to send').waitFor()
  await a.context.setOffline(false)
  await a.page.locator('#app .msg--out').waitFor({ state: 'detached' })
  await expect.poll(() => b.page.getByRole('button', { name: 'View photo' }).count(), { timeout: 20_000 }).toBe(2)
  await b.page.reload()
  await b.page.getByRole('button', { name: 'View photo' }).nth(1).waitFor()
  await expect(b.page.getByRole('button', { name: 'View photo' }).count()).resolves.toBe(2)

  // the chat's photos and videos, newest first; full screen, the arrow keys go through them
  await b.page.getByRole('button', { name: 'Chat details' }).click()
  await b.page.getByRole('button', { name: 'Photos and videos' }).click()
  const grid = b.page.getByRole('list', { name: 'Photos and videos' })
  await expect.poll(() => grid.getByRole('listitem').count(), { timeout: 20_000 }).toBe(3)
  await expect(grid.getByRole('button').nth(1).getAttribute('aria-label')).resolves.toBe('Play video')
  await grid.getByRole('button').first().click()
  const full = b.page.getByRole('dialog', { name: 'Photo', exact: true })
  await full.getByText('3 of 3').waitFor()
  await b.page.keyboard.press('ArrowLeft')
  await b.page.getByRole('dialog', { name: 'Video', exact: true }).getByText('2 of 3').waitFor()
  await b.page.getByRole('dialog', { name: 'Video', exact: true }).getByRole('button', { name: 'Previous' }).click()
  await full.getByText('1 of 3').waitFor()
  await b.page.screenshot({ path: '/tmp/ui/shots/media-viewer.png' })
  await b.page.keyboard.press('Escape')
  await full.waitFor({ state: 'detached' })
  // closed, the viewer leaves the gallery it was opened from on the screen; so does the phone's Back
  await grid.waitFor()
  await grid.getByRole('button').first().click()
  await full.waitFor()
  await b.page.goBack()
  await full.waitFor({ state: 'detached' })
  await grid.getByRole('listitem').first().waitFor()

  // a web page dressed as a PNG: refused, said so, and removable
  const html = Buffer.from('<!doctype html><script>alert(1)</script>')
  await pick(a.page, [{ name: 'cat.png', mimeType: 'image/png', buffer: html }])
  await a.page.getByRole('alert').filter({ hasText: 'This picture could not be read.' }).waitFor()
  await a.page.screenshot({ path: '/tmp/ui/shots/media-refused.png' })
  await a.page.getByRole('button', { name: 'Remove' }).click()
  await a.page.locator('#app .msg--out').waitFor({ state: 'detached' })

  await a.context.close()
  await b.context.close()
})
