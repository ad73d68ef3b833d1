// An admin posting with no network: nothing could answer, so "Posted." comes at once rather than after the
// wait for the server's answer (5 s of spinner), and the post goes out, as any offline write, once the
// network is back.
import { expect, test } from 'vitest'
import type { Channel, ChannelPost } from '../../protocol/channels.ts'
import { CHANNEL_ROOTS, channelPageDoc } from '../../protocol/channels.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect } from '../fixtures/sync-client.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()

/** well under the 5 s that posting waits for an answer while online */
const AT_ONCE_MS = 4_000

test('a post written offline says "Posted." at once and is published once the network is back', async () => {
  const ann = await signUp(app.server, 'ann.offline', 'Ann')
  const ch = (
    await api<Channel>(app.server, ann.token, 'POST', '/api/channels', {
      handle: 'harbour.cafe',
      name: 'Harbour Cafe',
      category: 'food',
      langs: ['en'],
    })
  ).body

  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.offline')
  await a.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  const composer = a.page.locator('form', { has: a.page.getByText('Write a post') })
  const text = composer.getByLabel('Text', { exact: true })
  await text.waitFor({ timeout: 20_000 })

  await a.context.setOffline(true)
  await a.page.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ timeout: 20_000 })
  const body = 'Open late tonight'
  await text.fill(body)
  await composer.getByRole('button', { name: 'Post', exact: true }).click()
  await composer.getByText('Posted.').waitFor({ timeout: AT_ONCE_MS })

  await a.context.setOffline(false)
  const stored = await connect(app.server, ann.token, channelPageDoc(ch.id, 0))
  const posts = () => stored.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).map((p) => p.kind === 'text' && p.text)
  await expect.poll(posts, { timeout: 30_000 }).toEqual([body])
  stored.destroy()
  await a.context.close()
})
