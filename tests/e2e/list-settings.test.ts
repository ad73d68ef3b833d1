// The chat list's own settings: pin, mute, archive, delete from the list and leave. They live in the
// user's inbox doc, so they survive a reload and show on the user's other devices.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, phone, signInInUi, tab, writeMessages } from './helpers.ts'

const app = appHarness()
type Session = Awaited<ReturnType<typeof signUp>>

const titles = (page: Page): Promise<string[]> =>
  page
    .locator('.chat-row .row__title')
    .evaluateAll((els) => els.map((e) => (e.textContent ?? '').replace(/[\u2066-\u2069]/g, '')))
const row = (page: Page, title: string) => page.locator('.chat-item', { hasText: title })
const sheet = (page: Page) => page.getByRole('dialog')

/** Opens a chat's options from its "⋯" button and picks one. */
async function act(page: Page, title: string, action: string): Promise<void> {
  await page.getByRole('button', { name: `Options for ${title}` }).click()
  await sheet(page).getByRole('button', { name: action, exact: true }).click()
}

/** Waits until the list shows these titles in this order. */
async function waitForOrder(page: Page, order: string[]): Promise<void> {
  await page.waitForFunction(
    (want) =>
      JSON.stringify(
        [...document.querySelectorAll('.chat-row .row__title')].map((e) => (e.textContent ?? '').replace(/[\u2066-\u2069]/g, '')),
      ) === JSON.stringify(want),
    order,
    { timeout: 30_000 },
  )
}

let seq = 0
const say = (from: Session, convId: string, body: string, page = 0): Promise<void> =>
  writeMessages(app.server.url, from.token, `c:${convId}:${page}`, [
    { id: `list-${process.pid}-${++seq}`, from: from.user.id, ts: Date.now(), kind: 'text', body },
  ])

async function befriend(a: Session, b: Session): Promise<void> {
  await api(app.server, a.token, 'POST', '/api/friends', { userId: b.user.id })
  await api(app.server, b.token, 'POST', '/api/friends', { userId: a.user.id })
}

/** Friends with a 1:1 chat. */
async function friends(a: Session, b: Session): Promise<Chat> {
  await befriend(a, b)
  return (await api<Chat>(app.server, a.token, 'POST', '/api/chats/direct', { userId: b.user.id })).body
}

test('a pinned chat goes to the top, stays there after a reload and on the same user’s other device', async () => {
  const ann = await signUp(app.server, 'ann.pin', 'Ann')
  const bo = await signUp(app.server, 'bo.pin', 'Bo')
  const cy = await signUp(app.server, 'cy.pin', 'Cy')
  const direct = await friends(ann, bo)
  await befriend(ann, cy)
  const group = (
    await api<Chat>(app.server, ann.token, 'POST', '/api/chats/group', { title: 'Book club', userIds: [bo.user.id, cy.user.id] })
  ).body
  await say(cy, group.id, 'Chapter 3 for Friday')
  await say(bo, direct.id, 'Lunch?')

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ann.pin')
  await waitForOrder(page, ['Bo', 'Book club'])
  await act(page, 'Book club', 'Pin to top')
  await waitForOrder(page, ['Book club', 'Bo'])
  await row(page, 'Book club').getByRole('img', { name: 'Pinned' }).waitFor()

  await page.reload()
  await waitForOrder(page, ['Book club', 'Bo'])

  // a newer message elsewhere does not push a pinned chat down
  await say(bo, direct.id, 'Or dinner?')
  await row(page, 'Bo').getByText('Or dinner?').waitFor()
  await expect(titles(page)).resolves.toEqual(['Book club', 'Bo'])

  const other = await app.browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'en-US' })
  const page2 = await other.newPage()
  await signInInUi(page2, app.server.url, 'ann.pin')
  await waitForOrder(page2, ['Book club', 'Bo'])

  // unpinned on the second device: the first one follows
  await act(page2, 'Book club', 'Unpin')
  await waitForOrder(page, ['Bo', 'Book club'])
  await other.close()
  await context.close()
})

