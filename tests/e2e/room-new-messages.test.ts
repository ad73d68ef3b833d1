// Opening a chat with messages I have not read: a "New messages" line sits above the first of them and the
// list opens there (as far as the messages below it allow), not at the bottom where the newest would push
// the first ones off the screen. The line marks what was new as the chat opened: what arrives while I am
// in the room, or once I have been in it, gets none.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import * as Y from 'yjs'
import type { Chat } from '../../protocol/api.ts'
import { headDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import { readPosition } from '../../protocol/messages.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, message as newMessage, msgs, until, type SyncClient } from '../fixtures/sync-client.ts'
import { appHarness, message, phone, sendInUi, signInInUi } from './helpers.ts'

const app = appHarness()

const line = (page: Page) => page.locator('.new-sep', { hasText: 'New messages' })

/** Writes `bodies` as Bo, in one transaction, and waits for the server to hold them. */
async function boWrites(c: SyncClient, boId: string, bodies: string[]): Promise<void> {
  c.doc.transact(() => {
    for (const b of bodies) msgs(c).push([newMessage(boId, b)])
  })
  const written = Y.getState(c.doc.store, c.doc.clientID)
  await until(() => c.ackedClock() >= written, "Bo's messages stored")
}

/** Whether the whole of `text`'s message is inside the visible part of the message list (rows far off it are not drawn at all). */
async function inView(page: Page, text: string): Promise<boolean> {
  const list = await page.locator('.room__list').boundingBox()
  if ((await message(page, text).count()) === 0) return false
  const box = await message(page, text).boundingBox()
  return !!list && !!box && box.y >= list.y - 1 && box.y + box.height <= list.y + list.height + 1
}

/** The text of the row right after the "New messages" line. */
const afterLine = (page: Page) =>
  page.evaluate(() => document.querySelector('.vlist__row:has(.new-sep)')?.nextElementSibling?.textContent ?? null)

const toChats = async (page: Page) => {
  await page.getByRole('button', { name: 'Back' }).click()
  await page.getByRole('heading', { name: 'Chats' }).waitFor()
}

const openChat = async (page: Page, chatId: string) => {
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chatId)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
}

test('a chat opens at the first message new to me, under a "New messages" line, and only what was new as it opened gets one', async () => {
  const ann = await signUp(app.server, 'ann.newline', 'Ann')
  const bo = await signUp(app.server, 'bo.newline', 'Bo')
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: bo.user.id })
  await api(app.server, bo.token, 'POST', '/api/friends', { userId: ann.user.id })
  const chat = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: bo.user.id })).body

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ann.newline')
  await openChat(page, chat.id)
  await sendInUi(page, 'Are you coming tonight?')
  await page.locator('.msg[data-state="sent"]', { hasText: 'Are you coming tonight?' }).waitFor()
  expect(await line(page).count()).toBe(0)
  await toChats(page)

  // forty messages from Bo while Ann is on her list
  const boPage = await connect(app.server, bo.token, pageDoc(chat.id, 0), { ack: true })
  const news = Array.from({ length: 40 }, (_, i) => `Bo's news ${i + 1}.`)
  await boWrites(boPage, bo.user.id, news)
  await page.locator('.chat-row', { hasText: "Bo's news 40." }).waitFor()

  await openChat(page, chat.id)
  await line(page).waitFor()
  expect(await afterLine(page)).toContain("Bo's news 1.")
  // the first new message is on the screen, the last is not: the list opened at the line
  await expect.poll(() => inView(page, "Bo's news 1.")).toBe(true)
  expect(await inView(page, "Bo's news 40.")).toBe(false)
  // opening the chat read all forty, as Bo sees (the "1" beside each leaves), though most are below the screen
  const boHead = await connect(app.server, bo.token, headDoc(chat.id))
  await until(() => (boHead.doc.getMap<number>(ROOTS.head.reads).get(ann.user.id) ?? 0) >= readPosition(0, 41), 'Ann read all')
  boHead.destroy()
  await page.getByRole('button', { name: 'Latest messages' }).click()
  await expect.poll(() => inView(page, "Bo's news 40.")).toBe(true)

  // a message that arrives while Ann is in the room gets no line of its own
  await boWrites(boPage, bo.user.id, ['Bo, live'])
  await expect.poll(() => inView(page, 'Bo, live')).toBe(true)
  expect(await page.locator('.vlist__row:has(.new-sep) + .vlist__row', { hasText: 'Bo, live' }).count()).toBe(0)

  // opened again with nothing new: no line, at the bottom
  await toChats(page)
  await openChat(page, chat.id)
  await expect.poll(() => inView(page, 'Bo, live')).toBe(true)
  expect(await line(page).count()).toBe(0)
  // (Ann's answer stored: the room has heard from the server, so what comes now is live)
  await sendInUi(page, 'Sounds good')
  await page.locator('.msg[data-state="sent"]', { hasText: 'Sounds good' }).waitFor()
  await boWrites(boPage, bo.user.id, ['Bo, live again'])
  await expect.poll(() => inView(page, 'Bo, live again')).toBe(true)
  expect(await line(page).count()).toBe(0)

  // two new ones: the line above the first, and both fit, so the list is at its bottom
  await toChats(page)
  await boWrites(boPage, bo.user.id, ['Bo again 1', 'Bo again 2'])
  await page.locator('.chat-row', { hasText: 'Bo again 2' }).waitFor()
  await openChat(page, chat.id)
  await line(page).waitFor()
  expect(await afterLine(page)).toContain('Bo again 1')
  await expect.poll(() => inView(page, 'Bo again 2')).toBe(true)
  expect(await page.getByRole('button', { name: 'Latest messages' }).count()).toBe(0)

  // a new device of Ann's has no copy of where she read up to, but the server has: no line there either
  const other = await phone(app.browser)
  await signInInUi(other.page, app.server.url, 'ann.newline')
  await openChat(other.page, chat.id)
  await expect.poll(() => inView(other.page, 'Bo again 2')).toBe(true)
  expect(await line(other.page).count()).toBe(0)
  await other.context.close()

  boPage.destroy()
  await context.close()
})
