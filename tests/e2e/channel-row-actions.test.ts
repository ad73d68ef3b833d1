// A followed channel in the chat list is a row like a chat's: its unread posts count in the Chats tab's
// badge (unless muted), and its ⋯ button mutes it or unfollows it in one tap, without opening it.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { CHANNEL_ROOTS, channelPageDoc, type Channel, type ChannelPost } from '../../protocol/channels.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, stockClient, phone, signInInUi } from './helpers.ts'

const app = appHarness()
const row = (page: Page, name: string) => page.locator('.channel-item', { hasText: name })
const tabBadge = (page: Page) => page.locator('.tabbar__badge')

test("a channel's unread posts count in the Chats tab; its row's ⋯ mutes and unfollows it", async () => {
  const admin = await signUp(app.server, 'ann.rowact', 'Ann')
  const ben = await signUp(app.server, 'ben.rowact', 'Ben')
  const ch = (
    await api<Channel>(app.server, admin.token, 'POST', '/api/channels', {
      handle: 'rowbrand',
      name: 'Row Brand',
      category: 'brand',
      langs: ['en'],
    })
  ).body
  await api(app.server, ben.token, 'POST', `/api/channels/${ch.id}/follow`)

  const { page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ben.rowact')
  await row(page, 'Row Brand').waitFor({ timeout: 20_000 })
  // two posts, from the channel's console (a stock Yjs client)
  const { doc, close } = await stockClient(app.server.url, admin.token, channelPageDoc(ch.id, 0))
  const post = (n: number): ChannelPost => ({
    id: `row${n}x${Date.now().toString(36)}`,
    from: admin.user.id,
    ts: Date.now(),
    kind: 'text',
    text: `News ${n}`,
  })
  doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([post(1), post(2)])

  // the list asks for the channels' latest posts again every minute; a reload asks at once
  await page.reload()
  await expect.poll(() => row(page, 'Row Brand').locator('.badge').textContent(), { timeout: 20_000 }).toBe('2')
  // no chat holds a message: the tab's count is the channel's
  await expect.poll(() => tabBadge(page).textContent(), { timeout: 10_000 }).toBe('2')
  close()

  await row(page, 'Row Brand')
    .getByRole('button', { name: /Row Brand/ })
    .click()
  await page.getByRole('dialog').getByRole('button', { name: 'Mute', exact: true }).click()
  await row(page, 'Row Brand').getByRole('img', { name: 'Muted' }).waitFor({ timeout: 10_000 })
  // a muted channel keeps its own count and leaves the total
  expect(await row(page, 'Row Brand').locator('.badge').textContent()).toBe('2')
  await expect.poll(() => tabBadge(page).count(), { timeout: 10_000 }).toBe(0)
  const muted = await api<{ muted?: number }>(app.server, ben.token, 'GET', `/api/channels/${ch.id}`)
  expect(muted.body.muted).toBeDefined()

  await row(page, 'Row Brand')
    .getByRole('button', { name: /Row Brand/ })
    .click()
  await page.getByRole('dialog').getByRole('button', { name: 'Unfollow' }).click()
  await expect.poll(() => row(page, 'Row Brand').count(), { timeout: 10_000 }).toBe(0)
  expect(page.url()).toMatch(/#\/chats$|\/$/)
  const followed = await api<{ following?: boolean }>(app.server, ben.token, 'GET', `/api/channels/${ch.id}`)
  expect(followed.body.following).toBe(false)
})
