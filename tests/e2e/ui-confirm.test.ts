// What cannot be undone is asked first, in the app's own sheet (never the browser's confirm()):
// "Delete for everyone", Block, Leave, Remove. And a group title the server refuses says why.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, phone, sendInUi, signInInUi, tab } from './helpers.ts'

const app = appHarness()

/** Fails the test on any native dialog (alert, confirm, prompt) the page opens. */
function noNativeDialogs(page: Page): string[] {
  const seen: string[] = []
  page.on('dialog', (d) => seen.push(`${d.type()}: ${d.message()}`))
  return seen
}

const sheet = (page: Page) => page.getByRole('dialog')

/** A sentence with a person's name in it: the name is a bidi isolate (invisible FSI … PDI around it). */
const withName = (sentence: string, name: string): RegExp =>
  new RegExp(sentence.replace(/[.?*+()[\]\\^$|{}]/g, '\\$&').replace(name, `\u2068?${name}\u2069?`))

test('"Delete for everyone" asks first; Cancel keeps the message', async () => {
  const ann = await signUp(app.server, 'ann.confirm', 'Ann')
  const bo = await signUp(app.server, 'bo.confirm', 'Bo')
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: bo.user.id })
  const chat = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: bo.user.id })).body

  const { context, page } = await phone(app.browser)
  const dialogs = noNativeDialogs(page)
  await signInInUi(page, app.server.url, 'ann.confirm')
  await page.goto(`${app.server.url}/#/chat/${chat.id}`)
  await sendInUi(page, 'The plan for Friday')
  await page.locator('.msg[data-state="sent"]', { hasText: 'The plan for Friday' }).waitFor()

  await page.locator('.msg__bubble', { hasText: 'The plan for Friday' }).click()
  await sheet(page).getByRole('button', { name: 'Delete for everyone' }).click()
  await sheet(page).getByText('Delete this message for everyone? This cannot be undone.').waitFor()
  await page.screenshot({ path: '/tmp/ui/shots/confirm-retract.png' })
  await expect(page.getByText('This message was deleted.').count()).resolves.toBe(0)
  await sheet(page).getByRole('button', { name: 'Cancel' }).click()
  await sheet(page).waitFor({ state: 'detached' })
  await expect(message(page, 'The plan for Friday').count()).resolves.toBe(1)

  await page.locator('.msg__bubble', { hasText: 'The plan for Friday' }).click()
  await sheet(page).getByRole('button', { name: 'Delete for everyone' }).click()
  await sheet(page).getByText('Delete this message for everyone?', { exact: false }).waitFor()
  await sheet(page).getByRole('button', { name: 'Delete for everyone' }).click()
  await page.getByText('This message was deleted.').waitFor()
  expect(dialogs).toEqual([])
  // set in italics, but never in Chinese, Japanese or Korean, whose fonts have none (the browser would slant them)
  const fontStyle = () => page.locator('.msg__retracted').evaluate((e) => getComputedStyle(e).fontStyle)
  expect(await fontStyle()).toBe('italic')
  for (const lng of ['zh-Hans', 'zh-Hant', 'ja', 'ko']) {
    await page.evaluate((l) => {
      document.documentElement.lang = l
    }, lng)
    expect(await fontStyle(), lng).toBe('normal')
  }
  await context.close()

  // nor does Bo's chat list keep what Ann took back
  const bos = await phone(app.browser)
  await signInInUi(bos.page, app.server.url, 'bo.confirm')
  const row = bos.page.locator('.chat-row', { hasText: 'Ann' })
  await row.getByText('This message was deleted.').waitFor()
  await expect(bos.page.getByText('The plan for Friday').count()).resolves.toBe(0)
  await bos.context.close()
})

test('Block asks first, from the profile and from "Added me"', async () => {
  const cy = await signUp(app.server, 'cy.confirm', 'Cy')
  const dee = await signUp(app.server, 'dee.confirm', 'Dee')
  const eli = await signUp(app.server, 'eli.confirm', 'Eli')
  await api(app.server, cy.token, 'POST', '/api/friends', { userId: dee.user.id })
  await api(app.server, eli.token, 'POST', '/api/friends', { userId: cy.user.id }) // Eli added Cy

  const { context, page } = await phone(app.browser)
  const dialogs = noNativeDialogs(page)
  await signInInUi(page, app.server.url, 'cy.confirm')
  await tab(page, 'Friends').click()

  // from the profile sheet: Block → the question; Cancel goes back to the profile
  await page.locator('.row--button', { hasText: 'Dee' }).click()
  await sheet(page).getByRole('button', { name: 'Block' }).click()
  await sheet(page).getByText(withName('Block Dee? You will no longer receive their messages.', 'Dee')).waitFor()
  await page.screenshot({ path: '/tmp/ui/shots/confirm-block.png' })
  await sheet(page).getByRole('button', { name: 'Cancel' }).click()
  await sheet(page).getByRole('button', { name: '1:1 chat' }).waitFor()
  await expect(page.locator('.row--button', { hasText: 'Dee' }).count()).resolves.toBe(1)
  await sheet(page).getByRole('button', { name: 'Block' }).click()
  await sheet(page).getByRole('button', { name: 'Block' }).click()
  await sheet(page).waitFor({ state: 'detached' })
  await page.locator('.row--button', { hasText: 'Dee' }).waitFor({ state: 'detached' })

  // from "Added me"
  const addedMe = page.getByRole('region', { name: /Added me/ })
  await addedMe.getByRole('button', { name: 'Block Eli' }).click()
  await sheet(page).getByText(withName('Block Eli? You will no longer receive their messages.', 'Eli')).waitFor()
  await expect(addedMe.locator('.row__title', { hasText: 'Eli' }).count()).resolves.toBe(1)
  await sheet(page).getByRole('button', { name: 'Block', exact: true }).click()
  await addedMe.waitFor({ state: 'detached' })
  expect(dialogs).toEqual([])
  await context.close()
})

