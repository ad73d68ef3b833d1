// "@me" in someone's message stands out, where the server would send its notification through a mute
// (the same pattern: not inside an e-mail address, nor a longer handle).
import { expect, test } from 'vitest'
import { appHarness, friendWrote, message, phone, signInInUi } from './helpers.ts'

const app = appHarness()

test("a mention of me in someone's message is marked; an e-mail address or a longer handle is not", async () => {
  const { chat, theirPage } = await friendWrote(app.server, { handle: 'ivy.m', name: 'Ivy' }, { handle: 'jon.m', name: 'Jon' }, [
    'Are you coming, @ivy.m?',
    'Write to ivy.m@mail.example or @ivy.mx',
  ])
  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ivy.m')
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await message(page, 'Are you coming').locator('mark.mention', { hasText: '@ivy.m' }).waitFor()
  await message(page, 'Write to').waitFor()
  expect(await page.locator('#app mark.mention').count()).toBe(1)
  // the text reads as written
  await expect(message(page, 'Are you coming').locator('.msg__text').textContent()).resolves.toBe('Are you coming, @ivy.m?')
  theirPage.destroy()
  await context.close()
})
