// A post for some languages, in real Chromium: the admin of a channel that posts in English and Japanese
// ticks "Japanese" in the composer. The post is marked for Japanese readers in her feed; a follower who
// uses Sori in Japanese sees it and counts it unread, one who uses it in English neither sees it in the
// channel nor counts it, and the English follower's chat list previews the latest post that is theirs.
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { Me } from '../../protocol/api.ts'
import type { Channel } from '../../protocol/channels.ts'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()
const ja = JSON.parse(readFileSync('locales/ja.json', 'utf8')) as { chats: { title: string } }
const row = (page: Page) => page.locator('.channel-item', { hasText: 'Tokyo Records' })

/** Signs in through the welcome screen; the app then speaks the account's language. */
async function signInAs(page: Page, handle: string, chatsTitle: string): Promise<void> {
  await page.goto(app.server.url)
  await page.getByRole('tab', { name: 'Sign in' }).click()
  await page.getByLabel('ID', { exact: true }).fill(handle)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('heading', { name: chatsTitle }).waitFor()
}

test('a post for Japanese readers shows and counts for them only', async () => {
  const admin = await signUp(app.server, 'ann.tokyo', 'Ann')
  const eli = await signUp(app.server, 'eli.tokyo', 'Eli')
  const aki = await signUp(app.server, 'aki.tokyo', 'Aki')
  expect((await api<Me>(app.server, aki.token, 'PATCH', '/api/me', { lang: 'ja' })).body.lang).toBe('ja')
  const ch = (
    await api<Channel>(app.server, admin.token, 'POST', '/api/channels', {
      handle: 'tokyorecords',
      name: 'Tokyo Records',
      category: 'music',
      langs: ['en', 'ja'],
    })
  ).body
  for (const s of [eli, aki]) expect((await api(app.server, s.token, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)

  // the followers' devices know the channel before anything is posted (what was there is not unread)
  const e = await phone(app.browser)
  await signInInUi(e.page, app.server.url, 'eli.tokyo')
  const k = await phone(app.browser)
  await signInAs(k.page, 'aki.tokyo', ja.chats.title)
  for (const d of [e, k]) await row(d.page).waitFor({ timeout: 20_000 })

  // the admin writes one post for everyone, then one for Japanese readers
  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.tokyo')
  await a.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  const composer = a.page.locator('form', { has: a.page.getByText('Write a post') })
  await composer.locator('textarea').first().fill('New vinyl in store this week')
  await composer.getByRole('button', { name: 'Post', exact: true }).click()
  await a.page.locator('.post', { hasText: 'New vinyl in store this week' }).waitFor({ timeout: 20_000 })
  await composer.getByText(/^Everyone who follows the channel/).waitFor()
  await composer.getByRole('checkbox', { name: 'Japanese' }).check()
  await composer.getByText(/^Only followers who use Sori in the ticked languages/).waitFor()
  await composer.locator('textarea').first().fill('渋谷店で限定盤の先行販売')
  await composer.getByRole('button', { name: 'Post', exact: true }).click()
  const forJa = a.page.locator('.post', { hasText: '渋谷店で限定盤の先行販売' })
  await forJa.waitFor({ timeout: 20_000 })
  // her feed has both, the second marked as whose it is; the composer is back to everyone
  expect(await forJa.textContent()).toContain('For readers in Japanese')
  expect(await composer.getByRole('checkbox', { name: 'Japanese' }).isChecked()).toBe(false)

  // the list asks for the channels' latest posts again every minute; a reload asks at once
  for (const d of [e, k]) await d.page.reload()
  // Eli uses Sori in English: one unread, the post for everyone as the preview, one post in the channel
  await expect.poll(() => row(e.page).locator('.badge').textContent(), { timeout: 20_000 }).toBe('1')
  expect(await row(e.page).textContent()).toContain('New vinyl in store this week')
  await row(e.page).click()
  await e.page.locator('.post', { hasText: 'New vinyl in store this week' }).waitFor({ timeout: 20_000 })
  expect(await e.page.locator('.post').count()).toBe(1)
  expect(await e.page.content()).not.toContain('渋谷店')

  // Aki uses it in Japanese: two unread, hers as the preview, both posts
  await expect.poll(() => row(k.page).locator('.badge').textContent(), { timeout: 20_000 }).toBe('2')
  expect(await row(k.page).textContent()).toContain('渋谷店で限定盤の先行販売')
  await row(k.page).click()
  await k.page.locator('.post', { hasText: '渋谷店で限定盤の先行販売' }).waitFor({ timeout: 20_000 })
  expect(await k.page.locator('.post').count()).toBe(2)
  for (const d of [a, e, k]) await d.context.close()
})
