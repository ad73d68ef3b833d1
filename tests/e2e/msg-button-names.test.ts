// The button laid over each bubble (it opens the message's actions) is named for a screen reader after
// who wrote the message and its first words, so that a list of buttons tells the messages apart; what
// the bubble shows does not change.
import { expect, test } from 'vitest'
import { appHarness, friendWrote, message, phone, sendInUi, signInInUi } from './helpers.ts'

const app = appHarness()

test("a bubble's button says whose message it is and how it begins", async () => {
  const { theirPage } = await friendWrote(app.server, { handle: 'ann.names', name: 'Ann' }, { handle: 'bo.names', name: 'Bo' }, [
    'Dinner at seven? Bring the big salad bowl and two forks, please',
  ])
  theirPage.destroy()
  const { page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ann.names')
  await page.locator('.chat-row', { hasText: 'Bo' }).click()
  await sendInUi(page, 'Sounds good')
  await message(page, 'Sounds good').waitFor()

  // someone else's: their name and the first 40 characters; mine: "Your message"
  const theirs = page.getByRole('button', { name: 'Message from Bo: Dinner at seven? Bring the big salad bo…', exact: true })
  await theirs.waitFor()
  await page.getByRole('button', { name: 'Your message: Sounds good', exact: true }).waitFor()
  expect(await page.getByRole('button', { name: 'Message', exact: true }).count()).toBe(0)
  // the bubble still shows the whole text, and the button still opens the actions
  await page.getByText('Dinner at seven? Bring the big salad bowl and two forks, please', { exact: true }).waitFor()
  await theirs.click()
  await page.getByRole('dialog').getByRole('button', { name: 'Reply' }).waitFor()
})
