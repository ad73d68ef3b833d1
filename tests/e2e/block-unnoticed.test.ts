// Blocking as KakaoTalk does it, in two browsers against the real server: the blocked person notices
// nothing (their chat stays open, what they write shows as sent), and nothing they write while blocked
// reaches the blocker: not in the chat, not in the chat list's preview, order or badge, not in search,
// and not after the block is lifted either. What they write after that arrives as usual. While the block
// lasts, their edits and reactions do not show either.
import { expect, test } from 'vitest'
import * as Y from 'yjs'
import type { Chat, Session } from '../../protocol/api.ts'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import { reactKey } from '../../protocol/messages.ts'
import { api, signUp } from '../fixtures/server.ts'
import { bodies, connect, msgs, send, until } from '../fixtures/sync-client.ts'
import { appHarness, friendsWithChat, message, openDirectInUi, phone, sendInUi, signInInUi, writeMessages } from './helpers.ts'

const app = appHarness()

/** text as read, without the invisible isolates that keep user text from reordering its surroundings */
const plain = (text: string | null) => (text ?? '').replace(/[\u2066-\u2069]/g, '')

const say = (from: Session, body: string) => ({
  id: `m${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`,
  from: from.user.id,
  ts: Date.now(),
  kind: 'text' as const,
  body,
})

test('the blocked person notices nothing, and what they write while blocked never reaches the blocker', async () => {
  const s = app.server
  const dami = await signUp(s, 'dami', 'Dami')
  const ari = await signUp(s, 'ari', 'Ari')
  const chul = await signUp(s, 'chul', 'Chul')
  for (const [x, y] of [
    [dami, ari],
    [ari, dami],
  ])
    expect((await api(s, x.token, 'POST', '/api/friends', { userId: y.user.id })).status).toBe(204)
  const direct = (await api<Chat>(s, ari.token, 'POST', '/api/chats/direct', { userId: dami.user.id })).body
  const withChul = (await api<Chat>(s, chul.token, 'POST', '/api/chats/direct', { userId: dami.user.id })).body
  const plans = (await api<Chat>(s, chul.token, 'POST', '/api/chats/group', { title: 'Plans', userIds: [dami.user.id] })).body
  /** Chul writes to Dami from a plain client: each of his messages is a point by which Dami's chat list has caught up */
  const chulSays = (chat: Chat, body: string) => writeMessages(s.url, chul.token, pageDoc(chat.id, chat.page), [say(chul, body)])

  const d = await phone(app.browser)
  const a = await phone(app.browser)
  await signInInUi(d.page, s.url, 'dami')
  await signInInUi(a.page, s.url, 'ari')
  const rows = d.page.locator('.chat-row')
  const ariRow = rows.filter({ hasText: 'Ari' })
  const room = (page: typeof a.page) => page.getByRole('textbox', { name: 'Message' })

  // Ari writes; Dami has not read it
  await a.page.locator('.chat-row', { hasText: 'Dami' }).click()
  await sendInUi(a.page, 'Lunch tomorrow?')
  await a.page.locator('.msg[data-state="sent"]', { hasText: 'Lunch tomorrow?' }).waitFor()
  await ariRow.locator('.row__sub', { hasText: 'Lunch tomorrow?' }).waitFor()
  await expect(ariRow.locator('.badge').textContent()).resolves.toBe('1')

  // Dami blocks Ari (from another of her devices): her unread badge for him goes
  expect((await api(s, dami.token, 'POST', `/api/friends/${ari.user.id}/block`)).status).toBe(204)
  await ariRow.locator('.badge').waitFor({ state: 'detached' })
  await chulSays(withChul, 'Coffee?')
  await rows.first().filter({ hasText: 'Coffee?' }).waitFor()

  // Ari's chat looks as it always did: he opens it from his friends list, writes, and his message shows as sent
  await a.page.getByRole('button', { name: 'Back', exact: true }).click()
  await openDirectInUi(a.page, 'Dami')
  await message(a.page, 'Lunch tomorrow?').waitFor()
  await sendInUi(a.page, 'Lunch or not?')
  await a.page.locator('.msg[data-state="sent"]', { hasText: 'Lunch or not?' }).waitFor()
  await expect(a.page.locator('.room__lost').count()).resolves.toBe(0)
  await expect(room(a.page).isEnabled()).resolves.toBe(true)

  // Dami's chat list: once Chul's next message is in, Ari's row has neither moved up nor changed
  await chulSays(plans, 'Movie tonight?')
  await rows.first().filter({ hasText: 'Movie tonight?' }).waitFor()
  expect((await rows.locator('.row__title').allTextContents()).map(plain)).toEqual(['Plans', 'Chul', 'Ari'])
  expect(plain(await ariRow.locator('.row__sub').textContent())).toBe('Lunch tomorrow?')
  await expect(ariRow.locator('.badge').count()).resolves.toBe(0)

  // …nor in the chat: once her own reply is stored, her copy of the chat holds everything before it
  await ariRow.click()
  await message(d.page, 'Lunch tomorrow?').waitFor()
  await sendInUi(d.page, 'Busy week, sorry')
  await d.page.locator('.msg[data-state="sent"]', { hasText: 'Busy week, sorry' }).waitFor()
  await expect(message(d.page, 'Lunch or not?').count()).resolves.toBe(0)
  await expect(d.page.locator('.msg').count()).resolves.toBe(2)

  // …nor in search (once her reply is indexed, so is everything before it)
  await d.page.evaluate(() => (location.hash = '#/search'))
  const box = d.page.locator('.search-form input[type=search]')
  await box.fill('busy')
  await d.page.locator('.search__hit', { hasText: 'Busy week, sorry' }).waitFor()
  await box.fill('lunch')
  await d.page.locator('.search__hit', { hasText: 'Lunch tomorrow?' }).waitFor()
  await expect(d.page.locator('.search__hit').count()).resolves.toBe(1)

  // the block is lifted: what Ari writes now arrives, what he wrote while blocked stays away
  expect((await api(s, dami.token, 'POST', `/api/friends/${ari.user.id}/unblock`)).status).toBe(204)
  await d.page.evaluate((id) => (location.hash = `#/chat/${id}`), direct.id)
  await message(d.page, 'Busy week, sorry').waitFor()
  await sendInUi(a.page, 'Back again')
  await a.page.locator('.msg[data-state="sent"]', { hasText: 'Back again' }).waitFor()
  await message(d.page, 'Back again').waitFor()
  await expect(message(d.page, 'Lunch or not?').count()).resolves.toBe(0)

  // and so after a reload
  await d.page.reload()
  await message(d.page, 'Back again').waitFor()
  await expect(message(d.page, 'Lunch or not?').count()).resolves.toBe(0)
  await expect(d.page.locator('.msg').count()).resolves.toBe(3)
  await d.page.getByRole('button', { name: 'Back', exact: true }).click()
  await ariRow.locator('.row__sub', { hasText: 'Back again' }).waitFor()
  await a.context.close()
  await d.context.close()
})

