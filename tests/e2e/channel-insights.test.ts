// Post views and clicks in real Chromium: a follower's app reports a post once it is on the screen, once
// per device (a reload does not report it again), and every tap on its button; the channel's admin then
// sees the post under "Recent posts" of the statistics, its counts withheld as "Fewer than 20".
import { expect, test } from 'vitest'
import type { Page, Request } from 'playwright-core'
import {
  CHANNEL_ROOTS,
  channelPageDoc,
  type Channel,
  type ChannelInsights,
  type ChannelPost,
  type ChannelStats,
} from '../../protocol/channels.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, stockClient, phone, signInInUi } from './helpers.ts'

const app = appHarness()

/** Every report the page sends to the channel's insights endpoint, in order. */
function reports(page: Page, channel: string): ChannelInsights[] {
  const seen: ChannelInsights[] = []
  page.on('request', (r: Request) => {
    if (r.method() === 'POST' && r.url().endsWith(`/api/channels/${channel}/insights`))
      seen.push(r.postDataJSON() as ChannelInsights)
  })
  return seen
}
const isReport = (channel: string) => (r: Request) =>
  r.method() === 'POST' && r.url().endsWith(`/api/channels/${channel}/insights`)

test('a shown post is reported once per device, a tap on its button every time, and the admin sees them withheld', async () => {
  const admin = await signUp(app.server, 'ann.insights', 'Ann')
  const fan = await signUp(app.server, 'ben.insights', 'Ben')
  const ch = (
    await api<Channel>(app.server, admin.token, 'POST', '/api/channels', {
      handle: 'insightsbrand',
      name: 'Insights Brand',
      category: 'brand',
      langs: ['en'],
    })
  ).body
  expect((await api(app.server, fan.token, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)

  // the post to watch first, then three long ones above it in the feed (newest first): it starts below the fold
  const now = Date.now()
  const target: ChannelPost = {
    id: `target${now.toString(36)}`,
    from: admin.user.id,
    ts: now - 10_000,
    kind: 'text',
    text: 'Autumn collection is here',
    buttons: [{ label: 'Shop now', url: `${app.server.url}/robots.txt` }],
  }
  const fillers: ChannelPost[] = [1, 2, 3].map((i) => ({
    id: `filler${i}x${now.toString(36)}`,
    from: admin.user.id,
    ts: now - 10_000 + i * 1_000,
    kind: 'text',
    text: `Store news ${i}. ${'Opening hours, new arrivals and events in every store this week. '.repeat(8)}`,
  }))
  const { doc, close } = await stockClient(app.server.url, admin.token, channelPageDoc(ch.id, 0))
  doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([target, ...fillers])
  await expect
    .poll(async () => (await api<ChannelStats>(app.server, admin.token, 'GET', `/api/channels/${ch.id}/stats`)).body.posts, {
      timeout: 20_000,
    })
    .toBe(4)
  close()

  const b = await phone(app.browser)
  const sent = reports(b.page, ch.id)
  await signInInUi(b.page, app.server.url, 'ben.insights')
  await b.page.evaluate((c) => (location.hash = `#/channel/${c}`), ch.id)
  const post = b.page.locator('.post', { hasText: 'Autumn collection is here' })
  const newest = b.page.locator('.post', { hasText: 'Store news 3.' })
  await newest.waitFor()
  // (the channel's card above it may leave less than half of it on a phone's first screen)
  await newest.scrollIntoViewIfNeeded()

  // what is on the screen goes first: the newest post, not the one below the fold
  // (from every report sent since the page opened: the first may go before a listener added now would hear it)
  await expect.poll(() => sent.length, { timeout: 20_000 }).toBeGreaterThan(0)
  const firstBody = sent[0]!
  expect(firstBody.views).toContain(fillers[2].id)
  expect(firstBody.views).not.toContain(target.id)

  // scrolled into view, it is reported
  await post.scrollIntoViewIfNeeded()
  await expect.poll(() => sent.some((r) => r.views?.includes(target.id)), { timeout: 20_000 }).toBe(true)
  expect(sent.filter((r) => r.views?.includes(target.id))).toHaveLength(1)
  await expect.poll(async () => Number((await counters(ch.id, target.id))?.views), { timeout: 20_000 }).toBe(1)

  // after a reload the same device shows it again without reporting it; a tap on its button is reported
  await b.page.reload()
  const afterReload = sent.length
  await post.waitFor({ timeout: 20_000 })
  await post.scrollIntoViewIfNeeded()
  const popup = b.context.waitForEvent('page')
  const clicked = b.page.waitForResponse(
    (r) => isReport(ch.id)(r.request()) && !!(r.request().postDataJSON() as ChannelInsights).clicks,
    {
      timeout: 20_000,
    },
  )
  await post.getByRole('link', { name: 'Shop now' }).click()
  await (await popup).close()
  const click = await clicked
  expect(click.status()).toBe(204)
  expect((click.request().postDataJSON() as ChannelInsights).clicks).toEqual([target.id])
  for (const r of sent.slice(afterReload)) expect(r.views ?? []).not.toContain(target.id)
  expect(await counters(ch.id, target.id)).toEqual({ views: 1, clicks: 1 })
  await b.context.close()

  // the admin's statistics list the post, its counts withheld under 20
  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.insights')
  await a.page.evaluate((c) => (location.hash = `#/channel-stats/${c}`), ch.id)
  await a.page.getByRole('heading', { name: 'Recent posts' }).waitFor()
  const row = a.page.locator('li', { hasText: 'Autumn collection is here' })
  await row.waitFor()
  const shown = (label: string) =>
    row
      .locator('.channel-stats__cell')
      .filter({ has: a.page.locator('dt', { hasText: new RegExp(`^${label}$`) }) })
      .locator('dd')
      .textContent()
  expect(await shown('Views')).toBe('Fewer than 20')
  expect(await shown('Clicks')).toBe('Fewer than 20')
  expect(await a.page.locator('li', { hasText: 'Store news 3.' }).count()).toBe(1)
  const text = await a.page.locator('#channel-stats-title').locator('xpath=ancestor::section').innerText()
  expect(text).not.toContain('ben.insights')
  await a.context.close()
})

const counters = (channel: string, post: string) =>
  app.server.db
    .get<{ views: number; clicks: number }>('SELECT views, clicks FROM channel_posts WHERE channel_id = ? AND post_id = ?', [
      channel,
      post,
    ])
    .then((r) => (r ? { views: Number(r.views), clicks: Number(r.clicks) } : undefined))