test('a chat muted for an hour keeps its count, greyed with a muted mark, and leaves the total', async () => {
  const dee = await signUp(app.server, 'dee.mute', 'Dee')
  const eli = await signUp(app.server, 'eli.mute', 'Eli')
  const chat = await friends(dee, eli)
  await say(eli, chat.id, 'Are you there?')
  await say(eli, chat.id, 'Call me')

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'dee.mute')
  await row(page, 'Eli').getByLabel('2 unread messages').waitFor()
  await tab(page, 'Chats').getByLabel('2 unread messages').waitFor()
  // and the tab says so in its name, not as a bare figure
  await page.getByRole('navigation').getByRole('link', { name: 'Chats 2 unread messages', exact: true }).waitFor()
  await page.waitForFunction(() => document.title === '(2) Sori', undefined, { timeout: 30_000 })

  await act(page, 'Eli', 'Mute for 1 hour')
  await row(page, 'Eli').getByRole('img', { name: 'Muted' }).waitFor()
  await page.waitForFunction(() => document.title === 'Sori', undefined, { timeout: 30_000 })
  await expect(tab(page, 'Chats').locator('.badge').count()).resolves.toBe(0)
  // the chat's own count stays, greyed
  await expect(row(page, 'Eli').locator('.badge.badge--muted').textContent()).resolves.toBe('2')

  await page.reload()
  await row(page, 'Eli').getByRole('img', { name: 'Muted' }).waitFor()
  await expect(tab(page, 'Chats').locator('.badge').count()).resolves.toBe(0)

  // the sheet says until when (an hour before midnight, until tomorrow)
  await page.getByRole('button', { name: 'Options for Eli' }).click()
  await page
    .getByRole('dialog')
    .getByText(/^Muted until (tomorrow )?\d{1,2}:\d{2}\s?(AM|PM)\.$/)
    .waitFor()
  await page.getByRole('dialog').getByRole('button', { name: 'Turn notifications back on', exact: true }).click()
  await tab(page, 'Chats').getByLabel('2 unread messages').waitFor()
  await expect(row(page, 'Eli').getByRole('img', { name: 'Muted' }).count()).resolves.toBe(0)

  // and from inside the chat: its details sheet mutes it too
  await row(page, 'Eli').getByRole('link').click()
  await page.getByRole('button', { name: 'Chat details' }).click()
  const sheet = page.getByRole('dialog', { name: 'Eli' })
  await sheet.getByRole('button', { name: 'Mute until turned back on' }).click()
  await sheet.getByRole('button', { name: 'Turn notifications back on' }).waitFor()
  await page.keyboard.press('Escape')
  await page.getByRole('button', { name: 'Back', exact: true }).click()
  await row(page, 'Eli').getByRole('img', { name: 'Muted' }).waitFor()
  await context.close()
})

test('"Muted until" says "tomorrow" when the mute ends after midnight, and the date when further away', async () => {
  const fay = await signUp(app.server, 'fay.mute', 'Fay')
  const gus = await signUp(app.server, 'gus.mute', 'Gus')
  const chat = await friends(fay, gus)
  await say(gus, chat.id, 'Up late?')

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'fay.mute')
  await row(page, 'Gus').getByLabel('1 unread message').waitFor()
  // 20:00 on the phone's clock: eight hours on ends at 4 in the morning
  await page.clock.setFixedTime(new Date(2026, 11, 7, 20, 0))
  await act(page, 'Gus', 'Mute for 8 hours')
  await row(page, 'Gus').getByRole('img', { name: 'Muted' }).waitFor()
  await page.getByRole('button', { name: 'Options for Gus' }).click()
  await sheet(page)
    .getByText(/^Muted until tomorrow 4:00\sAM\.$/)
    .waitFor()
  await page.keyboard.press('Escape')
  await sheet(page).waitFor({ state: 'detached' })

  // seen two days earlier (a phone whose clock was set back), the end is a date, not a bare time
  await page.clock.setFixedTime(new Date(2026, 11, 5, 20, 0))
  await page.getByRole('button', { name: 'Options for Gus' }).click()
  await sheet(page)
    .getByText(/^Muted until Dec 8, 4:00\sAM\.$/)
    .waitFor()
  await context.close()
})

