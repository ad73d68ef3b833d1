// Replying to a message: the composer says to whom, the reply carries the quote, and whoever wrote the
// quoted message reads it as a reply to them ("Reply to you"), not with their own name for themselves.
import { expect, test } from 'vitest'
import { appHarness, friendWrote, message, phone, sendInUi, signInInUi, tab } from './helpers.ts'

const app = appHarness()

test('a reply quotes its message, to the other by name and to its author as "you" (English and Korean)', async () => {
  const { chat, theirPage } = await friendWrote(
    app.server,
    { handle: 'ann.reply', name: 'Ann' },
    { handle: 'bo.reply', name: 'Bo' },
    ['Dinner at seven?'],
  )
  theirPage.destroy()
  const a = await phone(app.browser)
  const b = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.reply')
  await signInInUi(b.page, app.server.url, 'bo.reply')

  // Ann answers Bo's question
  await a.page.locator('.chat-row', { hasText: 'Bo' }).click()
  await a.page.locator('.msg__bubble', { hasText: 'Dinner at seven?' }).click()
  await a.page.getByRole('dialog').getByRole('button', { name: 'Reply' }).click()
  await a.page
    .locator('.composer__mode', { hasText: 'Replying to' })
    .locator('strong', { hasText: /^Replying to \u2068Bo\u2069$/ })
    .waitFor()
  await sendInUi(a.page, 'Sounds good')
  const annReply = message(a.page, 'Sounds good').locator('.msg__quote')
  await annReply.locator('.msg__quote-name', { hasText: /^Reply to \u2068Bo\u2069$/ }).waitFor()
  expect(await annReply.locator('.msg__quote-text').textContent()).toBe('Dinner at seven?')

  // and adds to her own message: the composer and the quote say so, without her name
  await a.page.locator('.msg__bubble', { hasText: 'Sounds good' }).click()
  await a.page.getByRole('dialog').getByRole('button', { name: 'Reply' }).click()
  await a.page.locator('.composer__mode strong', { hasText: /^Replying to yourself$/ }).waitFor()
  await sendInUi(a.page, 'Or eight')
  await message(a.page, 'Or eight')
    .locator('.msg__quote-name', { hasText: /^Reply to yourself$/ })
    .waitFor()

  // Bo, in Korean: Ann's answer is a reply to him ("나에게 답장"), not to "나 님"
  await tab(b.page, 'Settings').click()
  await b.page.locator('.language-picker__select').first().selectOption('ko')
  await b.page.getByRole('heading', { name: '설정' }).waitFor()
  await b.page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await message(b.page, 'Sounds good')
    .locator('.msg__quote-name', { hasText: /^나에게 답장$/ })
    .waitFor()
  await message(b.page, 'Or eight')
    .locator('.msg__quote-name', { hasText: /^\u2068Ann\u2069님에게 답장$/ })
    .waitFor()
  expect(await b.page.getByText(/나 ?님/).count()).toBe(0)

  await a.context.close()
  await b.context.close()
})
