// Scheduled posts in real Chromium: a channel's admin writes a post for later, sees it in the channel's
// "Scheduled posts" with its time, and withdraws it; one scheduled for a moment later goes out by
// itself, shows in the channel and leaves the list; a follower never sees the list.
import { beforeAll, expect, test, vi } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import type { Channel } from '../../protocol/channels.ts'
import type { ScheduledPost } from '../../protocol/scheduled.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

// due posts are looked for every 100 ms (15 s in production), so that one due in a moment goes out at once
beforeAll(() => {
  vi.stubEnv('SORI_SCHEDULE_TICK_MS', '100')
})
const app = appHarness()

test('an admin schedules a post, withdraws one, and sees another go out at its time', async () => {
  const admin = await signUp(app.server, 'ann.later', 'Ann')
  const fan = await signUp(app.server, 'ben.later', 'Ben')
  const ch = (
    await api<Channel>(app.server, admin.token, 'POST', '/api/channels', {
      handle: 'laterbrand',
      name: 'Later Brand',
      category: 'brand',
      langs: ['en'],
    })
  ).body
  await api(app.server, fan.token, 'POST', `/api/channels/${ch.id}/follow`)

  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.later')
  await a.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  await a.page.getByLabel('Text', { exact: true }).fill('Tomorrow’s special')
  await a.page.getByLabel('Schedule for later').check()
  // an hour from now is offered; the admin picks tomorrow at ten
  const when = a.page.getByLabel('Publish at')
  expect(await when.inputValue()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/)
  const tomorrow = await a.page.evaluate(() => {
    const d = new Date(Date.now() + 86_400_000)
    d.setHours(10, 0, 0, 0)
    const p = (n: number) => String(n).padStart(2, '0')
    return { value: `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T10:00`, at: d.getTime() }
  })
  await when.fill(tomorrow.value)
  await a.page.getByRole('button', { name: 'Schedule', exact: true }).click()
  await a.page.getByText(/^Scheduled for /).waitFor()
  const list = a.page.locator('.scheduled')
  await list.getByText('Tomorrow’s special').waitFor()
  expect(await a.page.locator('.post').count()).toBe(0)
  const listed = (await api<ScheduledPost[]>(app.server, admin.token, 'GET', `/api/channels/${ch.id}/scheduled`)).body
  expect(listed).toMatchObject([{ at: tomorrow.at, state: 'pending', post: { kind: 'text', text: 'Tomorrow’s special' } }])

  // withdrawn: gone from the list and from the server
  await list.getByRole('button', { name: 'Withdraw' }).click()
  await expect.poll(() => a.page.locator('.scheduled').count(), { timeout: 20_000 }).toBe(0)
  expect((await api<ScheduledPost[]>(app.server, admin.token, 'GET', `/api/channels/${ch.id}/scheduled`)).body).toEqual([])

  // one due in a moment (scheduled from another device of Ann's): listed, then out in the channel by itself
  const soon = await api<ScheduledPost>(app.server, admin.token, 'POST', `/api/channels/${ch.id}/scheduled`, {
    at: Date.now() + 4_000,
    post: { kind: 'text', text: 'Doors open now' },
  })
  expect(soon.status).toBe(201)
  await a.page.reload()
  await a.page.locator('.post', { hasText: 'Doors open now' }).waitFor({ timeout: 20_000 })
  await expect.poll(() => a.page.locator('.scheduled').count(), { timeout: 20_000 }).toBe(0)

  // the follower reads the post and never sees the schedule
  const b = await phone(app.browser)
  await signInInUi(b.page, app.server.url, 'ben.later')
  await b.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  await b.page.locator('.post', { hasText: 'Doors open now' }).waitFor()
  expect(await b.page.getByLabel('Schedule for later').count()).toBe(0)
  expect(await b.page.locator('.scheduled').count()).toBe(0)

  await a.context.close()
  await b.context.close()
})