test('an archived chat moves to Archived and stays there when a message comes', async () => {
  const fay = await signUp(app.server, 'fay.arch', 'Fay')
  const gus = await signUp(app.server, 'gus.arch', 'Gus')
  const hal = await signUp(app.server, 'hal.arch', 'Hal')
  const withGus = await friends(fay, gus)
  const withHal = await friends(fay, hal)
  await say(gus, withGus.id, 'Old news')
  await say(hal, withHal.id, 'Hello Fay')

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'fay.arch')
  await waitForOrder(page, ['Hal', 'Gus'])
  await act(page, 'Gus', 'Archive')
  await waitForOrder(page, ['Hal'])

  await say(gus, withGus.id, 'Still there?')
  // the Archived row says that unread messages wait there: Old news and Still there?
  await expect
    .poll(
      () =>
        page
          .getByRole('button', { name: /^Archived/ })
          .locator('.badge')
          .textContent(),
      { timeout: 10_000 },
    )
    .toBe('2')
  await page.getByRole('button', { name: /^Archived/ }).click()
  await page.getByRole('heading', { name: 'Archived' }).waitFor()
  await row(page, 'Gus').getByText('Still there?').waitFor()
  await expect(titles(page)).resolves.toEqual(['Gus'])
  // the Chats tab leaves Archived for the list, as it leaves any screen; Archived is one tap away again
  await tab(page, 'Chats').click()
  await page.getByRole('heading', { name: 'Chats' }).waitFor()
  await waitForOrder(page, ['Hal'])
  await page.getByRole('button', { name: /^Archived/ }).click()
  await page.getByRole('heading', { name: 'Archived' }).waitFor()

  await act(page, 'Gus', 'Move out of Archived')
  await page.getByText('No archived chats.').waitFor()
  await page.getByRole('button', { name: 'Back' }).click()
  await waitForOrder(page, ['Gus', 'Hal'])
  await context.close()
})

/**
 * Friends `me` and `them` with a 1:1 chat `them` wrote in, which `me` deletes from the list in the
 * browser: the list is empty afterwards.
 */
async function deletedFromList(me: { handle: string; name: string }, them: { handle: string; name: string }) {
  const mine = await signUp(app.server, me.handle, me.name)
  const theirs = await signUp(app.server, them.handle, them.name)
  const chat = await friends(mine, theirs)
  await say(theirs, chat.id, 'First')

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, me.handle)
  await waitForOrder(page, [them.name])
  await act(page, them.name, 'Delete from list')
  await page.getByText('No chats yet', { exact: false }).waitFor()
  return { theirs, chat, context, page }
}

test('a 1:1 chat deleted from the list comes back with the next message', async () => {
  const {
    theirs: jo,
    chat,
    context,
    page,
  } = await deletedFromList({ handle: 'ivy.hide', name: 'Ivy' }, { handle: 'jo.hide', name: 'Jo' })
  await page.reload()
  await page.getByText('No chats yet', { exact: false }).waitFor()

  await say(jo, chat.id, 'Are you ignoring me?')
  await row(page, 'Jo').getByText('Are you ignoring me?').waitFor()
  await context.close()
})

test('a 1:1 chat deleted from the list comes back when I open it from the friend’s profile', async () => {
  const { context, page } = await deletedFromList({ handle: 'kim.hide', name: 'Kim' }, { handle: 'lou.hide', name: 'Lou' })
  await tab(page, 'Friends').click()
  await page.locator('.row', { hasText: 'Lou' }).first().click()
  await sheet(page).getByRole('button', { name: '1:1 chat' }).click()
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
  await page.getByRole('button', { name: 'Back' }).click()
  await tab(page, 'Chats').click()
  await waitForOrder(page, ['Lou'])
  // and on the next start too: the list setting itself changed, not just this screen
  await page.reload()
  await waitForOrder(page, ['Lou'])
  await context.close()
})

