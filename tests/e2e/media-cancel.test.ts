// A file being sent can be cancelled from its bubble: the upload stops, the bubble goes, nothing reaches
// the chat, and the server drops what it had received (an open upload holds its whole size of the quota).
import { randomBytes } from 'node:crypto'
import { expect, test } from 'vitest'
import { appHarness, friendsWithChat, phone, pickFile, signInInUi } from './helpers.ts'

const app = appHarness()

test('cancelling a file while it is sent: gone from the chat and from the server', async () => {
  const { me: gil, chat } = await friendsWithChat(
    app.server,
    { handle: 'gil.cancel', name: 'Gil' },
    { handle: 'hal.cancel', name: 'Hal' },
  )

  const { context, page } = await phone(app.browser)
  // the second piece is held on its way, so that the send is surely under way when it is cancelled
  const seen = { patches: 0, deletes: 0 }
  let release = () => {}
  await context.route(/\/api\/uploads\/[^/]+$/, async (route) => {
    const method = route.request().method()
    if (method === 'DELETE') seen.deletes++
    if (method === 'PATCH' && ++seen.patches === 2) {
      await new Promise<void>((r) => (release = r))
      return route.abort('connectionreset').catch(() => {})
    }
    return route.continue()
  })
  await signInInUi(page, app.server.url, 'gil.cancel')
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
  await pickFile(page, { name: 'holiday.bin', mimeType: 'application/octet-stream', buffer: randomBytes(2 * 1024 * 1024) })
  const bubble = page.locator('#app .msg--out')
  await bubble.waitFor()
  await expect.poll(() => seen.patches, { timeout: 30_000 }).toBe(2)
  const open = () => app.server.db.all('SELECT id FROM uploads WHERE uploader = ?', [gil.user.id])
  expect(await open()).toHaveLength(1)

  await bubble.getByRole('button', { name: 'Cancel sending' }).click()
  await bubble.waitFor({ state: 'detached' })
  await expect.poll(() => seen.deletes, { timeout: 20_000 }).toBeGreaterThan(0)
  await expect.poll(open, { timeout: 20_000 }).toEqual([])
  release()

  // nothing comes back after a reload, and nothing was sent
  await page.reload()
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
  expect(await page.locator('#app .msg--out').count()).toBe(0)
  expect(await page.locator('#app .msg--mine').count()).toBe(0)
  expect(seen.patches).toBe(2)
  await context.close()
})