test("Remove and Leave ask in the app's sheet, not the browser's confirm()", async () => {
  const [fay, gus, hal] = [
    await signUp(app.server, 'fay.confirm', 'Fay'),
    await signUp(app.server, 'gus.confirm', 'Gus'),
    await signUp(app.server, 'hal.confirm', 'Hal'),
  ]
  const group = (
    await api<Chat>(app.server, fay.token, 'POST', '/api/chats/group', { title: 'Choir', userIds: [gus.user.id, hal.user.id] })
  ).body

  const f = await phone(app.browser)
  const fDialogs = noNativeDialogs(f.page)
  await signInInUi(f.page, app.server.url, 'fay.confirm')
  await f.page.goto(`${app.server.url}/#/chat/${group.id}`)
  await f.page.getByRole('button', { name: 'Chat details' }).click()
  await f.page.getByRole('button', { name: 'Remove Hal' }).click()
  await sheet(f.page).getByText(withName('Remove Hal from this chat? They will no longer see its messages.', 'Hal')).waitFor()
  await f.page.screenshot({ path: '/tmp/ui/shots/confirm-remove.png' })
  await sheet(f.page).getByRole('button', { name: 'Cancel' }).click()
  await sheet(f.page).getByText('3 members').waitFor()
  await f.page.getByRole('button', { name: 'Remove Hal' }).click()
  await sheet(f.page).getByRole('button', { name: 'Remove', exact: true }).click()
  await sheet(f.page).getByText('2 members').waitFor()
  expect(fDialogs).toEqual([])

  const g = await phone(app.browser)
  const gDialogs = noNativeDialogs(g.page)
  await signInInUi(g.page, app.server.url, 'gus.confirm')
  await g.page.goto(`${app.server.url}/#/chat/${group.id}`)
  await g.page.getByRole('button', { name: 'Chat details' }).click()
  await g.page.getByRole('button', { name: 'Leave chat' }).click()
  await sheet(g.page).getByText('Leave this chat? You will no longer receive its messages.').waitFor()
  await g.page.screenshot({ path: '/tmp/ui/shots/confirm-leave.png' })
  await sheet(g.page).getByRole('button', { name: 'Leave chat' }).click()
  await g.page.getByRole('heading', { name: 'Chats' }).waitFor()
  expect(gDialogs).toEqual([])

  for (const x of [f, g]) await x.context.close()
})

test('a group title the server refuses says that the name is the problem', async () => {
  const ivy = await signUp(app.server, 'ivy.confirm', 'Ivy')
  const jay = await signUp(app.server, 'jay.confirm', 'Jay')
  await api(app.server, ivy.token, 'POST', '/api/friends', { userId: jay.user.id })

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ivy.confirm')
  // a right-to-left override is refused in titles (it would disguise the name)
  await page.getByRole('link', { name: 'New group chat' }).click()
  await page.getByLabel('Group name').fill('Trip\u202Epirt')
  await page.getByRole('checkbox', { name: /Jay/ }).check()
  await page.getByRole('button', { name: 'Create' }).click()
  await page.getByRole('alert').filter({ hasText: 'That chat name cannot be used.' }).waitFor()
  await page.screenshot({ path: '/tmp/ui/shots/title-refused.png' })

  // the same when renaming
  await page.getByLabel('Group name').fill('Trip')
  await page.getByRole('button', { name: 'Create' }).click()
  await page.getByRole('heading', { name: 'Trip' }).waitFor()
  await page.getByRole('button', { name: 'Chat details' }).click()
  await page.getByRole('button', { name: 'Rename chat' }).click()
  await page.getByLabel('Chat name').fill('Trip\u202Epirt')
  await page.getByRole('button', { name: 'Save' }).click()
  await sheet(page).getByRole('alert').filter({ hasText: 'That chat name cannot be used.' }).waitFor()
  await context.close()
})
