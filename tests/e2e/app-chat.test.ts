// Two people in two browsers: sign up, add each other, chat. The yellow "1" beside a message (members
// who have not read it) falls live when the other person opens the chat.
import { expect, test } from 'vitest'
import { addFriendInUi, appHarness, message, openDirectInUi, phone, sendInUi, signUpInUi, tab } from './helpers.ts'

const app = appHarness()

test('two users add each other and chat; the unread count falls live', async () => {
  const a = await phone(app.browser)
  const b = await phone(app.browser)
  await signUpInUi(a.page, app.server.url, 'alice', 'Alice')
  await signUpInUi(b.page, app.server.url, 'bora', 'Bora')

  // Alice adds Bora; Bora sees her under "Added me" and adds her back
  await addFriendInUi(a.page, 'bora')
  await tab(b.page, 'Friends').click()
  const request = b.page.getByRole('region', { name: /Added me/ })
  await request.getByRole('button', { name: 'Add Alice back' }).waitFor()
  await request.getByRole('button', { name: 'Add Alice back' }).click()
  await b.page.locator('.row--button', { hasText: 'Alice' }).waitFor()

  // Alice writes first: the message is hers, and Bora has not read it ("1")
  await openDirectInUi(a.page, 'Bora')
  // the new chat is in Alice's list before anyone writes, saying so rather than showing a blank line…
  await a.page.getByRole('button', { name: 'Back' }).click()
  await tab(a.page, 'Chats').click()
  const opened = a.page.locator('.chat-row', { hasText: 'Bora' })
  await opened.locator('.row__sub', { hasText: 'No messages yet' }).waitFor()
  // …and not in Bora's, until it holds a message (the list was written for both when the chat was made)
  await tab(b.page, 'Chats').click()
  await b.page.getByRole('heading', { name: 'Chats' }).waitFor()
  expect(await b.page.locator('.chat-row', { hasText: 'Alice' }).count()).toBe(0)
  await opened.click()
  await sendInUi(a.page, 'Hello Bora!')
  const mine = message(a.page, 'Hello Bora!')
  await mine.waitFor()
  await a.page.locator('.msg[data-state="sent"]', { hasText: 'Hello Bora!' }).waitFor()
  await expect(mine.locator('.msg__unread').textContent()).resolves.toBe('1')

  // Bora sees it in the chat list with an unread badge, then opens the chat
  await tab(b.page, 'Chats').click()
  const row = b.page.locator('.chat-row', { hasText: 'Alice' })
  await row.locator('.row__sub', { hasText: 'Hello Bora!' }).waitFor()
  await expect(row.locator('.badge').textContent()).resolves.toBe('1')
  await row.click()
  await message(b.page, 'Hello Bora!').waitFor()

  // …and the "1" disappears on Alice's screen, without a reload
  await mine.locator('.msg__unread').waitFor({ state: 'detached' })

  // Bora answers; Alice sees it live
  await sendInUi(b.page, '안녕하세요, Alice!')
  await message(a.page, '안녕하세요, Alice!').waitFor()

  // signing out of this device from Settings lands on the welcome screen, and a reload stays there
  await a.page.getByRole('button', { name: 'Back' }).click()
  await tab(a.page, 'Settings').click()
  await a.page.getByRole('button', { name: 'Sign out of this device' }).click()
  await a.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
  await a.page.reload()
  await a.page.getByRole('button', { name: 'Sign in', exact: true }).waitFor()
  await expect(a.page.getByRole('heading', { name: 'Chats' }).count()).resolves.toBe(0)
  await a.context.close()
  await b.context.close()
})
