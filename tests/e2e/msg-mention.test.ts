// "@me" in someone's message stands out, where the server would send its notification through a mute
// (the same pattern: not inside an e-mail address, nor a longer handle).
import { expect, test } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import type { Chat } from '../../protocol/api.ts'
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

test('typing "@" in a group offers its members; a tap or Enter writes their handle, which marks them', async () => {
  const [ana, ben, cho] = [
    await signUp(app.server, 'mp_ana', 'Ana'),
    await signUp(app.server, 'mp_ben', 'Ben Kwon'),
    await signUp(app.server, 'mp_cho', '조민지'),
  ]
  const chat = (
    await api<Chat>(app.server, ana.token, 'POST', '/api/chats/group', { title: 'Lunch', userIds: [ben.user.id, cho.user.id] })
  ).body
  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'mp_ana')
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  const box = page.locator('#composer-text')
  const offered = page.getByRole('listbox', { name: 'Mention a member' }).getByRole('option')
  // what each offers, as a screen reader says it (the picture's initial is not read)
  const said = () =>
    offered.evaluateAll((os) =>
      os.map((o) => o.querySelector('.mentions__name')!.textContent + ' ' + o.querySelector('.mentions__handle')!.textContent),
    )
  await box.fill('')
  await box.pressSequentially('Lunch? @')
  // everyone else in the group, not me
  await expect.poll(said).toEqual(['Ben Kwon @mp_ben', '조민지 @mp_cho'])
  // a name narrows it down as well as a handle; a tap picks
  await box.pressSequentially('민')
  await expect.poll(said).toEqual(['조민지 @mp_cho'])
  await offered.first().click()
  await expect(box.inputValue()).resolves.toBe('Lunch? @mp_cho ')
  await expect(offered.count()).resolves.toBe(0)
  // from the keyboard: arrows choose, Enter picks (and sends nothing yet)
  await box.pressSequentially('and @mp')
  await expect.poll(() => offered.count()).toBe(2)
  await box.press('ArrowDown')
  await expect(offered.nth(1).getAttribute('aria-selected')).resolves.toBe('true')
  await box.press('ArrowUp')
  await box.press('Enter')
  await expect(box.inputValue()).resolves.toBe('Lunch? @mp_cho and @mp_ben ')
  // Escape closes the list, leaving the text as typed
  await box.pressSequentially('@')
  await expect.poll(() => offered.count()).toBe(2)
  await box.press('Escape')
  await expect(offered.count()).resolves.toBe(0)
  await expect(box.inputValue()).resolves.toBe('Lunch? @mp_cho and @mp_ben @')
  await box.press('Backspace')
  await page.locator('.composer__send').click()
  await message(page, 'Lunch? @mp_cho and @mp_ben').and(page.locator('[data-state="sent"]')).waitFor()
  // whom it mentions stands out in the sender's bubble too (not as a mention of her)
  expect(await message(page, 'Lunch?').locator('mark.mention--other').allTextContents()).toEqual(['@mp_cho', '@mp_ben'])
  await context.close()

  // Cho reads it with her mention marked
  const c = await phone(app.browser)
  await signInInUi(c.page, app.server.url, 'mp_cho')
  await c.page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await expect
    .poll(() => message(c.page, 'Lunch?').locator('mark.mention:not(.mention--other)').allTextContents())
    .toEqual(['@mp_cho'])
  expect(await message(c.page, 'Lunch?').locator('mark.mention--other').allTextContents()).toEqual(['@mp_ben'])
  await c.context.close()
})
