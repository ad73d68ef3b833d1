// A chat that moved on two pages or more since this device last saw it (it was away while members were
// invited twice) shows its history without a gap: the newest page and the ones before it in turn, never
// the page it last saw with the newest stuck on top of it.
import { expect, test } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import type { Chat } from '../../protocol/api.ts'
import { headDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import { connect, send, until } from '../fixtures/sync-client.ts'
import { appHarness, message, phone, signInInUi } from './helpers.ts'

const app = appHarness()

test('a group opened again after two invitations shows the page between them, with no gap', async () => {
  const [ana, ben, cho, dan] = [
    await signUp(app.server, 'gap_ana', 'Ana'),
    await signUp(app.server, 'gap_ben', 'Ben'),
    await signUp(app.server, 'gap_cho', 'Cho'),
    await signUp(app.server, 'gap_dan', 'Dan'),
  ]
  const chat = (await api<Chat>(app.server, ana.token, 'POST', '/api/chats/group', { title: 'Hike', userIds: [ben.user.id] }))
    .body
  const head = await connect(app.server, ana.token, headDoc(chat.id))
  const page = () => head.doc.getMap(ROOTS.head.meta).get('page')
  const say = async (n: number, texts: string[]) => {
    const p = await connect(app.server, ana.token, pageDoc(chat.id, n), { ack: true })
    for (const text of texts) send(p, ana.user.id, text)
    await until(() => p.ackedClock() >= texts.length, `page ${n} written`)
    p.destroy()
  }
  await say(0, ['Saturday at 8?', 'Bring water'])

  // Ben reads the chat on his phone, and puts it away
  const { context, page: seen } = await phone(app.browser)
  await signInInUi(seen, app.server.url, 'gap_ben')
  await seen.locator('.chat-row', { hasText: 'Hike' }).click()
  await message(seen, 'Bring water').waitFor()
  await seen.close()

  // meanwhile each invitation into a chat that holds messages starts a page
  expect((await api(app.server, ana.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [cho.user.id] })).status).toBe(200)
  await until(() => page() === 1, 'page 1')
  await say(1, ['Cho is coming too', 'Meet at the station', 'Trail B, not A', 'Rain is forecast'])
  expect((await api(app.server, ana.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [dan.user.id] })).status).toBe(200)
  await until(() => page() === 2, 'page 2')
  head.destroy()

  // Ben opens the chat again, straight from a notification
  const phonePage = await context.newPage()
  await phonePage.goto(`${app.server.url}/#/chat/${chat.id}`)
  // the newest page holds only the invitation: the page before it comes by itself, all of it
  for (const text of ['Cho is coming too', 'Meet at the station', 'Trail B, not A', 'Rain is forecast'])
    await message(phonePage, text).waitFor({ timeout: 20_000 })
  // and nothing of page 0 sits above page 1 with a page missing between them: where page 0 shows, it is
  // right above page 1's first message
  const texts = await phonePage.locator('.msg:not(#boot .msg) .msg__text').allTextContents()
  const first = texts.indexOf('Cho is coming too')
  expect(texts.slice(first, first + 4)).toEqual([
    'Cho is coming too',
    'Meet at the station',
    'Trail B, not A',
    'Rain is forecast',
  ])
  if (texts.includes('Bring water')) expect(texts.indexOf('Bring water')).toBe(first - 1)
  await context.close()
})
