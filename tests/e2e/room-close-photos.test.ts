// The open room's look is kept as the page closes (snapshot.ts), photos and all. Kept as a copy in the
// page's own document, each photo loaded again as the page closed, and the browser refused every load
// under the page's connect-src: errors in the console of a chat of photos at every close.
import { expect, test } from 'vitest'
import sharp from 'sharp'
import { pageDoc } from '../../protocol/docs.ts'
import { mediaMessage, mediaRef, upload } from '../fixtures/media.ts'
import { connect, msgs } from '../fixtures/sync-client.ts'
import { appHarness, friendsWithChat, phone, signInInUi } from './helpers.ts'

const app = appHarness()

test('closing a chat of photos refuses no load: its look is kept without loading the photos again', async () => {
  const s = app.server
  const { them: junho, chat } = await friendsWithChat(
    s,
    { handle: 'minji.cp', name: 'Minji' },
    { handle: 'junho.cp', name: 'Junho' },
  )
  const junhos = await connect(s, junho.token, pageDoc(chat.id, 0))
  const photos = []
  for (const width of [40, 50, 60]) {
    const jpeg = await sharp({ create: { width, height: 30, channels: 3, background: '#2a6' } })
      .jpeg()
      .toBuffer()
    photos.push(mediaMessage(junho.user.id, mediaRef(await upload(s, junho.token, chat.id, 'photo', jpeg))))
  }
  msgs(junhos).push(photos)

  const { page, context } = await phone(app.browser)
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  await signInInUi(page, s.url, 'minji.cp')
  await page.locator('.chat-row', { hasText: 'Junho' }).click()
  await expect.poll(() => page.locator('.album__tile img[src^="blob:"]').count(), { timeout: 20_000 }).toBe(3)
  // the page closes (pagehide: the room's look is kept)
  await page.close({ runBeforeUnload: true })
  await context.close()
  expect(errors).toEqual([])
  junhos.destroy()
})