test('leaving a group from the list asks first', async () => {
  const kim = await signUp(app.server, 'kim.leave', 'Kim')
  const lee = await signUp(app.server, 'lee.leave', 'Lee')
  await befriend(kim, lee)
  const group = (await api<Chat>(app.server, kim.token, 'POST', '/api/chats/group', { title: 'Trip', userIds: [lee.user.id] }))
    .body
  await say(lee, group.id, 'Tickets booked')

  const { context, page } = await phone(app.browser)
  const native: string[] = []
  page.on('dialog', (d) => native.push(d.message()))
  await signInInUi(page, app.server.url, 'kim.leave')
  await act(page, 'Trip', 'Leave chat')
  await sheet(page).getByText('Leave this chat? You will no longer receive its messages.').waitFor()
  await sheet(page).getByRole('button', { name: 'Cancel' }).click()
  await expect(titles(page)).resolves.toContain('Trip')

  await sheet(page).getByRole('button', { name: 'Close' }).click()
  await sheet(page).waitFor({ state: 'detached' })
  await act(page, 'Trip', 'Leave chat')
  await sheet(page).getByRole('button', { name: 'Leave chat' }).click()
  await sheet(page).waitFor({ state: 'detached' })
  await row(page, 'Trip').waitFor({ state: 'detached' })
  await page.getByText('No chats yet', { exact: false }).waitFor()
  expect(native).toEqual([])
  const listed = await api<Chat[]>(app.server, kim.token, 'GET', '/api/chats')
  expect(listed.body.map((c) => c.id)).not.toContain(group.id)
  await context.close()
})

test('a new device never says "No chats yet" while its chats are on their way', async () => {
  const kim = await signUp(app.server, 'kim.first', 'Kim')
  const lee = await signUp(app.server, 'lee.first', 'Lee')
  const chat = await friends(kim, lee)
  await say(lee, chat.id, 'Welcome back')

  const { context, page } = await phone(app.browser)
  // the sync sockets open but hear nothing from the server, as on a network that is slow to answer
  const held: Array<{ close(): Promise<void> }> = []
  let holding = true
  await page.routeWebSocket(/\/sync\//, (ws) => {
    if (holding) held.push(ws)
    else ws.connectToServer()
  })
  // anything that ever reads "No chats yet" is noted, however briefly it was there
  await page.addInitScript(() => {
    new MutationObserver(() => {
      if (document.body?.textContent?.includes('No chats yet')) (window as unknown as { sawEmpty: boolean }).sawEmpty = true
    }).observe(document, { childList: true, subtree: true, characterData: true })
  })
  await signInInUi(page, app.server.url, 'kim.first')
  await expect.poll(() => held.length, { timeout: 20_000 }).toBeGreaterThan(0)
  await page.locator('.empty[aria-busy="true"]').waitFor()
  // the server answers: the sockets reconnect, unheld, and the chat comes
  holding = false
  for (const ws of held) await ws.close()
  await row(page, 'Lee').getByText('Welcome back').waitFor({ timeout: 20_000 })
  expect(await page.evaluate(() => (window as unknown as { sawEmpty?: boolean }).sawEmpty ?? false)).toBe(false)
  await context.close()
})

test('a member who read a group and leaves it from the list no longer has it, after a reload too', async () => {
  const ann = await signUp(app.server, 'ann.left', 'Ann')
  const bo = await signUp(app.server, 'bo.left', 'Bo')
  const cy = await signUp(app.server, 'cy.left', 'Cy')
  await befriend(ann, bo)
  await befriend(ann, cy)
  const group = (
    await api<Chat>(app.server, ann.token, 'POST', '/api/chats/group', {
      title: 'Hiking crew',
      userIds: [bo.user.id, cy.user.id],
    })
  ).body
  await say(ann, group.id, 'Saturday at 8?')

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'bo.left')
  // Bo reads it in the chat, and comes back to the list
  await row(page, 'Hiking crew').locator('.chat-row').click()
  await page.getByText('Saturday at 8?').waitFor()
  await page.goBack()
  await row(page, 'Hiking crew').waitFor()
  await act(page, 'Hiking crew', 'Leave chat')
  await sheet(page).getByRole('button', { name: 'Leave chat' }).click()
  await sheet(page).waitFor({ state: 'detached' })
  await row(page, 'Hiking crew').waitFor({ state: 'detached' })
  // the others are told, and write on
  await say(ann, group.id, 'Bo left, so just us two')
  await page.reload()
  await page.locator('.tabbar').waitFor()
  await page.waitForTimeout(1_500)
  expect(await titles(page)).not.toContain('Hiking crew')
  expect(await page.locator('.tabbar__badge').count()).toBe(0)
  await context.close()
})
