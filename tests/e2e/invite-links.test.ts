// Invite links through the UI: a member shares a group's link (with its QR code), someone else opens
// it, joins, and lands in the chat; a friend link adds its maker; a link turned off stops working.
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { appHarness, message, phone, sendInUi, signInInUi, tab } from './helpers.ts'

const app = appHarness()

test('a group link: QR code, join, and the chat opens with the newcomer in it', async () => {
  const [ana, ben] = [await signUp(app.server, 'ana', 'Ana'), await signUp(app.server, 'ben', 'Ben')]
  await signUp(app.server, 'cid', 'Cid')
  await api<Chat>(app.server, ana.token, 'POST', '/api/chats/group', { title: 'Picnic', userIds: [ben.user.id] })

  const a = await phone(app.browser)
  const c = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ana')
  await signInInUi(c.page, app.server.url, 'cid')

  await a.page.locator('.chat-row', { hasText: 'Picnic' }).click()
  await a.page.getByRole('button', { name: 'Chat details' }).click()
  await a.page.getByRole('button', { name: 'Invite link' }).click()
  const dialog = a.page.getByRole('dialog')
  // the QR code is an inline SVG with dark modules drawn
  const qr = dialog.locator('svg.qr[role="img"]')
  await qr.waitFor()
  await expect(qr.getAttribute('aria-label')).resolves.toBe('QR code of the invite link')
  await expect(qr.locator('path').getAttribute('d')).resolves.toMatch(/^M\d/)
  await dialog.getByText(/^Works until /).waitFor()
  const link = await dialog.getByRole('textbox', { name: 'Link' }).inputValue()
  expect(link).toMatch(new RegExp(`^${app.server.url}/#/invite/[A-Za-z0-9_-]{24}$`))

  // Cid opens it: he sees the group and joins only when he says so
  await c.page.goto(link)
  await c.page.getByText('Picnic').waitFor()
  await c.page.getByText('2 members').waitFor()
  await c.page.getByText(/Ana.* invited you to this group chat\./).waitFor()
  await c.page.getByRole('button', { name: 'Join' }).click()
  await c.page.getByRole('heading', { name: /Picnic/ }).waitFor()
  // nobody invited him: the line says how he came
  await c.page.getByText('You joined with the invite link').waitFor()
  await sendInUi(c.page, 'Hi all, Cid here')
  await a.page.getByRole('button', { name: 'Close' }).click()
  await message(a.page, 'Hi all, Cid here').waitFor()
  await a.page.getByText(/Cid.* joined with the invite link/).waitFor()
  expect(await a.page.getByText(/invited Cid/).count()).toBe(0)
  await c.page.getByRole('button', { name: 'Chat details' }).click()
  await c.page.getByRole('dialog').getByText('3 members').waitFor()

  // Ana turns the link off: it no longer works for anyone
  await a.page.getByRole('button', { name: 'Chat details' }).click()
  await a.page.getByRole('button', { name: 'Invite link' }).click()
  await a.page.getByRole('button', { name: 'Turn off this link' }).click()
  await a.page.getByText('This link is turned off. Nobody can use it any more.').waitFor()
  const d = await phone(app.browser)
  await signUp(app.server, 'dee', 'Dee')
  await signInInUi(d.page, app.server.url, 'dee')
  await d.page.goto(link)
  await d.page.getByText('This invite link was turned off. Ask for a new one.').waitFor()
  await expect(d.page.getByRole('button', { name: 'Join' }).count()).resolves.toBe(0)

  for (const x of [a, c, d]) await x.context.close()
})

test('a friend link adds its maker as a friend', async () => {
  await signUp(app.server, 'eun', 'Eun')
  await signUp(app.server, 'fox', 'Fox')
  const e = await phone(app.browser)
  const f = await phone(app.browser)
  await signInInUi(e.page, app.server.url, 'eun')
  await signInInUi(f.page, app.server.url, 'fox')

  await tab(e.page, 'Friends').click()
  await e.page.getByRole('button', { name: 'My friend link' }).click()
  await e.page.getByRole('dialog').locator('svg.qr').waitFor()
  const link = await e.page.getByRole('dialog').getByRole('textbox', { name: 'Link' }).inputValue()

  await f.page.goto(link)
  await f.page.getByText('Add this person as a friend?').waitFor()
  await f.page.getByText('@eun').waitFor()
  await f.page.getByRole('button', { name: 'Add friend' }).click()
  await f.page
    .getByRole('heading', { name: /^Friends/ })
    .first()
    .waitFor()
  await f.page.locator('.row--button', { hasText: 'Eun' }).waitFor()

  // someone new scans it: after signing up they are asked about Eun, not sent to the chat list
  const g = await phone(app.browser)
  await g.page.goto(link)
  // the sign-up form says what waits behind it
  await g.page.getByRole('status').getByText('You have an invitation. Sign up or sign in to open it.').waitFor()
  await g.page.getByRole('tab', { name: 'Sign up' }).click()
  await g.page.getByLabel('ID', { exact: true }).fill('gus')
  await g.page.getByLabel('Display name').fill('Gus')
  await g.page.getByLabel('Password').fill(TEST_PASSWORD)
  await g.page.getByRole('button', { name: 'Create account' }).click()
  await g.page.getByText('Add this person as a friend?').waitFor()
  await g.page.getByRole('button', { name: 'Add friend' }).click()
  await g.page.locator('.row--button', { hasText: 'Eun' }).waitFor()
  // the app was opened at the link: Back goes to the chat list rather than out of the app
  await g.page.goBack()
  await g.page.getByRole('heading', { name: 'Chats' }).waitFor()
  expect(new URL(g.page.url()).hash).toBe('#/chats')

  for (const x of [e, f, g]) await x.context.close()
})

test('a link cut short or mistyped says it does not work, rather than opening the chat list', async () => {
  await signUp(app.server, 'hal', 'Hal')
  const h = await phone(app.browser)
  await signInInUi(h.page, app.server.url, 'hal')
  // an invite link missing its end, as a chat app may cut a long line
  await h.page.goto(`${app.server.url}/#/invite/Xq3bT9`)
  await h.page.getByText('This invite link does not work. Ask for a new one.').waitFor()
  // a share window opened with a mistyped app key
  await h.page.goto(`${app.server.url}/#/share/bogusappkey123`)
  await h.page.getByText('This app is not registered with Sori.').waitFor()
  await expect(h.page.getByRole('heading', { name: 'Chats' }).count()).resolves.toBe(0)
  await h.context.close()
})

test("someone the group's owner removed is told so by the group's link, which offers no Join", async () => {
  const [ivo, jan] = [await signUp(app.server, 'ivo', 'Ivo'), await signUp(app.server, 'jan', 'Jan')]
  const group = (await api<Chat>(app.server, ivo.token, 'POST', '/api/chats/group', { title: 'Hikes', userIds: [jan.user.id] }))
    .body
  const link = (await api<{ token: string }>(app.server, ivo.token, 'POST', '/api/invites', { kind: 'group', convId: group.id }))
    .body
  expect((await api(app.server, ivo.token, 'POST', `/api/chats/${group.id}/remove`, { userId: jan.user.id })).status).toBe(200)
  const j = await phone(app.browser)
  await signInInUi(j.page, app.server.url, 'jan')
  await j.page.goto(`${app.server.url}/#/invite/${link.token}`)
  await j.page
    .getByRole('status')
    .getByText('The group’s owner removed you from this group, so its link cannot bring you back. A member can add you again.')
    .waitFor()
  expect(await j.page.getByRole('button', { name: 'Join' }).count()).toBe(0)
  await j.context.close()
})
