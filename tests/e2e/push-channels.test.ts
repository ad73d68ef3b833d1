// A channel's post as a notification, end to end in real Chromium against the real server and a push
// service on localhost (the setup of push-notifications.test.ts: the page's PushManager hands out the test
// service's subscription, and the decrypted payload is delivered into the service worker through the
// DevTools protocol, as Chromium delivers a push). Checked: the notification names the channel, shows the
// post, is tagged per channel, closes once the channel is read, and a click opens the channel in the open window.
import { expect, test } from 'vitest'
import { CHANNEL_ROOTS, channelPageDoc, type Channel, type ChannelPost } from '../../protocol/channels.ts'
import type { ChannelPushPayload } from '../../protocol/push.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, until } from '../fixtures/sync-client.ts'
import { tab } from './helpers.ts'
import { notifications, pushHarness, pushPhone } from './push-setup.ts'

const { app, service } = pushHarness()

test('a channel post notifies with the channel’s name, one notification per channel, which reading the channel closes, and a click opens the channel', async () => {
  const ann = await signUp(app.server, 'ann.chpush', 'Ann')
  const ben = await signUp(app.server, 'ben.chpush', 'Ben')
  const ch = (
    await api<Channel>(app.server, ann.token, 'POST', '/api/channels', {
      handle: 'annradio',
      name: 'Ann Radio',
      category: 'music',
      langs: ['en'],
    })
  ).body
  expect((await api(app.server, ben.token, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)

  const { sub, context, page, deliver, sw } = await pushPhone(app, service(), 'ben-channel-phone', 'ben.chpush')
  await tab(page, 'Settings').click()
  await page.getByRole('button', { name: 'Turn on notifications' }).click()
  await page.getByText('Notifications are on for this device.').waitFor()

  const annWrites = await connect(app.server, ann.token, channelPageDoc(ch.id, 0), { ack: true })
  const posts = annWrites.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts)
  const write = (id: string, text: string) => posts.push([{ id, from: ann.user.id, ts: Date.now(), kind: 'text', text }])
  let seen = 0
  const nextPush = async (): Promise<ChannelPushPayload> => {
    await until(() => service().delivered(sub.name).length > seen, 'a push for Ben', 20_000)
    const p = service().delivered(sub.name)[seen++] as unknown as ChannelPushPayload
    await deliver(p)
    return p
  }

  write('chpostone1', 'Live at 9 tonight')
  expect(await nextPush()).toEqual({ v: 1, channel: ch.id, title: 'Ann Radio', body: 'Live at 9 tonight' })
  await expect
    .poll(() => notifications(sw), { timeout: 20_000 })
    .toEqual([{ title: 'Ann Radio', body: 'Live at 9 tonight', tag: `ch:${ch.id}` }])
  // the next post replaces the channel's notification
  write('chposttwo22', 'Moved to 10')
  expect((await nextPush()).body).toBe('Moved to 10')
  await expect
    .poll(() => notifications(sw), { timeout: 20_000 })
    .toEqual([{ title: 'Ann Radio', body: 'Moved to 10', tag: `ch:${ch.id}` }])

  // read here, the channel loses its notification (closed by the worker on the page's word)
  await page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  await page.getByText('Moved to 10').first().waitFor()
  await expect.poll(() => notifications(sw), { timeout: 20_000 }).toEqual([])
  await tab(page, 'Chats').click()

  // a click opens the channel in this window
  write('chpostthree', 'Doors at 9:30')
  expect((await nextPush()).body).toBe('Doors at 9:30')
  await sw.evaluate(async () => {
    const g = self as unknown as ServiceWorkerGlobalScope
    const [n] = await g.registration.getNotifications()
    g.dispatchEvent(new NotificationEvent('notificationclick', { notification: n! }))
  })
  await page.waitForURL(`**/#/channel/${ch.id}`)
  await page.getByText('Doors at 9:30').first().waitFor()
  annWrites.destroy()
  await context.close()
})
