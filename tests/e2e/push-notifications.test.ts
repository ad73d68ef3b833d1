// Notifications end to end, in real Chromium against the real server and a push service on localhost
// (tests/fixtures/push-service.ts decrypts what the server sends, as a browser's push service client
// would). Chromium's own subscription would go to Google's push service, out of reach here, so the page's
// PushManager hands out the test service's subscription; each decrypted payload is then delivered into
// the service worker through the DevTools protocol (ServiceWorker.deliverPushMessage), as Chromium
// delivers a push. Checked: turned on from Settings; a muted chat pushes nothing; the notification in ko, th and de; one per chat,
// replaced; the badge; a click opens the chat; previews off shows no text; a chat read on another device
// loses its notification here, and only it; a badge call that never settles does not hold the notification back.
import sharp from 'sharp'
import type * as Y from 'yjs'
import { expect, test } from 'vitest'
import type { Worker } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { headDoc, inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import { readPosition, type InboxEntry } from '../../protocol/messages.ts'
import type { PushPayload, PushState } from '../../protocol/push.ts'
import { api, signUp } from '../fixtures/server.ts'
import { sendMedia, upload } from '../fixtures/media.ts'
import { connect, send, until } from '../fixtures/sync-client.ts'
import { phone, signInInUi, tab } from './helpers.ts'
import { serviceWorkerControls } from './offline-setup.ts'
import { notifications, pushHarness, pushPhone } from './push-setup.ts'

const { app, service } = pushHarness()

const inboxChats = (doc: Y.Doc) => doc.getMap<InboxEntry>(ROOTS.inbox.chats)

/** the app badges the worker set (recorded by wrapping its navigator.setAppBadge) */
async function recordBadges(sw: Worker): Promise<() => Promise<number[]>> {
  await sw.evaluate(() => {
    const g = self as unknown as { badges: number[]; navigator: { setAppBadge: (n?: number) => Promise<void> } }
    g.badges = []
    g.navigator.setAppBadge = async (n?: number) => void g.badges.push(n ?? 0)
  })
  return () => sw.evaluate(() => (self as unknown as { badges: number[] }).badges)
}

test('a message notifies in the device language, one per chat, badge set, a click opens the chat, previews off hides the text', async () => {
  const ann = await signUp(app.server, 'ann.push', 'Ann')
  const ben = await signUp(app.server, 'ben.push', 'Ben')
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: ben.user.id })
  const chat = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body
  const annWrites = await connect(app.server, ann.token, pageDoc(chat.id, 0), { ack: true })
  const say = async (text: string) => {
    send(annWrites, ann.user.id, text)
    const clock = annWrites.ackedClock()
    await until(() => annWrites.ackedClock() > clock, 'the message committed')
  }
  const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
    .jpeg()
    .toBuffer()
  const sendPhoto = async () => sendMedia(app.server, ann, chat.id, await upload(app.server, ann.token, chat.id, 'photo', photo))
  // this device's subscription, as the server has it (the phone's own session)
  let phoneToken = ''
  const state = async () => (await api<PushState>(app.server, phoneToken, 'GET', '/api/push/subscription')).body

  const { context, page, deliver, sw } = await pushPhone(app, service(), 'ben-phone', 'ben.push')
  phoneToken = await page.evaluate(() => (JSON.parse(localStorage.getItem('sori:session')!) as { token: string }).token)
  const badges = await recordBadges(sw)
  /** the next push the service delivered to Ben's phone, handed to his service worker */
  let seen = 0
  const nextPush = async (): Promise<PushPayload> => {
    await until(() => service().delivered('ben-phone').length > seen, 'a push for Ben', 20_000)
    const p = service().delivered('ben-phone')[seen++]!
    await deliver(p)
    return p
  }

  // turned on by a tap in Settings, nothing before
  await say('first')
  await page.locator('.chat-item', { hasText: 'first' }).waitFor()
  await tab(page, 'Settings').click()
  expect((await state()).on).toBe(false)
  await page.getByRole('button', { name: 'Turn on notifications' }).click()
  await page.getByText('Notifications are on for this device.').waitFor()
  expect(await state()).toMatchObject({ on: true, previews: true, lang: 'en' })
  // the devices list says which devices get notifications
  await page.reload()
  await page.locator('.devices__item', { hasText: 'This device' }).getByText('Gets notifications').waitFor()

  // muted from the chat list (a setting all Ben's devices share, which the server follows): no push
  const inbox = await connect(app.server, ben.token, inboxDoc(ben.user.id))
  const muted = () => inboxChats(inbox.doc).get(chat.id)?.muted
  const options = async (action: string) => {
    await page.getByRole('button', { name: 'Options for Ann' }).click()
    await page.getByRole('dialog').getByRole('button', { name: action, exact: true }).click()
  }
  await tab(page, 'Chats').click()
  await options('Mute for 1 hour')
  await until(() => (muted() ?? 0) > Date.now(), 'the mute reached the server')
  await say('still')
  await options('Turn notifications back on')
  await until(() => muted() === undefined, 'the unmute reached the server')
  inbox.destroy()
  await tab(page, 'Settings').click()

  // Korean: the language follows the app's, and the push is worded in it
  await page.locator('#language-picker').selectOption('ko')
  await expect.poll(async () => (await state()).lang, { timeout: 20_000 }).toBe('ko')
  await say('안녕 벤')
  const first = await nextPush()
  // the first push: 'first' came before notifications were on, 'still' while muted
  expect(first).toMatchObject({ chat: chat.id, title: 'Ann', body: '안녕 벤', count: 3 })
  await expect.poll(() => notifications(sw), { timeout: 20_000 }).toEqual([{ title: 'Ann', body: '안녕 벤', tag: chat.id }])
  expect(first.badge).toBe(3)
  expect(await badges()).toEqual([3])

  // a second message replaces the chat's notification; a photo is named in Korean
  await sendPhoto()
  const second = await nextPush()
  expect(second).toMatchObject({ body: '사진', count: 4, badge: 4 })
  await expect.poll(() => notifications(sw), { timeout: 20_000 }).toEqual([{ title: 'Ann', body: '사진', tag: chat.id }])
  expect(await badges()).toEqual([3, 4])

  // Thai and German; photos that follow a photo within a minute make it an album, which the push counts
  // as the chat list does
  await page.locator('#language-picker').selectOption('th')
  await expect.poll(async () => (await state()).lang, { timeout: 20_000 }).toBe('th')
  await sendPhoto()
  expect((await nextPush()).body).toBe('รูปภาพ 2 รูป')
  await expect.poll(async () => (await notifications(sw))[0]?.body, { timeout: 20_000 }).toBe('รูปภาพ 2 รูป')
  await page.locator('#language-picker').selectOption('de')
  await expect.poll(async () => (await state()).lang, { timeout: 20_000 }).toBe('de')
  await sendPhoto()
  expect((await nextPush()).body).toBe('3 Fotos')
  await expect.poll(async () => (await notifications(sw))[0]?.body, { timeout: 20_000 }).toBe('3 Fotos')

  // previews off: the push holds no sender and no text, and so does the notification
  await page.getByRole('checkbox', { name: 'Absender und Text anzeigen' }).uncheck()
  await expect.poll(async () => (await state()).previews, { timeout: 20_000 }).toBe(false)
  await say('geheim 1234')
  const hidden = await nextPush()
  expect(JSON.stringify(hidden)).not.toMatch(/geheim|Ann/)
  await expect.poll(async () => (await notifications(sw))[0]?.body, { timeout: 20_000 }).toBe('7 neue Nachrichten')
  expect(JSON.stringify(await notifications(sw))).not.toMatch(/geheim|Ann/)

  // a click opens the chat in this window; reading it closes the notification and clears the badge
  await sw.evaluate(async () => {
    const g = self as unknown as ServiceWorkerGlobalScope
    const [n] = await g.registration.getNotifications()
    // a click as the browser delivers it (waitUntil refuses a synthetic event, after the handler ran)
    g.dispatchEvent(new NotificationEvent('notificationclick', { notification: n! }))
  })
  await page.waitForURL(`**/#/chat/${chat.id}`)
  await page.getByText('geheim 1234', { exact: true }).waitFor()
  await expect.poll(() => notifications(sw), { timeout: 20_000 }).toEqual([])

  // while the chat is on the screen nothing is pushed; once it is not, the next message is
  const before = service().delivered('ben-phone').length
  await say('live')
  await page.getByText('live', { exact: true }).waitFor()
  await page.evaluate(() => (location.hash = '#/settings'))
  await page.locator('#language-picker').waitFor()
  await say('danach')
  expect(await nextPush()).toMatchObject({ count: 1, body: 'Neue Nachricht' })
  expect(service().delivered('ben-phone')).toHaveLength(before + 1)
  expect(service().errors).toEqual([])
  annWrites.destroy()
  await context.close()
}, 180_000)

