// A photo or file whose message is there but whose bytes the server no longer has (404) says so, rather
// than showing a flat colour for ever and a Download that does nothing.
import { test } from 'vitest'
import sharp from 'sharp'
import { sendMedia, upload } from '../fixtures/media.ts'
import { appHarness, friendsWithChat, phone, signInInUi } from './helpers.ts'

const app = appHarness()

test('a photo and a file the server lost say they are no longer on the server', async () => {
  const { them: ann, chat } = await friendsWithChat(
    app.server,
    { handle: 'bo.gone', name: 'Bo' },
    { handle: 'ann.gone', name: 'Ann' },
  )
  const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#c84' } })
    .jpeg()
    .toBuffer()
  const photo = await upload(app.server, ann.token, chat.id, 'photo', jpeg)
  await sendMedia(app.server, ann, chat.id, photo)
  const file = await upload(app.server, ann.token, chat.id, 'file', Buffer.from('the minutes of the meeting'), 'minutes.txt')
  await sendMedia(app.server, ann, chat.id, file)
  // their bytes are lost (a store restored without them)
  for (const b of [photo, file]) {
    const row = await app.server.media.db.get<{ hash: string }>('SELECT hash FROM blobs WHERE id = ?', [b.id])
    await app.server.media.store.delete(row!.hash)
  }

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'bo.gone')
  await page.locator('.chat-row', { hasText: 'Ann' }).click()
  await page.locator('.media-photo .media-gone', { hasText: 'No longer on the server' }).waitFor({ timeout: 20_000 })
  const card = page.locator('.media-file', { hasText: 'minutes.txt' })
  await card.getByRole('button', { name: 'Download' }).click()
  await card.getByText('No longer on the server').waitFor({ timeout: 20_000 })
  await context.close()
})
