// Joining a group in the browser: the newcomer sees who invited them and nothing said before they came
// (the server refuses them the earlier page); everyone sees the group's system lines in their language.
import { expect, test } from 'vitest'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import type { Chat } from '../../protocol/api.ts'
import { appHarness, message, phone, sendInUi, signInInUi } from './helpers.ts'

const app = appHarness()

/** A system line saying `text`, whose names are bidi isolates (U+2068 … U+2069) */
const line = (page: import('playwright-core').Page, text: string) =>
  page.locator('.sys-line', {
    hasText: new RegExp([...text].map((ch) => ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[\u2068\u2069]*')),
  })

test('who joins sees their invitation and no earlier messages; the others see the system lines', async () => {
  const [ana, ben, cho] = [
    await signUp(app.server, 'gj_ana', 'Ana'),
    await signUp(app.server, 'gj_ben', 'Ben'),
    await signUp(app.server, 'gj_cho', 'Cho'),
  ]
  const chat = (await api<Chat>(app.server, ana.token, 'POST', '/api/chats/group', { title: 'Trip', userIds: [ben.user.id] }))
    .body

  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'gj_ana')
  await a.page.locator('.chat-row', { hasText: 'Trip' }).click()
  await sendInUi(a.page, 'Before Cho came')
  await message(a.page, 'Before Cho came').and(a.page.locator('[data-state="sent"]')).waitFor()

  expect((await api(app.server, ana.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: [cho.user.id] })).status).toBe(200)
  // Ana reads what she did as hers; the others read her name (below, Cho: "Ana invited you")
  await line(a.page, 'You invited Cho').waitFor()
  // Cho never sees it, so Cho is not among those who have not read it: only Ben is
  await expect(message(a.page, 'Before Cho came').locator('.msg__unread').textContent()).resolves.toBe('1')

  const c = await phone(app.browser)
  // the app does not even try the pages the server refuses Cho
  const refused: string[] = []
  c.page.on('console', (m) => {
    if (/403/.test(m.text())) refused.push(m.text())
  })
  await signInInUi(c.page, app.server.url, 'gj_cho')
  const row = c.page.locator('.chat-row', { hasText: 'Trip' })
  await row.waitFor()
  await expect(row.textContent()).resolves.not.toContain('Before Cho came')
  await row.click()
  await line(c.page, 'Ana invited you').waitFor()

  await sendInUi(a.page, 'Welcome, Cho!')
  await message(c.page, 'Welcome, Cho!').waitFor()
  await expect(c.page.getByText('Before Cho came').count()).resolves.toBe(0)
  await expect(c.page.getByText('You are no longer a member of this chat.').count()).resolves.toBe(0)

  expect((await api(app.server, ben.token, 'PATCH', `/api/chats/${chat.id}`, { title: 'Busan' })).status).toBe(200)
  await line(a.page, 'Ben renamed the chat to “Busan”').waitFor()
  await line(c.page, 'Ben renamed the chat to “Busan”').waitFor()
  expect((await api(app.server, ben.token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)
  await line(a.page, 'Ben left').waitFor()
  await line(c.page, 'Ben left').waitFor()
  // still nothing from before Cho came, wherever Cho looks
  await expect(c.page.getByText('Before Cho came').count()).resolves.toBe(0)

  expect(refused).toEqual([])
  for (const x of [a, c]) await x.context.close()
})

test('friends invited together read as one line, in each language', async () => {
  const [ana, ben, fay, ...more] = [
    await signUp(app.server, 'gt_ana', 'Ana'),
    await signUp(app.server, 'gt_ben', 'Ben'),
    await signUp(app.server, 'gt_fay', 'Fay'),
    await signUp(app.server, 'gt_cho', 'Cho'),
    await signUp(app.server, 'gt_dan', 'Dan'),
    await signUp(app.server, 'gt_eve', 'Eve'),
  ]
  const chat = (
    await api<Chat>(app.server, ana.token, 'POST', '/api/chats/group', {
      title: 'Band',
      userIds: [ben.user.id, fay.user.id],
    })
  ).body
  expect((await api(app.server, ben.token, 'PATCH', '/api/me', { lang: 'de' })).status).toBe(200)
  expect((await api(app.server, fay.token, 'PATCH', '/api/me', { lang: 'ko' })).status).toBe(200)
  const ids = more.map((p) => p.user.id)
  expect((await api(app.server, ana.token, 'POST', `/api/chats/${chat.id}/invite`, { userIds: ids })).status).toBe(200)

  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'gt_ana')
  await a.page.locator('.chat-row', { hasText: 'Band' }).click()
  await line(a.page, 'You invited Cho, Dan, and Eve').waitFor()
  const b = await phone(app.browser)
  await signInInUi(b.page, app.server.url, 'gt_ben')
  await b.page.locator('.chat-row', { hasText: 'Band' }).click()
  await line(b.page, 'Ana hat Cho, Dan und Eve eingeladen').waitFor()
  // one line for the three, and for the group's making one of Ben's own invitation and one of Fay's
  await expect(b.page.locator('.sys-line').count()).resolves.toBe(3)
  // in Korean each name is called with 님, and the sentence needs no particle for either form of a name
  // (signed in, the app speaks the account's language: its headings are Korean from then on)
  const f = await phone(app.browser)
  await f.page.goto(app.server.url)
  await f.page.getByRole('tab', { name: 'Sign in' }).click()
  await f.page.getByLabel('ID', { exact: true }).fill('gt_fay')
  await f.page.getByLabel('Password').fill(TEST_PASSWORD)
  await f.page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await f.page.locator('.chat-row', { hasText: 'Band' }).click()
  await line(f.page, 'Ana님이 Cho님, Dan님 및 Eve님을 초대했습니다').waitFor()
  for (const x of [a, b, f]) await x.context.close()
})
