// A message id is unique within its page only: a member who starts a new page (by inviting someone) may
// give a message of theirs there the id of someone else's on the page before. What the app does to a
// message (delete for everyone, react) must still reach the message the user picked, not the other one.
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, until } from '../fixtures/sync-client.ts'
import { appHarness, message, phone, sendInUi, signInInUi } from './helpers.ts'
import { headDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'

const app = appHarness()

test("deleting my message for everyone deletes mine, though a later page holds another member's message of the same id", async () => {
  const ann = await signUp(app.server, 'ann.sameid', 'Ann')
  const mal = await signUp(app.server, 'mal.sameid', 'Mal')
  const cy = await signUp(app.server, 'cy.sameid', 'Cy')
  for (const u of [mal, cy]) await api(app.server, ann.token, 'POST', '/api/friends', { userId: u.user.id })
  await api(app.server, mal.token, 'POST', '/api/friends', { userId: cy.user.id })
  const chat = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/group', { title: 'Trip', userIds: [mal.user.id] }))
    .body

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ann.sameid')
  await page.goto(`${app.server.url}/#/chat/${chat.id}`)
  await sendInUi(page, 'I will pay for the tickets')
  await page.locator('.msg[data-state="sent"]', { hasText: 'I will pay for the tickets' }).waitFor()

  // Mal starts page 1 by inviting Cy, and writes there a message with the id of Ann's
  const first = await connect(app.server, mal.token, pageDoc(chat.id, 0))
  const annId = first.doc
    .getArray<ChatMessage>(ROOTS.page.msgs)
    .toArray()
    .find((m) => m.from === ann.user.id)!.id
  first.destroy()
  expect((await api(app.server, mal.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [cy.user.id] })).status).toBe(200)
  const head = await connect(app.server, mal.token, headDoc(chat.id))
  await until(() => head.doc.getMap(ROOTS.head.meta).get('page') === 1, 'the new page')
  head.destroy()
  const next = await connect(app.server, mal.token, pageDoc(chat.id, 1), { ack: true })
  next.doc
    .getArray<ChatMessage>(ROOTS.page.msgs)
    .push([{ id: annId, from: mal.user.id, ts: Date.now(), kind: 'text', body: 'Mal was here' }])
  await until(() => next.acks.length > 0, "Mal's message stored")
  await message(page, 'Mal was here').waitFor()

  // Ann deletes hers: hers is deleted, Mal's stays
  await page.locator('.msg__bubble', { hasText: 'I will pay for the tickets' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Delete for everyone' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Delete for everyone' }).click()
  await page.getByText('This message was deleted.').waitFor()
  await expect(message(page, 'I will pay for the tickets').count()).resolves.toBe(0)
  await expect(message(page, 'Mal was here').count()).resolves.toBe(1)
  const stored = await connect(app.server, ann.token, pageDoc(chat.id, 0))
  await until(() => stored.doc.getMap(ROOTS.page.edits).has(annId), "the deletion stored on Ann's page")
  expect(stored.doc.getMap(ROOTS.page.edits).get(annId)).toMatchObject({ retracted: true })
  stored.destroy()
  next.destroy()
  await context.close()
})
