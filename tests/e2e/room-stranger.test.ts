// Someone who is not among my friends writes to me: the chat says so at its top, with "Add friend" and
// "Block" (asked first), as KakaoTalk does; once I add or block them, it says nothing more.
import { expect, test } from 'vitest'
import type { Chat, Friends } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, phone, signInInUi, writeMessages } from './helpers.ts'

const app = appHarness()

test('a message from someone not among my friends comes with "Add friend" and "Block"', async () => {
  const bo = await signUp(app.server, 'bo.stranger', 'Bo')
  const ann = await signUp(app.server, 'ann.stranger', 'Ann')
  const cy = await signUp(app.server, 'cy.stranger', 'Cy')
  for (const [i, from] of [ann, cy].entries()) {
    const chat = (await api<Chat>(app.server, from.token, 'POST', '/api/chats/direct', { userId: bo.user.id })).body
    await writeMessages(app.server.url, from.token, `c:${chat.id}:0`, [
      {
        id: `hi${i}x${Date.now().toString(36)}`,
        from: from.user.id,
        ts: Date.now(),
        kind: 'text',
        body: `Hi, I am ${from.user.name}`,
      },
    ])
  }

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'bo.stranger')
  const banner = page.getByRole('region', { name: /Ann.* is not in your friends\./ })
  await page.locator('.chat-row', { hasText: 'Ann' }).click()
  await banner.waitFor()
  await banner.getByRole('button', { name: 'Add friend' }).click()
  await banner.waitFor({ state: 'detached' })
  const friends = (await api<Friends>(app.server, bo.token, 'GET', '/api/friends')).body
  expect(friends.friends.map((p) => p.id)).toEqual([ann.user.id])

  // Cy: blocked, after the question
  await page.getByRole('button', { name: 'Back' }).click()
  await page.locator('.chat-row', { hasText: 'Cy' }).click()
  const cyBanner = page.getByRole('region', { name: /Cy.* is not in your friends\./ })
  await cyBanner.getByRole('button', { name: 'Block' }).click()
  await page
    .getByRole('dialog')
    .getByText(/Block .*Cy.*\? You will no longer receive their messages\./)
    .waitFor()
  await page.getByRole('dialog').getByRole('button', { name: 'Block' }).click()
  await cyBanner.waitFor({ state: 'detached' })
  const after = (await api<Friends>(app.server, bo.token, 'GET', '/api/friends')).body
  expect(after.blocked.map((p) => p.id)).toEqual([cy.user.id])
  await context.close()
})
