// Names stay true: a rename reaches the other person's chat list (live, after a reload, and on a device
// that was closed meanwhile), and someone who left a group keeps their name and avatar letter on what
// they wrote, for everyone, after a reload too.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { pageDoc } from '../../protocol/docs.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, phone, signInInUi, tab, writeMessages } from './helpers.ts'

const app = appHarness()

/** exactly this text, also when the app renders it as a bidi isolate (U+2068 … U+2069) */
const exactly = (text: string) => new RegExp(`^\u2068?${text}\u2069?$`)
const chatRow = (page: Page, title: string) =>
  page.locator('.chat-row', { has: page.locator('.row__title', { hasText: exactly(title) }) })

test("a rename shows in the other person's chat list, live and after a reload", async () => {
  const [ana, ben] = [await signUp(app.server, 'rn_ana', 'Ana'), await signUp(app.server, 'rn_ben', 'Ben')]
  await api(app.server, ana.token, 'POST', '/api/friends', { userId: ben.user.id })
  await api(app.server, ben.token, 'POST', '/api/friends', { userId: ana.user.id })
  const chat = (await api<Chat>(app.server, ana.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body
  await writeMessages(app.server.url, ana.token, pageDoc(chat.id, 0), [
    { id: 'names-rn-0001', from: ana.user.id, ts: Date.now(), kind: 'text', body: 'Hi Ben' },
  ])

  const a = await phone(app.browser)
  const b = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'rn_ana')
  await signInInUi(b.page, app.server.url, 'rn_ben')
  await chatRow(b.page, 'Ana').waitFor()

  // Ana has the chat open (the server holds it in memory) and renames herself in Settings
  await chatRow(a.page, 'Ben').click()
  await message(a.page, 'Hi Ben').waitFor()
  const rename = async (name: string) => {
    await a.page.getByRole('button', { name: 'Back' }).click()
    await tab(a.page, 'Settings').click()
    await a.page.getByLabel('Display name').fill(name)
    await a.page.getByRole('button', { name: 'Save' }).click()
    await a.page.getByText('Saved.').waitFor()
    await tab(a.page, 'Chats').click()
    await chatRow(a.page, 'Ben').click()
    await message(a.page, 'Hi Ben').waitFor()
  }
  await rename('Anastasia')

  // Ben's chat list follows while he looks at it, and after a reload
  await chatRow(b.page, 'Anastasia').waitFor()
  await b.page.reload()
  await chatRow(b.page, 'Anastasia').waitFor()
  await expect(chatRow(b.page, 'Ana').count()).resolves.toBe(0)

  // Ben's tab is closed while Ana renames again: the app opened later shows the new name
  await b.page.close()
  await rename('Ana Kim')
  const again = await b.context.newPage()
  await again.goto(app.server.url)
  await chatRow(again, 'Ana Kim').waitFor()
  await expect(chatRow(again, 'Anastasia').count()).resolves.toBe(0)

  for (const x of [a, b]) await x.context.close()
})

test('someone who left a group keeps their name and avatar letter on their messages, for everyone', async () => {
  const [ana, ben, cho] = [
    await signUp(app.server, 'lf_ana', 'Ana'),
    await signUp(app.server, 'lf_ben', 'Ben'),
    await signUp(app.server, 'lf_cho', 'Cho'),
  ]
  const chat = (
    await api<Chat>(app.server, ana.token, 'POST', '/api/chats/group', { title: 'Hikers', userIds: [ben.user.id, cho.user.id] })
  ).body
  const ts = Date.now()
  await writeMessages(app.server.url, cho.token, pageDoc(chat.id, 0), [
    { id: 'names-lf-0001', from: cho.user.id, ts, kind: 'text', body: 'Cho was here' },
  ])
  await writeMessages(app.server.url, ana.token, pageDoc(chat.id, 0), [
    { id: 'names-lf-0002', from: ana.user.id, ts: ts + 1, kind: 'text', body: 'Hello from Ana' },
  ])

  const a = await phone(app.browser)
  const b = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'lf_ana')
  await signInInUi(b.page, app.server.url, 'lf_ben')
  for (const p of [a.page, b.page]) {
    await chatRow(p, 'Hikers').click()
    await message(p, 'Cho was here')
      .locator('.msg__name', { hasText: exactly('Cho') })
      .waitFor()
  }

  expect((await api(app.server, cho.token, 'POST', `/api/chats/${chat.id}/leave`)).status).toBe(204)

  /** Cho's message, once the chat's member list no longer has Cho, still says who wrote it. */
  const choStillNamed = async (p: Page) => {
    await p.getByRole('button', { name: 'Chat details' }).click()
    await p.getByRole('dialog').getByText('2 members').waitFor()
    await p.getByRole('button', { name: 'Close' }).click()
    const row = message(p, 'Cho was here')
    await row.locator('.msg__name', { hasText: exactly('Cho') }).waitFor()
    await row.locator('.msg__avatar .avatar', { hasText: exactly('C') }).waitFor()
    await expect(p.getByText('Someone', { exact: true }).count()).resolves.toBe(0)
  }
  for (const p of [a.page, b.page]) await choStillNamed(p)
  for (const p of [a.page, b.page]) {
    await p.reload()
    await message(p, 'Hello from Ana').waitFor()
    await choStillNamed(p)
  }

  // and search names the author of the hit as well
  await a.page.getByRole('button', { name: 'Back' }).click()
  await tab(a.page, 'Search').click()
  await a.page
    .getByRole('searchbox', { name: 'Search friends, chats and messages' })
    .or(a.page.getByLabel('Search friends, chats and messages'))
    .first()
    .fill('here')
  const hit = a.page.locator('.search__hit', { hasText: 'Cho was here' })
  await hit.locator('.search__author', { hasText: /Cho/ }).waitFor()
  await expect(a.page.locator('.search__author', { hasText: 'Someone' }).count()).resolves.toBe(0)

  for (const x of [a, b]) await x.context.close()
})
