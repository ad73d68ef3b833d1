// A channel read on one device is read on the others: Ben follows a channel on his phone and his laptop,
// two posts come, both show two unread; he reads the channel on the phone and the laptop's count goes to
// nothing, live. The position travels in Ben's own inbox doc: the channel's admin learns nothing of it.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { CHANNEL_ROOTS, channelPageDoc, type Channel, type ChannelPost } from '../../protocol/channels.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, stockClient, phone, signInInUi } from './helpers.ts'

const app = appHarness()
const row = (page: Page, name: string) => page.locator('.channel-item', { hasText: name })

test('reading a channel on one device clears its unread count on the others', async () => {
  const admin = await signUp(app.server, 'ann.seen', 'Ann')
  const ben = await signUp(app.server, 'ben.seen', 'Ben')
  const ch = (
    await api<Channel>(app.server, admin.token, 'POST', '/api/channels', {
      handle: 'seenbrand',
      name: 'Seen Brand',
      category: 'brand',
      langs: ['en'],
    })
  ).body
  await api(app.server, ben.token, 'POST', `/api/channels/${ch.id}/follow`)

  const phoneB = await phone(app.browser)
  const laptopB = await phone(app.browser)
  await signInInUi(phoneB.page, app.server.url, 'ben.seen')
  await signInInUi(laptopB.page, app.server.url, 'ben.seen')
  for (const d of [phoneB, laptopB]) await row(d.page, 'Seen Brand').waitFor({ timeout: 20_000 })

  // two posts, from the channel's console (a stock Yjs client)
  const { doc, close } = await stockClient(app.server.url, admin.token, channelPageDoc(ch.id, 0))
  const post = (n: number): ChannelPost => ({
    id: `seen${n}x${Date.now().toString(36)}`,
    from: admin.user.id,
    ts: Date.now(),
    kind: 'text',
    text: `News ${n}`,
  })
  doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([post(1), post(2)])
  for (const d of [phoneB, laptopB]) {
    // the list asks for the channels' latest posts again every minute; a reload asks at once
    await d.page.reload()
    await expect.poll(() => row(d.page, 'Seen Brand').locator('.badge').textContent(), { timeout: 20_000 }).toBe('2')
  }
  close()

  // read on the phone: the laptop, left as it was, counts nothing unread
  await row(phoneB.page, 'Seen Brand').getByRole('link').click()
  await phoneB.page.locator('.post', { hasText: 'News 2' }).waitFor()
  await expect.poll(() => row(laptopB.page, 'Seen Brand').locator('.badge').count(), { timeout: 20_000 }).toBe(0)

  // and it stays read there after a reload
  await laptopB.page.reload()
  await row(laptopB.page, 'Seen Brand').waitFor({ timeout: 20_000 })
  expect(await row(laptopB.page, 'Seen Brand').locator('.badge').count()).toBe(0)

  await phoneB.context.close()
  await laptopB.context.close()
})

test('a device that signs in after the follow counts what the channel posted since as unread', async () => {
  const admin = await signUp(app.server, 'ann.seen2', 'Ann')
  await signUp(app.server, 'ben.seen2', 'Ben')
  const ch = (
    await api<Channel>(app.server, admin.token, 'POST', '/api/channels', {
      handle: 'seenlater',
      name: 'Seen Later',
      category: 'brand',
      langs: ['en'],
    })
  ).body
  const { doc, close } = await stockClient(app.server.url, admin.token, channelPageDoc(ch.id, 0))
  const post = (n: number): ChannelPost => ({
    id: `later${n}x${Date.now().toString(36)}`,
    from: admin.user.id,
    ts: Date.now(),
    kind: 'text',
    text: `Update ${n}`,
  })
  // a post from before the follow: not unread anywhere
  doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([post(0)])

  // Ben follows on his phone, which never opens the channel
  const phoneB = await phone(app.browser)
  await signInInUi(phoneB.page, app.server.url, 'ben.seen2')
  await phoneB.page.goto(`${app.server.url}/#/c/seenlater`)
  await phoneB.page.getByRole('button', { name: 'Follow', exact: true }).click()
  await phoneB.page.getByRole('button', { name: 'Unfollow' }).waitFor()
  await phoneB.context.close()

  // two posts, then his laptop signs in for the first time: they are unread there
  doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([post(1), post(2)])
  close()
  const laptopB = await phone(app.browser)
  await signInInUi(laptopB.page, app.server.url, 'ben.seen2')
  await expect.poll(() => row(laptopB.page, 'Seen Later').locator('.badge').textContent(), { timeout: 20_000 }).toBe('2')
  await laptopB.context.close()
})
