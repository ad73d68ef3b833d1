// A followed channel works offline like a chat: once its posts were seen, a reload with no network still
// shows the channel in the chat list and its posts on its home.
import { expect, test } from 'vitest'
import * as Y from 'yjs'
import { CHANNEL_ROOTS, channelPageDoc, type Channel, type ChannelPost } from '../../protocol/channels.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, until } from '../fixtures/sync-client.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'
import { serviceWorkerControls } from './offline-setup.ts'

const app = appHarness()

test('a followed channel and the posts seen stay readable offline', async () => {
  const brand = await signUp(app.server, 'brand.off', 'Brand')
  await signUp(app.server, 'fan.off', 'Fan')
  const channel = (
    await api<Channel>(app.server, brand.token, 'POST', '/api/channels', {
      handle: 'offline.news',
      name: 'Offline News',
      category: 'news',
      langs: ['en'],
    })
  ).body
  // the brand's posts, written as its admin client would
  const page = await connect(app.server, brand.token, channelPageDoc(channel.id, 0), { ack: true })
  const posts = ['Morning edition is out', 'Evening edition is out'].map((text, i): ChannelPost => ({
    id: `offpost${i}x${Date.now().toString(36)}`,
    from: brand.user.id,
    ts: Date.now() + i,
    kind: 'text',
    text,
  }))
  page.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push(posts)
  const clock = Y.getState(page.doc.store, page.doc.clientID)
  await until(() => page.ackedClock() >= clock, 'the posts are stored')
  page.destroy()

  const { context, page: p } = await phone(app.browser)
  await signInInUi(p, app.server.url, 'fan.off')
  await serviceWorkerControls(p)
  await p.evaluate((id) => (location.hash = `#/channel/${id}`), channel.id)
  await p.getByRole('button', { name: 'Follow', exact: true }).click()
  await p.getByRole('button', { name: 'Unfollow' }).waitFor()
  await expect
    .poll(() => p.locator('.post .post__text').allTextContents())
    .toEqual(['Evening edition is out', 'Morning edition is out'])
  await p.evaluate(() => (location.hash = '#/chats'))
  await p.locator('.channel-item', { hasText: 'Offline News' }).getByText('Evening edition is out').waitFor({ timeout: 20_000 })

  await context.setOffline(true)
  await p.reload()
  await p.locator('.channel-item', { hasText: 'Offline News' }).getByText('Evening edition is out').waitFor({ timeout: 20_000 })
  await p.locator('.channel-item', { hasText: 'Offline News' }).getByRole('link').click()
  await expect
    .poll(() => p.locator('.post .post__text').allTextContents(), { timeout: 20_000 })
    .toEqual(['Evening edition is out', 'Morning edition is out'])
  await p.getByRole('heading', { name: 'Offline News' }).waitFor()
  await context.setOffline(false)
  await context.close()
}, 120_000)
