// A channel's statistics screen in real Chromium: its admin opens it from the channel's home and sees the
// rounded figures (20+ for 23 followers, "Fewer than 20" where the server withholds one), the post count
// and today's point on the follower chart; a follower sees no way in, and the address alone shows nothing.
import { beforeAll, expect, test, vi } from 'vitest'
import type { Page } from 'playwright-core'
import { api, signUp } from '../fixtures/server.ts'
import type { Channel, ChannelStats } from '../../protocol/channels.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

// the follower count is taken again on every call (an hour in production), so that the follows below show at once
beforeAll(() => {
  vi.stubEnv('SORI_CHANNEL_COUNT_MS', '0')
})
const app = appHarness()

/** The value shown under a figure's label. */
const figure = (page: Page, label: string) =>
  page
    .locator('.channel-stats__cell')
    .filter({ has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
    .locator('dd')

test('an admin opens the statistics from the channel home and sees rounded figures and the follower chart', async () => {
  const admin = await signUp(app.server, 'ann.stats', 'Ann')
  const created = await api<Channel>(app.server, admin.token, 'POST', '/api/channels', {
    handle: 'statsbrand',
    name: 'Stats Brand',
    category: 'brand',
    langs: ['en'],
  })
  expect(created.status).toBe(201)
  const id = created.body.id
  const fans = []
  for (let i = 0; i < 23; i++) {
    const fan = await signUp(app.server, `fan${i}.stats`, `Fan ${i}`)
    expect((await api(app.server, fan.token, 'POST', `/api/channels/${id}/follow`)).status).toBe(200)
    fans.push(fan)
  }

  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.stats')
  await a.page.evaluate((c) => (location.hash = `#/channel/${c}`), id)
  await a.page.getByText('You run this channel.').waitFor()
  await a.page.getByLabel('Text', { exact: true }).fill('Spring sale starts Monday')
  await a.page.getByRole('button', { name: 'Post', exact: true }).click()
  await a.page.getByText('Posted.').waitFor()
  await expect
    .poll(async () => (await api<ChannelStats>(app.server, admin.token, 'GET', `/api/channels/${id}/stats`)).body.posts, {
      timeout: 20_000,
    })
    .toBe(1)

  await a.page.getByRole('button', { name: 'Statistics' }).click()
  await a.page.getByRole('heading', { name: 'Statistics' }).waitFor()
  await a.page.getByText('nothing here names a follower').waitFor()
  // why one figure can be ahead of another
  await a.page.getByText('Followers are counted once an hour and saved coupons up to yesterday').waitFor()
  await figure(a.page, 'Followers').getByText('20+').waitFor()
  expect(await figure(a.page, 'New follows, last 7 days').textContent()).toBe('Fewer than 20')
  expect(await figure(a.page, 'Unfollows, last 7 days').textContent()).toBe('Fewer than 20')
  expect(await figure(a.page, 'Posts').textContent()).toBe('1')
  expect(await figure(a.page, 'Coupons saved').textContent()).toBe('Fewer than 20')
  expect(await figure(a.page, 'Coupons redeemed').textContent()).toBe('Fewer than 20')
  // today's rounded count is the chart's one point, and the legend says what a gap means
  const chart = a.page.getByRole('img', { name: /^Followers, last 30 days: .*latest: 20\+$/ })
  await chart.waitFor()
  expect(await chart.locator('circle').count()).toBe(1)
  await a.page.getByText('Gap: fewer than 20 that day').waitFor()
  // nothing on the screen names a follower
  const text = await a.page.locator('#channel-stats-title').locator('xpath=ancestor::section').innerText()
  for (const f of fans) expect(text).not.toContain(f.user.handle)

  // a follower: no statistics button on the channel's home, and the address alone shows no figure
  const b = await phone(app.browser)
  await signInInUi(b.page, app.server.url, 'fan0.stats')
  await b.page.evaluate((c) => (location.hash = `#/channel/${c}`), id)
  await b.page.getByRole('button', { name: 'Unfollow' }).waitFor()
  expect(await b.page.getByRole('button', { name: 'Statistics' }).count()).toBe(0)
  await b.page.evaluate((c) => (location.hash = `#/channel-stats/${c}`), id)
  await b.page.getByRole('alert').getByText('You do not have access to that.').waitFor()
  expect(await b.page.locator('.channel-stats__cell').count()).toBe(0)
  await a.context.close()
  await b.context.close()
})
