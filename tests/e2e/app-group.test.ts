// Group chat through the UI: create, invite, rename, leave, and the owner removing someone; whoever left
// or was removed no longer receives messages.
import { expect, test } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, phone, sendInUi, signInInUi } from './helpers.ts'

const app = appHarness()

test('create, invite, rename, leave', async () => {
  const [ana, ben, cho] = [
    await signUp(app.server, 'ana', 'Ana'),
    await signUp(app.server, 'ben', 'Ben'),
    await signUp(app.server, 'cho', 'Cho'),
  ]
  for (const friend of [ben, cho]) await api(app.server, ana.token, 'POST', '/api/friends', { userId: friend.user.id })

  const a = await phone(app.browser)
  const b = await phone(app.browser)
  const c = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ana')
  await signInInUi(b.page, app.server.url, 'ben')
  await signInInUi(c.page, app.server.url, 'cho')

  // Ana creates "Trip" with Ben
  await a.page.getByRole('link', { name: 'New group chat' }).click()
  await a.page.getByLabel('Group name').fill('Trip')
  await a.page.getByRole('checkbox', { name: /Ben/ }).check()
  await a.page.getByRole('button', { name: 'Create' }).click()
  await a.page.getByRole('heading', { name: 'Trip' }).waitFor()
  await sendInUi(a.page, 'Who is coming?')
  await b.page.locator('.chat-row', { hasText: 'Trip' }).click()
  await message(b.page, 'Who is coming?').waitFor()

  // Ana invites Cho; Cho gets the chat and what is said from now on
  await a.page.getByRole('button', { name: 'Chat details' }).click()
  await a.page.getByRole('button', { name: 'Invite friends' }).click()
  await a.page.getByRole('checkbox', { name: /Cho/ }).check()
  await a.page.getByRole('button', { name: 'Invite 1 friend' }).click()
  await a.page.getByRole('dialog').getByText('3 members').waitFor()
  await a.page.getByRole('button', { name: 'Close' }).click()
  await sendInUi(a.page, 'Welcome, Cho!')
  await c.page.locator('.chat-row', { hasText: 'Trip' }).click()
  await message(c.page, 'Welcome, Cho!').waitFor()
  // a tap on Ana's picture opens her profile, from which Cho can add her
  await c.page.locator('.msg__avatar').getByRole('button', { name: 'Ana' }).first().click()
  const profile = c.page.getByRole('dialog', { name: 'Profile' })
  await profile.getByText('@ana').waitFor()
  await profile.getByRole('button', { name: 'Add friend' }).waitFor()
  await profile.getByRole('button', { name: 'Close' }).click()
  // in Cho's list of members he comes first, marked as himself; the others follow by name
  await c.page.getByRole('button', { name: 'Chat details' }).click()
  await expect
    .poll(() => c.page.getByRole('dialog').locator('.list .row__title').allTextContents())
    .toEqual(['Cho (you)', 'Ana', 'Ben'])
  await c.page.getByRole('button', { name: 'Close' }).click()

  // Ana renames it; Ben's header follows
  await a.page.getByRole('button', { name: 'Chat details' }).click()
  await a.page.getByRole('button', { name: 'Rename chat' }).click()
  // the name field has the focus (the button that led there is gone), and the keyboard can do the rest
  await expect.poll(() => a.page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('title')
  await a.page.keyboard.press('ControlOrMeta+a')
  await a.page.keyboard.type('Trip to Busan')
  await a.page.keyboard.press('Enter')
  // back in the details, the focus is in the sheet, not lost on the page behind it
  await a.page.getByRole('button', { name: 'Rename chat' }).waitFor()
  expect(await a.page.evaluate(() => !!document.activeElement?.closest('dialog'))).toBe(true)
  await a.page.getByRole('button', { name: 'Close' }).click()
  await a.page.getByRole('heading', { name: /Trip to Busan/ }).waitFor()
  await b.page.getByRole('heading', { name: /Trip to Busan/ }).waitFor()

  // Cho leaves (and says yes when the sheet asks) and lands on the chat list
  await c.page.getByRole('button', { name: 'Chat details' }).click()
  await c.page.getByRole('button', { name: 'Leave chat' }).click()
  await c.page.getByRole('dialog').getByText('Leave this chat?').waitFor()
  await c.page.getByRole('button', { name: 'Leave chat' }).click()
  await c.page.getByRole('heading', { name: 'Chats' }).waitFor()

  // what is said after that reaches Ben but not Cho, not even when Cho opens the chat's address
  await sendInUi(a.page, 'Cho has left us')
  await message(b.page, 'Cho has left us').waitFor()
  const convUrl = a.page.url()
  await c.page.goto(convUrl)
  await c.page.getByText('You are no longer a member of this chat.').waitFor()
  await expect(c.page.getByText('Cho has left us').count()).resolves.toBe(0)
  await expect(c.page.getByRole('textbox', { name: 'Message' }).isDisabled()).resolves.toBe(true)
  await c.page.goto(app.server.url + '/#/chats')
  await c.page.getByRole('heading', { name: 'Chats' }).waitFor()
  await expect(c.page.getByText('Cho has left us').count()).resolves.toBe(0)

  for (const x of [a, b, c]) await x.context.close()
})

test('the owner removes a member, who loses the chat at once', async () => {
  const [dan, eve, fay] = [
    await signUp(app.server, 'dan', 'Dan'),
    await signUp(app.server, 'eve', 'Eve'),
    await signUp(app.server, 'fay', 'Fay'),
  ]
  expect(
    (await api(app.server, dan.token, 'POST', '/api/chats/group', { title: 'Band', userIds: [eve.user.id, fay.user.id] })).status,
  ).toBe(201)

  const d = await phone(app.browser)
  const e = await phone(app.browser)
  await signInInUi(d.page, app.server.url, 'dan')
  await signInInUi(e.page, app.server.url, 'eve')
  await d.page.locator('.chat-row', { hasText: 'Band' }).click()
  await sendInUi(d.page, 'Rehearsal at 7')
  await e.page.locator('.chat-row', { hasText: 'Band' }).click()
  await message(e.page, 'Rehearsal at 7').waitFor()

  // Eve is not the owner: she sees who is, and no Remove buttons
  await e.page.getByRole('button', { name: 'Chat details' }).click()
  await e.page.getByRole('dialog').getByText('Owner').waitFor()
  await expect(e.page.getByRole('button', { name: /^Remove / }).count()).resolves.toBe(0)
  await e.page.getByRole('button', { name: 'Close' }).click()

  // Dan removes Eve (and says yes when the sheet asks)
  await d.page.getByRole('button', { name: 'Chat details' }).click()
  // (the sheet may open on the cached chat info and show the buttons once the fresh one is in)
  await d.page.getByRole('button', { name: 'Remove Eve' }).waitFor()
  await expect(d.page.getByRole('button', { name: /^Remove / }).count()).resolves.toBe(2)
  await d.page.getByRole('button', { name: 'Remove Eve' }).click()
  await d.page.getByRole('button', { name: 'Remove', exact: true }).click()
  await d.page.getByRole('dialog').getByText('2 members').waitFor()
  await d.page.getByRole('button', { name: 'Close' }).click()
  // a group of two is still a group: its header says how many, as the chat list does
  await d.page.getByRole('heading', { name: /Band/ }).getByLabel('2 members').waitFor()

  // Eve's open room says so at once, and takes no more messages; what Dan says next does not reach her
  await e.page.getByText('You are no longer a member of this chat.').waitFor()
  await expect(e.page.getByRole('textbox', { name: 'Message' }).isDisabled()).resolves.toBe(true)
  // nor does her header go on counting the group's members
  expect(await e.page.locator('.topbar__count').count()).toBe(0)
  await sendInUi(d.page, 'Eve is out')
  const f = await phone(app.browser)
  await signInInUi(f.page, app.server.url, 'fay')
  await f.page.locator('.chat-row', { hasText: 'Band' }).click()
  await message(f.page, 'Eve is out').waitFor()
  await expect(e.page.getByText('Eve is out').count()).resolves.toBe(0)

  for (const x of [d, e, f]) await x.context.close()
})