test('a push shows its notification even when the platform’s badge call never settles', async () => {
  await signUp(app.server, 'cat.push', 'Cat')
  const { context, deliver, sw } = await pushPhone(app, service(), 'cat-phone', 'cat.push')
  await sw.evaluate(() => {
    const g = self as unknown as { navigator: { setAppBadge: (n?: number) => Promise<void> } }
    g.navigator.setAppBadge = () => new Promise<void>(() => {})
  })
  const payload: PushPayload = { v: 1, chat: 'nosuchchat01', title: 'Dan', body: 'are you there?', count: 1, badge: 1 }
  await deliver(payload)
  await expect
    .poll(() => notifications(sw), { timeout: 20_000 })
    .toEqual([{ title: 'Dan', body: 'are you there?', tag: 'nosuchchat01' }])
  await context.close()
}, 60_000)

test('a chat read on another device loses its notification here, and the other chats keep theirs', async () => {
  const eve = await signUp(app.server, 'eve.push', 'Eve')
  const fay = await signUp(app.server, 'fay.push', 'Fay')
  await api(app.server, eve.token, 'POST', '/api/friends', { userId: fay.user.id })
  const chat = (await api<Chat>(app.server, eve.token, 'POST', '/api/chats/direct', { userId: fay.user.id })).body
  const { context, page, deliver, sw } = await pushPhone(app, service(), 'fay-phone', 'fay.push')
  const eveWrites = await connect(app.server, eve.token, pageDoc(chat.id, 0), { ack: true })
  send(eveWrites, eve.user.id, 'lunch?')
  await page.locator('.chat-item', { hasText: 'lunch?' }).waitFor()
  // the pushes the server would send for it and for a chat this device has not loaded
  await deliver({ v: 1, chat: chat.id, title: 'Eve', body: 'lunch?', count: 1, badge: 2 } satisfies PushPayload)
  await deliver({ v: 1, chat: 'otherchat002', title: 'Gus', body: 'ping', count: 1, badge: 2 } satisfies PushPayload)
  const shown = async () => (await notifications(sw)).map((n) => n.tag).sort()
  expect(await shown()).toEqual([chat.id, 'otherchat002'].sort())

  // Fay reads the chat on her laptop: the phone's chat list hears it from the inbox, and the worker closes
  const laptop = await connect(app.server, fay.token, headDoc(chat.id))
  laptop.doc.getMap<number>(ROOTS.head.reads).set(fay.user.id, readPosition(0, 1))
  await expect.poll(shown, { timeout: 20_000 }).toEqual(['otherchat002'])
  laptop.destroy()
  eveWrites.destroy()
  await context.close()
}, 60_000)

test("where the browser's own push service says no, Settings says so rather than to try again later", async () => {
  // no stand-in PushManager here: Chromium's, in a window like a private one, refuses to subscribe
  await signUp(app.server, 'pia.push', 'Pia')
  const { context, page } = await phone(app.browser)
  await context.grantPermissions(['notifications'], { origin: app.server.url })
  await signInInUi(page, app.server.url, 'pia.push')
  await serviceWorkerControls(page)
  await tab(page, 'Settings').click()
  await page.getByRole('button', { name: 'Turn on notifications' }).click()
  await page.getByText(/^This browser would not set up notifications here\. A private window cannot receive them/).waitFor()
  await expect(page.getByText('Try again later').count()).resolves.toBe(0)
  await context.close()
})
