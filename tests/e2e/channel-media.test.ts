// A channel's photo and its photo posts in real Chromium against the real server: the admin sets the
// channel's photo on its home and posts a photo with a caption; a follower sees the photo on the channel's
// row in the chat list and on its home, and the picture in the post.
import { expect, test } from 'vitest'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import type { Channel } from '../../protocol/channels.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()

async function choose(page: Page, button: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: button }).click()])
  await chooser.setFiles([file])
}

test('an admin sets the channel photo and posts a photo with a caption; a follower sees both', async () => {
  const ann = await signUp(app.server, 'ann.label', 'Ann')
  const ben = await signUp(app.server, 'ben.listener', 'Ben')
  const ch = (
    await api<Channel>(app.server, ann.token, 'POST', '/api/channels', {
      handle: 'bluelabel',
      name: 'Blue Label',
      category: 'music',
      langs: ['en'],
    })
  ).body
  expect((await api(app.server, ben.token, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)
  const logo = await sharp({ create: { width: 900, height: 600, channels: 3, background: '#1c4fd8' } })
    .jpeg()
    .toBuffer()
  const cover = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#e8590c' } })
    .png()
    .toBuffer()

  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.label')
  await a.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  await a.page.getByText('You run this channel.').waitFor()
  const annCard = a.page.locator('.channel-card')
  expect(await annCard.locator('img.avatar--photo').count()).toBe(0)

  await choose(a.page, 'Add a photo', { name: 'logo.jpg', mimeType: 'image/jpeg', buffer: logo })
  await a.page.getByRole('button', { name: 'Change photo' }).waitFor()
  await annCard.locator('img.avatar--photo').waitFor()

  // a photo post: picked, previewed, posted with its caption
  await choose(a.page, 'Add photo / video', { name: 'cover.png', mimeType: 'image/png', buffer: cover })
  await a.page.locator('.post-media-pick img').waitFor()
  await a.page.getByLabel('Text', { exact: true }).fill('The new album cover')
  // the preview shows the photo picked, from this phone, before it is uploaded
  await a.page.getByRole('button', { name: 'Show preview' }).click()
  const previewed = a.page.locator('.post-preview .post', { hasText: 'The new album cover' }).locator('img.post__draft-media')
  await previewed.waitFor()
  await expect(previewed.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).resolves.toBeGreaterThan(0)
  await a.page.getByRole('button', { name: 'Hide preview' }).click()
  await a.page.getByRole('button', { name: 'Post', exact: true }).click()
  await a.page.getByText('Posted.').waitFor({ timeout: 20_000 })
  await a.page.locator('.post', { hasText: 'The new album cover' }).locator('img.media-photo__img.is-shown').waitFor()

  // the follower: the photo on the channel's row in the chat list, with the caption as its preview
  const b = await phone(app.browser)
  await signInInUi(b.page, app.server.url, 'ben.listener')
  const row = b.page.locator('.channel-item', { hasText: 'Blue Label' })
  await row.getByText('The new album cover').waitFor({ timeout: 20_000 })
  await row.locator('img.avatar--photo').waitFor({ timeout: 20_000 })

  // on the home: the channel's photo and the post's picture, the one the admin picked
  await row.getByRole('link').click()
  await b.page.getByRole('heading', { name: 'Blue Label' }).waitFor()
  await b.page.locator('.channel-card img.avatar--photo').waitFor()
  const post = b.page.locator('.post', { hasText: 'The new album cover' })
  const picture = post.locator('img.media-photo__img.is-shown')
  await picture.waitFor({ timeout: 20_000 })
  expect(await picture.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).toEqual([1200, 800])
  // its colour is the cover's (orange), not a placeholder's
  const rgb = await picture.evaluate((img: HTMLImageElement) => {
    const c = document.createElement('canvas')
    c.width = c.height = 1
    const g = c.getContext('2d')!
    g.drawImage(img, 0, 0, 1, 1)
    return [...g.getImageData(0, 0, 1, 1).data.slice(0, 3)]
  })
  expect(Math.abs(rgb[0] - 0xe8) + Math.abs(rgb[1] - 0x59) + Math.abs(rgb[2] - 0x0c)).toBeLessThan(30)
  // and the channel's photo there is the admin's logo (blue)
  const logoRgb = await b.page.locator('.channel-card img.avatar--photo').evaluate((img: HTMLImageElement) => {
    const c = document.createElement('canvas')
    c.width = c.height = 1
    const g = c.getContext('2d')!
    g.drawImage(img, 0, 0, 1, 1)
    return [...g.getImageData(0, 0, 1, 1).data.slice(0, 3)]
  })
  expect(Math.abs(logoRgb[0] - 0x1c) + Math.abs(logoRgb[1] - 0x4f) + Math.abs(logoRgb[2] - 0xd8)).toBeLessThan(30)

  await a.context.close()
  await b.context.close()
})
