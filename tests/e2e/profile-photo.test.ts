// A profile photo: chosen in Settings, shown to a friend in the friends list, the chat list and beside
// the messages, square and without the camera's metadata; a file that is no picture is refused with a
// message; removing it brings the initial back.
import { expect, test } from 'vitest'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, phone, sendInUi, signInInUi, tab } from './helpers.ts'

const app = appHarness()

async function choose(page: Page, button: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: button }).click()])
  await chooser.setFiles([file])
}

test('a profile photo shows wherever the person does, and can be removed', async () => {
  const ann = await signUp(app.server, 'ann.face', 'Ann')
  const ben = await signUp(app.server, 'ben.face', 'Ben')
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: ben.user.id })
  await api(app.server, ben.token, 'POST', '/api/friends', { userId: ann.user.id })
  const chat = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body
  const portrait = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#3b7dd8' } })
    .jpeg()
    .withExif({ IFD0: { Make: 'PhoneCo' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '37/1 33/1 1234/100' } })
    .toBuffer()

  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.face')
  await a.page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await sendInUi(a.page, 'Look, a photo of me')
  await a.page.evaluate(() => (location.hash = '#/settings'))
  const own = a.page.locator('.card__head .avatar')

  // something that is not a picture: refused, said so, nothing changes
  await choose(a.page, 'Add a photo', { name: 'me.png', mimeType: 'image/png', buffer: Buffer.from('<html>not me</html>') })
  await a.page.getByText('That picture could not be read.').waitFor()
  await expect(own.evaluate((e) => e.tagName)).resolves.toBe('SPAN')

  await choose(a.page, 'Add a photo', { name: 'me.jpg', mimeType: 'image/jpeg', buffer: portrait })
  await a.page.getByRole('button', { name: 'Change photo' }).waitFor()
  await a.page.locator('.card__head img.avatar--photo').waitFor()

  // Ben sees it in his friends list, his chat list and beside Ann's message: square, no EXIF
  const b = await phone(app.browser)
  await signInInUi(b.page, app.server.url, 'ben.face')
  await b.page.locator('a.chat-row', { hasText: 'Ann' }).locator('img.avatar--photo').waitFor()
  await tab(b.page, 'Friends').click()
  await b.page.locator('.row', { hasText: 'Ann' }).locator('img.avatar--photo').first().waitFor()
  await b.page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  const beside = b.page.locator('.msg--theirs img.avatar--photo')
  await beside.waitFor()
  await expect(beside.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight])).resolves.toEqual([512, 512])
  const bytes = await b.page.evaluate(async (id) => {
    const token = (JSON.parse(localStorage.getItem('sori:session')!) as { token: string }).token
    const r = await fetch(`/api/users/${id}/photo`, { headers: { authorization: `Bearer ${token}` } })
    return [...new Uint8Array(await r.arrayBuffer())]
  }, ann.user.id)
  const meta = await sharp(Buffer.from(bytes)).metadata()
  expect(meta.exif).toBeUndefined()
  expect(Buffer.from(bytes).includes(Buffer.from('PhoneCo'))).toBe(false)

  // removed: the initial again, for her, in Ben's chat list at once, and in his friends list when fetched again
  await a.page.getByRole('button', { name: 'Remove photo' }).click()
  await a.page.getByRole('button', { name: 'Add a photo' }).waitFor()
  await expect(own.evaluate((e) => e.tagName)).resolves.toBe('SPAN')
  // the server no longer has it, and Ben's friends list, fetched again, shows her initial
  const gone = await b.page.evaluate(async (id) => {
    const token = (JSON.parse(localStorage.getItem('sori:session')!) as { token: string }).token
    return (await fetch(`/api/users/${id}/photo`, { headers: { authorization: `Bearer ${token}` } })).status
  }, ann.user.id)
  expect(gone).toBe(404)
  // Ben's chat list shows her initial at once: the chat's entry carries her photo's version, live
  await b.page.evaluate(() => (location.hash = '#/chats'))
  await b.page.locator('a.chat-row', { hasText: 'Ann' }).locator('.avatar').waitFor()
  await expect
    .poll(() => b.page.locator('a.chat-row', { hasText: 'Ann' }).locator('img.avatar--photo').count(), { timeout: 20_000 })
    .toBe(0)
  await b.page.evaluate(() => (location.hash = '#/friends'))
  await b.page.reload()
  await b.page.locator('.row', { hasText: 'Ann' }).locator('.avatar').first().waitFor()
  await expect
    .poll(() => b.page.locator('.row', { hasText: 'Ann' }).locator('img.avatar--photo').count(), { timeout: 20_000 })
    .toBe(0)

  await a.context.close()
  await b.context.close()
})
