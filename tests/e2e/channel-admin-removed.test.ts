// An admin removed while their channel is open on their phone: the post they then send is refused by the
// server, and the composer says why (not "Posted."), keeping what they wrote; the post is nowhere, not on
// their screen, not after a reload (where it was once sent again on every start), not on the server.
import { expect, test } from 'vitest'
import type { Channel, ChannelPost } from '../../protocol/channels.ts'
import { CHANNEL_ROOTS, channelPageDoc } from '../../protocol/channels.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect } from '../fixtures/sync-client.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()

test('a post sent after its author stopped being an admin is refused in the composer and kept nowhere', async () => {
  const ann = await signUp(app.server, 'ann.removed', 'Ann')
  const ben = await signUp(app.server, 'ben.removed', 'Ben')
  const ch = (
    await api<Channel>(app.server, ann.token, 'POST', '/api/channels', {
      handle: 'pier.bakery',
      name: 'Pier Bakery',
      category: 'food',
      langs: ['en'],
    })
  ).body
  expect((await api(app.server, ann.token, 'POST', `/api/channels/${ch.id}/admins`, { handle: 'ben.removed' })).status).toBe(200)

  const b = await phone(app.browser)
  await signInInUi(b.page, app.server.url, 'ben.removed')
  await b.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  const composer = b.page.locator('form', { has: b.page.getByText('Write a post') })
  const text = composer.getByLabel('Text', { exact: true })
  await text.fill('Fresh bread at 7')
  await composer.getByRole('button', { name: 'Post', exact: true }).click()
  await composer.getByText('Posted.').waitFor({ timeout: 20_000 })

  // Ann takes Ben off the admins while his screen still shows the composer
  expect((await api(app.server, ann.token, 'DELETE', `/api/channels/${ch.id}/admins/${ben.user.id}`)).status).toBe(200)
  const body = 'Half price until noon'
  await text.fill(body)
  await composer.getByRole('button', { name: 'Post', exact: true }).click()
  await composer
    .getByText('You are no longer an admin of this channel, so this post was not published.')
    .waitFor({ timeout: 20_000 })
  expect(await text.inputValue()).toBe(body)
  const feed = b.page.getByRole('feed', { name: 'Posts' }).locator('.post .post__text')
  await expect.poll(() => feed.allTextContents(), { timeout: 20_000 }).toEqual(['Fresh bread at 7'])

  await b.page.reload()
  await b.page.getByRole('feed', { name: 'Posts' }).locator('.post').first().waitFor({ timeout: 20_000 })
  expect(await feed.allTextContents()).toEqual(['Fresh bread at 7'])
  await b.page.getByText('Write a post').waitFor({ state: 'detached' })

  const stored = await connect(app.server, ann.token, channelPageDoc(ch.id, 0))
  expect(stored.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).map((p) => p.kind === 'text' && p.text)).toEqual([
    'Fresh bread at 7',
  ])
  stored.destroy()
  await b.context.close()
})
