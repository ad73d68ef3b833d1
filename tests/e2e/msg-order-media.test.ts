// A text sent while a photo or file of the same chat is still uploading waits behind it: the chat gets
// them in the order they were sent, on this phone and on everyone else's.
import { randomBytes } from 'node:crypto'
import { expect, test } from 'vitest'
import { pageDoc } from '../../protocol/docs.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { connect, msgs } from '../fixtures/sync-client.ts'
import { appHarness, friendsWithChat, message, phone, pickFile, sendInUi, signInInUi } from './helpers.ts'

const app = appHarness()

test('a text sent while a file uploads arrives after the file, in the order it was sent', async () => {
  const {
    me: ivy,
    them: jon,
    chat,
  } = await friendsWithChat(app.server, { handle: 'ivy.order', name: 'Ivy' }, { handle: 'jon.order', name: 'Jon' })

  const { context, page } = await phone(app.browser)
  // the file's second piece is held on its way until the text has been sent
  let release = () => {}
  const held = new Promise<void>((r) => (release = r))
  let patches = 0
  await context.route(/\/api\/uploads\/[^/]+$/, async (route) => {
    if (route.request().method() === 'PATCH' && ++patches === 2) await held
    return route.continue()
  })
  await signInInUi(page, app.server.url, 'ivy.order')
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
  await pickFile(page, { name: 'map.pdf', mimeType: 'application/pdf', buffer: randomBytes(1536 * 1024) })
  await expect.poll(() => patches, { timeout: 30_000 }).toBe(2)
  await sendInUi(page, 'That is where we meet')

  // it waits, drawn under the file it follows
  const waiting = page.locator('#app .msg--out')
  await expect.poll(() => waiting.count()).toBe(2)
  expect(await waiting.nth(1).locator('.msg__text').textContent()).toBe('That is where we meet')
  await waiting.nth(1).getByTitle('Waiting to send').waitFor()
  // its Cancel sits before its clock, and its bubble keeps to the edge where it will stay once sent
  const waitingBox = (await waiting.nth(1).locator('.msg__bubble').boundingBox())!
  const cancelBox = (await waiting.nth(1).getByRole('button', { name: 'Cancel sending' }).boundingBox())!
  expect(cancelBox.x + cancelBox.width).toBeLessThanOrEqual(waitingBox.x)

  release()
  await message(page, 'That is where we meet').and(page.locator('[data-state="sent"]')).waitFor({ timeout: 30_000 })
  const sentBox = (await message(page, 'That is where we meet').locator('.msg__bubble').boundingBox())!
  expect(Math.abs(sentBox.x + sentBox.width - (waitingBox.x + waitingBox.width))).toBeLessThan(2)
  await expect.poll(() => waiting.count(), { timeout: 30_000 }).toBe(0)

  // the chat holds them in that order, for Jon too
  const jonPage = await connect(app.server, jon.token, pageDoc(chat.id, 0))
  const order = () =>
    msgs(jonPage)
      .toArray()
      .map((m: ChatMessage) => (m.kind === 'media' ? m.media?.name : m.body))
  await expect.poll(order, { timeout: 20_000 }).toEqual(['map.pdf', 'That is where we meet'])
  expect(
    msgs(jonPage)
      .toArray()
      .every((m: ChatMessage) => m.from === ivy.user.id),
  ).toBe(true)
  jonPage.destroy()
  await context.close()
})
