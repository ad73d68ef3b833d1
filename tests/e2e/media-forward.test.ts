// Forwarding a photo, in real Chromium against the real server: picked from the photo's actions (a long
// press, or the context menu), sent to another chat as the forwarder's, where its members see the same
// picture, fetched under a blob of that chat.
import { createHash } from 'node:crypto'
import sharp from 'sharp'
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { download, sendMedia, upload } from '../fixtures/media.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, until } from '../fixtures/sync-client.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()

test('a photo forwarded to another chat shows there, as a blob of that chat with the same bytes', async () => {
  const ana = await signUp(app.server, 'ana.mfwd', 'Ana')
  const ben = await signUp(app.server, 'ben.mfwd', 'Ben')
  const cy = await signUp(app.server, 'cy.mfwd', 'Cy')
  await api(app.server, ben.token, 'POST', '/api/friends', { userId: ana.user.id })
  await api(app.server, ben.token, 'POST', '/api/friends', { userId: cy.user.id })
  const withAna = (await api<Chat>(app.server, ana.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body
  // Ben opened his chat with Cy (nobody wrote in it yet): it is on his list, to forward to
  const withCy = (await api<Chat>(app.server, ben.token, 'POST', '/api/chats/direct', { userId: cy.user.id })).body
  const bytes = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#2a7' } })
    .jpeg()
    .toBuffer()
  const photo = await upload(app.server, ana.token, withAna.id, 'photo', bytes)
  await sendMedia(app.server, ana, withAna.id, photo)
  const cyPage = await connect(app.server, cy.token, pageDoc(withCy.id, 0))
  const cyMsgs = () => cyPage.doc.getArray<ChatMessage>(ROOTS.page.msgs).toArray()

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ben.mfwd')
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), withAna.id)
  const shown = page.locator('.msg--theirs .media-photo__img.is-shown')
  await shown.waitFor({ timeout: 20_000 })
  await shown.click({ button: 'right' })
  await page.getByRole('button', { name: 'Forward', exact: true }).click()
  await page.getByRole('list', { name: 'Forward to' }).getByRole('button', { name: 'Cy' }).click()

  // Cy's chat gets one media message from Ben naming a new blob, which Cy can fetch: the same picture
  await until(() => cyMsgs().length === 1, 'the forwarded photo in Cy’s chat')
  const [m] = cyMsgs()
  expect(m).toMatchObject({ from: ben.user.id, kind: 'media', media: { kind: 'photo', w: photo.width, h: photo.height } })
  expect(m!.media!.id).not.toBe(photo.id)
  const got = await download(app.server, cy.token, m!.media!.id)
  const original = await download(app.server, ben.token, photo.id)
  const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
  expect(got.status).toBe(200)
  expect(sha(got.bytes)).toBe(sha(original.bytes))
  // and Ben sees it in his chat with Cy, as his own
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), withCy.id)
  await page.locator('.msg--mine .media-photo__img.is-shown').waitFor({ timeout: 20_000 })
  cyPage.destroy()
  await context.close()
}, 120_000)
