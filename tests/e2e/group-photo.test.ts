// A group's photo: any member sets it from the chat's details, every member's chat list shows it at
// once, and any member can take it away again; a file that is no picture is refused with a message.
import { expect, test } from 'vitest'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()

async function choose(page: Page, button: string, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: button }).click()])
  await chooser.setFiles([file])
}

test('a member sets the group photo, every member sees it in the chat list, another removes it', async () => {
  const ann = await signUp(app.server, 'ann.group', 'Ann')
  const ben = await signUp(app.server, 'ben.group', 'Ben')
  const cy = await signUp(app.server, 'cy.group', 'Cy')
  const hikers = (
    await api<Chat>(app.server, ann.token, 'POST', '/api/chats/group', { title: 'Hikers', userIds: [ben.user.id, cy.user.id] })
  ).body
  const summit = await sharp({ create: { width: 1600, height: 1000, channels: 3, background: '#2f9e44' } })
    .jpeg()
    .toBuffer()

  const a = await phone(app.browser)
  const b = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.group')
  await signInInUi(b.page, app.server.url, 'ben.group')
  const benRow = b.page.locator('a.chat-row', { hasText: 'Hikers' })
  await benRow.waitFor()
  await expect(benRow.locator('img.avatar--photo').count()).resolves.toBe(0)

  await a.page.evaluate((id) => (location.hash = `#/chat/${id}`), hikers.id)
  await a.page.getByRole('button', { name: 'Chat details' }).click()
  const sheet = a.page.getByRole('dialog')
  // not a picture: refused, said so
  await choose(a.page, 'Add a group photo', {
    name: 'x.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.from('<svg onload=alert(1)>'),
  })
  await sheet.getByText('That picture could not be read.').waitFor()
  await choose(a.page, 'Add a group photo', { name: 'summit.jpg', mimeType: 'image/jpeg', buffer: summit })
  await sheet.getByRole('button', { name: 'Change group photo' }).waitFor()
  await sheet.locator('img.avatar--photo').waitFor()

  // Ben's chat list shows it without a reload: his inbox entry carries the photo's version
  await benRow.locator('img.avatar--photo').waitFor()
  await b.page.screenshot({ path: '/tmp/ui/shots/group-photo-list.png' })

  // the timeline says who changed it, as it says who renamed the group
  await b.page.evaluate((id) => (location.hash = `#/chat/${id}`), hikers.id)
  // (the names are isolated from the sentence: U+2068 … U+2069 around them)
  await b.page.locator('.sys-line', { hasText: /^\u2068Ann\u2069 changed the group photo$/ }).waitFor()

  // Ben takes it away; Ann's list shows the initial again
  await b.page.getByRole('button', { name: 'Chat details' }).click()
  await b.page.getByRole('dialog').getByRole('button', { name: 'Remove group photo' }).click()
  await b.page.getByRole('dialog').getByRole('button', { name: 'Add a group photo' }).waitFor()
  await a.page.keyboard.press('Escape')
  await a.page.locator('.sys-line', { hasText: /^\u2068Ben\u2069 removed the group photo$/ }).waitFor()
  expect(await a.page.locator('.sys-line', { hasText: 'You changed the group photo' }).count()).toBe(1)
  await a.page.evaluate(() => (location.hash = '#/chats'))
  const annRow = a.page.locator('a.chat-row', { hasText: 'Hikers' })
  await annRow.waitFor()
  await expect.poll(() => annRow.locator('img.avatar--photo').count(), { timeout: 20_000 }).toBe(0)

  await a.context.close()
  await b.context.close()
})
