// A large file whose upload is cut half-way goes on from where the server stands, with no second upload,
// and arrives once, byte for byte.
import { createHash, randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { expect, test } from 'vitest'
import { appHarness, friendsWithChat, phone, pickFile, signInInUi } from './helpers.ts'

const app = appHarness()

test('an upload cut at half resumes and completes once', async () => {
  const { chat } = await friendsWithChat(app.server, { handle: 'eva.resume', name: 'Eva' }, { handle: 'fin.resume', name: 'Fin' })
  const bytes = randomBytes(3 * 1024 * 1024)

  const { context, page } = await phone(app.browser)
  const seen = { announce: 0, patches: 0, cut: 0 }
  await context.route(/\/api\/(chats\/[^/]+\/uploads|uploads\/[^/]+)$/, async (route) => {
    const req = route.request()
    if (req.method() === 'POST') seen.announce++
    if (req.method() === 'PATCH' && ++seen.patches === 4) {
      // the connection drops while the fourth piece (bytes 1.5–2 MiB of 3) is on its way
      seen.cut++
      return route.abort('connectionreset')
    }
    return route.continue()
  })
  await signInInUi(page, app.server.url, 'eva.resume')
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
  await pickFile(page, { name: 'setlist.bin', mimeType: 'application/octet-stream', buffer: bytes })
  await page.locator('#app .msg--out').waitFor()
  await page.locator('#app .msg--out').waitFor({ state: 'detached', timeout: 30_000 })
  await page.locator('.msg--mine .media-file', { hasText: 'setlist.bin' }).waitFor()
  expect(seen.cut).toBe(1)
  expect(seen.announce).toBe(1)

  // and the file is found by its name
  await page.evaluate(() => (location.hash = '#/search'))
  await page.locator('.search-form input[type=search]').fill('setlist')
  await page
    .locator('.search__hit', { hasText: 'setlist.bin' })
    .locator('mark', { hasText: 'setlist' })
    .waitFor({ timeout: 20_000 })

  // the other side gets one message naming one blob with exactly these bytes
  const f = await phone(app.browser)
  await signInInUi(f.page, app.server.url, 'fin.resume')
  await f.page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  const card = f.page.locator('.msg--theirs .media-file', { hasText: 'setlist.bin' })
  await card.waitFor()
  await expect(card.count()).resolves.toBe(1)
  const [file] = await Promise.all([f.page.waitForEvent('download'), card.getByRole('button', { name: 'Download' }).click()])
  const path = await file.path()
  const got = await readFile(path)
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
  expect(sha(got)).toBe(sha(bytes))
  await f.context.close()
  await context.close()
})
