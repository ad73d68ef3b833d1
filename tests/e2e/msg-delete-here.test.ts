// "Delete on this device" (KakaoTalk's delete beside "Delete for everyone"): any message, mine or not,
// leaves this device's room, search and gallery, after a reload too; the server, the others in the chat and
// my other devices keep it.
import { expect, test } from 'vitest'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { connect, until } from '../fixtures/sync-client.ts'
import { appHarness, friendWrote, message, phone, signInInUi } from './helpers.ts'

const app = appHarness()

test('a message deleted on this device is gone from its room and search here, and nowhere else', async () => {
  const {
    me: ann,
    chat,
    theirPage: boPage,
  } = await friendWrote(app.server, { handle: 'ann.here', name: 'Ann' }, { handle: 'bo.here', name: 'Bo' }, [
    'Spoiler: the butler did it',
    'Popcorn?',
    'See you at the cinema',
  ])

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ann.here')
  await page.locator('.chat-row', { hasText: 'Bo' }).click()
  await message(page, 'See you at the cinema').waitFor()

  // not Ann's message: no "Delete for everyone", but she can delete it here, once she confirms
  await page.locator('.msg__bubble', { hasText: 'the butler did it' }).click()
  const sheet = page.getByRole('dialog')
  expect(await sheet.getByRole('button', { name: 'Delete for everyone' }).count()).toBe(0)
  await sheet.getByRole('button', { name: 'Delete on this device' }).click()
  await sheet.getByText('The others in the chat still have it').waitFor()
  await sheet.getByRole('button', { name: 'Delete on this device' }).click()
  await expect.poll(() => message(page, 'the butler did it').count()).toBe(0)
  expect(await message(page, 'See you at the cinema').count()).toBe(1)
  // nothing says a message was deleted: it is simply not here
  expect(await page.getByText('This message was deleted.').count()).toBe(0)

  // after a reload, and in search
  await page.reload()
  await message(page, 'See you at the cinema').waitFor()
  expect(await message(page, 'the butler did it').count()).toBe(0)
  await page.evaluate(() => (location.hash = '#/search'))
  await page.locator('.search-form input[type=search]').fill('butler')
  await page.getByText('Nothing found for “butler”.').waitFor({ timeout: 10_000 })

  // the server still has it, untouched, and so does Ann's other device
  expect(
    boPage.doc
      .getArray<ChatMessage>(ROOTS.page.msgs)
      .toArray()
      .some((m) => m.body === 'Spoiler: the butler did it'),
  ).toBe(true)
  const fresh = await connect(app.server, ann.token, pageDoc(chat.id, 0))
  await until(() => fresh.doc.getArray<ChatMessage>(ROOTS.page.msgs).length === 3, "Ann's copy from the server")
  expect(fresh.doc.getMap(ROOTS.page.edits).size).toBe(0)
  fresh.destroy()
  const other = await phone(app.browser)
  await signInInUi(other.page, app.server.url, 'ann.here')
  await other.page.locator('.chat-row', { hasText: 'Bo' }).click()
  await message(other.page, 'the butler did it').waitFor()

  // the chat's latest message deleted here: the chat list shows the one before it, which this device still has
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await page.locator('.msg__bubble', { hasText: 'See you at the cinema' }).click()
  await sheet.getByRole('button', { name: 'Delete on this device' }).click()
  await sheet.getByRole('button', { name: 'Delete on this device' }).click()
  await expect.poll(() => message(page, 'See you at the cinema').count()).toBe(0)
  await page.evaluate(() => (location.hash = '#/chats'))
  const row = page.locator('.chat-row', { hasText: 'Bo' })
  await row.locator('.row__sub', { hasText: 'Popcorn?' }).waitFor()
  expect(await row.textContent()).not.toContain('See you at the cinema')
  // and the other device, which deleted nothing, the latest
  await other.page.evaluate(() => (location.hash = '#/chats'))
  await other.page.locator('.chat-row', { hasText: 'Bo' }).locator('.row__sub', { hasText: 'See you at the cinema' }).waitFor()
  await other.context.close()

  boPage.destroy()
  await context.close()
})