test("while the block lasts, the blocked person's edits and reactions do not reach the blocker either", async () => {
  const s = app.server
  const {
    me: eun,
    them: bo,
    chat,
  } = await friendsWithChat(s, { handle: 'eun.block', name: 'Eun' }, { handle: 'bo.block', name: 'Bo' })
  // Bo writes from a client with acks: what it writes is known to be stored
  const bos = await connect(s, bo.token, pageDoc(chat.id, 0), { ack: true })
  const plan = send(bos, bo.user.id, 'See you at seven')
  const e = await phone(app.browser)
  await signInInUi(e.page, s.url, 'eun.block')
  await e.page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await message(e.page, 'See you at seven').waitFor()
  await sendInUi(e.page, 'Fine')
  await e.page.locator('.msg[data-state="sent"]', { hasText: 'Fine' }).waitFor()
  const fine = await until(() => bodies(bos).includes('Fine'), "Eun's message at Bo's").then(() =>
    msgs(bos)
      .toArray()
      .find((m) => m.body === 'Fine')!,
  )

  expect((await api(s, eun.token, 'POST', `/api/friends/${bo.user.id}/block`)).status).toBe(204)
  // Bo rewrites his message and laughs at hers; the server takes both (he notices nothing)
  bos.doc.transact(() => {
    bos.doc.getMap(ROOTS.page.edits).set(plan.id, { body: 'You will regret this', ts: Date.now() })
    bos.doc.getMap(ROOTS.page.reacts).set(reactKey(fine.id, bo.user.id), 'laugh')
  })
  await until(() => bos.ackedClock() >= Y.getState(bos.doc.store, bos.doc.clientID), "Bo's edit stored")
  expect(bos.closes).toEqual([])

  // once Eun's next message is stored, her copy of the chat holds Bo's edit: she still reads what he first wrote
  await sendInUi(e.page, 'Bye')
  await e.page.locator('.msg[data-state="sent"]', { hasText: 'Bye' }).waitFor()
  await expect(message(e.page, 'See you at seven').count()).resolves.toBe(1)
  await expect(e.page.getByText('You will regret this').count()).resolves.toBe(0)
  await expect(message(e.page, 'See you at seven').locator('.msg__edited').count()).resolves.toBe(0)
  await expect(e.page.locator('#app .reacts__chip').count()).resolves.toBe(0)
  // nor does search find his new words
  await e.page.evaluate(() => (location.hash = '#/search'))
  const box = e.page.locator('.search-form input[type=search]')
  await box.fill('bye')
  await e.page.locator('.search__hit', { hasText: 'Bye' }).waitFor()
  await box.fill('regret')
  await e.page.getByText('Nothing found').waitFor()
  await expect(e.page.locator('.search__hit').count()).resolves.toBe(0)
  bos.destroy()
  await e.context.close()
})
