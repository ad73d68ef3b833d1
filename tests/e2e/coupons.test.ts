// Coupons in real Chromium against the real server: a shop's admin posts a coupon of which there is one;
// two followers save it and take a code each at the store (a QR code and its text, that says nothing of
// who they are); the shop view redeems the first (valid), refuses it a second time (already used) and
// the second follower's (sold out); the first follower's My coupons then shows it as used. A coupon valid
// only at some stores shows itself only once the phone, asked from a tap, is near one of them, and no
// request carries where the phone is.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { CHANNEL_ROOTS, channelPageDoc, type Channel, type ChannelPost } from '../../protocol/channels.ts'
import type { Coupon } from '../../protocol/coupons.ts'
import { api, signUp } from '../fixtures/server.ts'
import { countExitListener } from '../fixtures/exit-listeners.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()

const go = (page: Page, hash: string) => page.evaluate((h) => (location.hash = h), hash)

/** Saves the coupon of the channel's post, takes a code in My coupons, and returns the code's text. */
async function saveAndUse(page: Page, channelId: string): Promise<string> {
  await go(page, `#/channel/${channelId}`)
  const card = page.locator('.post .coupon', { hasText: 'Free coffee' })
  await card.getByText('One Americano, any size').waitFor()
  await card.getByRole('button', { name: 'Save', exact: true }).click()
  await card.getByText('Saved', { exact: true }).waitFor()

  await page.getByRole('button', { name: 'My coupons' }).click()
  const mine = page.getByRole('list', { name: 'My coupons' }).locator('li', { hasText: 'Free coffee' })
  await mine.getByText('Saved', { exact: true }).waitFor()
  await mine.getByRole('button', { name: 'Use' }).click()
  const view = page.getByRole('dialog', { name: 'Free coffee' })
  await view.locator('svg[aria-label="QR code of the coupon"]').waitFor()
  expect(await view.getByRole('timer').textContent()).toMatch(/^Good for [45]:\d\d$/)
  // the long code is not printed under the QR code (the QR code, the digits and the timer are what a till
  // uses): "Copy code" puts it on the clipboard, for a shop that pastes it
  expect(await view.getByLabel('Coupon code').count()).toBe(0)
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(page.url()).origin })
  await view.getByRole('button', { name: 'Copy code' }).click()
  await view.getByText('Copied.', { exact: true }).waitFor()
  const code = await page.evaluate(() => navigator.clipboard.readText())
  expect(code).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/)
  return code
}

test('a coupon of one is posted, saved and shown by two people, redeemed once, then refused as used and as sold out', async () => {
  await signUp(app.server, 'ann.shop', 'Ann')
  await signUp(app.server, 'ben.fan', 'Ben Park')
  await signUp(app.server, 'cat.fan', 'Cat Kim')
  const a = await phone(app.browser)
  const b = await phone(app.browser)
  const c = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.shop')
  await signInInUi(b.page, app.server.url, 'ben.fan')
  await signInInUi(c.page, app.server.url, 'cat.fan')

  // Ann makes a channel and posts a coupon of which there is one
  await go(a.page, '#/new-channel')
  await a.page.getByLabel('Channel ID').fill('beancafe')
  await a.page.getByLabel('Name', { exact: true }).fill('Bean Café')
  await a.page.getByLabel('Category').selectOption('food')
  await a.page.getByRole('button', { name: 'Create', exact: true }).click()
  await a.page.getByText('You run this channel.').waitFor()
  const channelId = (await a.page.evaluate(() => location.hash)).split('/')[2] ?? ''
  await a.page.getByLabel('Text', { exact: true }).fill('A coffee on us this week')
  await a.page.getByRole('button', { name: 'Add a coupon' }).click()
  await a.page.getByRole('button', { name: 'Post', exact: true }).click()
  await a.page.getByText('A coupon needs a title of at most 60 characters.').waitFor()
  await a.page.getByLabel('Coupon title').fill('Free coffee')
  await a.page.getByLabel('Terms').fill('One Americano, any size')
  // a quantity of none is said in the app's words, in place of the title's message (not in a browser bubble)
  await a.page.getByLabel('Quantity').fill('0')
  await a.page.getByRole('button', { name: 'Post', exact: true }).click()
  await a.page.getByText('The quantity must be a whole number from 1 to 1,000,000.').waitFor()
  expect(await a.page.getByText('A coupon needs a title of at most 60 characters.').count()).toBe(0)
  await a.page.getByLabel('Quantity').fill('1')
  // the preview shows the coupon's card as followers will read it, though it is made only as the post goes out
  await a.page.getByRole('button', { name: 'Show preview' }).click()
  const drafted = a.page.locator('.post-preview .coupon')
  await drafted.getByText('Free coffee').waitFor()
  await drafted.getByText('One Americano, any size').waitFor()
  await expect(drafted.getByRole('button').count()).resolves.toBe(0)
  await a.page.getByRole('button', { name: 'Post', exact: true }).click()
  await a.page.getByText('Posted.').waitFor()
  await a.page.locator('.post', { hasText: 'A coffee on us this week' }).locator('.coupon', { hasText: 'Free coffee' }).waitFor()

  // Ben and Cat each save it and take a code at the store
  const benCode = await saveAndUse(b.page, channelId)
  const catCode = await saveAndUse(c.page, channelId)
  expect(benCode).not.toBe(catCode)
  // nothing about the person is shown to the shop: not on the screen, not inside the code
  const shown = ((await b.page.getByRole('dialog').textContent()) ?? '').replace(benCode, '')
  expect(shown).not.toMatch(/Ben|ben\.fan/)
  const payload = JSON.parse(Buffer.from(benCode.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>
  expect(Object.keys(payload).sort()).toEqual(['c', 'e', 'n', 'p'])
  expect(JSON.stringify(payload)).not.toMatch(/ben|Ben/)

  // the shop view: a made-up code is refused, Ben's is valid once, Cat's finds it sold out
  await a.page.getByRole('button', { name: 'Redeem a coupon' }).click()
  const check = async (code: string, answer: string): Promise<void> => {
    await a.page.getByLabel('Code', { exact: true }).fill(code)
    await a.page.getByRole('button', { name: 'Redeem', exact: true }).click()
    await a.page.locator('.redeem-result', { hasText: answer }).waitFor()
  }
  // the hint offers scanning only where the screen has a Scan button (a browser that reads QR codes)
  await a.page.getByLabel('Code', { exact: true }).waitFor()
  const scanner = await a.page.getByRole('button', { name: 'Scan', exact: true }).count()
  await a.page
    .getByText(
      scanner
        ? 'Scan the code the customer shows you, or type the 8-digit number under it.'
        : 'Type the 8-digit number the customer shows you, or paste their code.',
    )
    .waitFor()
  await check('not-a-code', 'This is not a valid code for a coupon of this channel.')
  // Ben's phone shows eight digits under the code, for a till that cannot scan: the staff types them in
  const digits = await b.page
    .getByRole('dialog')
    .locator('output', { hasText: /^\d{4} \d{4}$/ })
    .textContent()
  // the shop's phone says the coupon was taken, and that it is now spent (not merely that it is used); a
  // double tap on Redeem asks once, so that no "already used" of its own replaces that answer
  const asked: string[] = []
  a.page.on('request', (r) => {
    if (r.url().endsWith('/redeem')) asked.push(r.method())
  })
  // a phone's keyboard for it is the number pad
  expect(await a.page.getByLabel('Code', { exact: true }).getAttribute('inputmode')).toBe('numeric')
  await a.page.getByLabel('Code', { exact: true }).fill(digits!)
  await a.page.locator('form:has(.coupon-code-input)').evaluate((f: HTMLFormElement) => {
    f.requestSubmit()
    f.requestSubmit()
  })
  await a.page.locator('.redeem-result', { hasText: 'Accepted: Free coffee. It is now used.' }).waitFor()
  expect(asked).toEqual(['POST'])
  await check(benCode, 'This coupon was already used.')
  await check(catCode, 'This coupon is sold out.')

  // the code screen says which shop it is for
  await b.page.getByRole('dialog').getByText('Bean Café').waitFor()
  // the code on Ben's phone turns to "Used" by itself, and no longer shows a code; Cat's still counts down
  const benScreen = b.page.getByRole('dialog')
  await benScreen.getByRole('status').getByText('Used', { exact: true }).waitFor({ timeout: 15_000 })
  expect(await benScreen.getByRole('timer').count()).toBe(0)
  await c.page.getByRole('dialog').getByRole('timer').waitFor()
  // Ben's My coupons shows it as used, with no "Use" any more, and whose coupon it is
  await benScreen.getByRole('button', { name: 'Back' }).click()
  const mine = b.page.getByRole('list', { name: 'My coupons' }).locator('li', { hasText: 'Free coffee' })
  await mine.locator('.coupon__channel', { hasText: 'Bean Café' }).waitFor()
  await mine.getByText('Used', { exact: true }).waitFor()
  expect(await mine.getByRole('button', { name: 'Use' }).count()).toBe(0)
  // and its post in the channel says so too, where it still said "Saved"
  await go(b.page, `#/channel/${channelId}`)
  await b.page.locator('.post .coupon', { hasText: 'Free coffee' }).getByText('Used', { exact: true }).waitFor()

  await a.context.close()
  await b.context.close()
  await c.context.close()
}, 180_000)

test('a coupon of nearby stores shows only near one of them, and the position never leaves the phone', async () => {
  const shop = await signUp(app.server, 'leon.shop', 'León Shop')
  await signUp(app.server, 'dan.fan', 'Dan')
  const made = await api<Channel>(app.server, shop.token, 'POST', '/api/channels', {
    handle: 'leonbakery',
    name: 'León Bakery',
    description: '',
    category: 'food',
    langs: ['en'],
  })
  expect(made.status).toBe(201)
  const channelId = made.body.id
  const coupon = await api<Coupon>(app.server, shop.token, 'POST', `/api/channels/${channelId}/coupons`, {
    title: 'Croissant for 1 euro',
    validFrom: Date.now() - 60_000,
    validTo: Date.now() + 86_400_000,
    quantity: 10,
    // the centre of León, Spain: about 42.605 N, 5.603 W
    stores: [{ name: 'León centre', cell: 'ezs42' }],
  })
  expect(coupon.status).toBe(201)

  const d = await phone(app.browser)
  const requests: string[] = []
  d.page.on('request', (r) => requests.push(r.url() + ' ' + (r.postData() ?? '')))
  d.page.on('websocket', (ws) => ws.on('framesent', (f) => requests.push(String(f.payload))))
  await d.context.grantPermissions(['geolocation'], { origin: app.server.url })
  await signInInUi(d.page, app.server.url, 'dan.fan')

  // the shop posts the coupon (a stock Yjs client, as its console would)
  const doc = new Y.Doc()
  const provider = countExitListener(
    new WebsocketProvider(app.server.url.replace(/^http/, 'ws') + '/sync', channelPageDoc(channelId, 0), doc, {
      params: { token: shop.token },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    }),
  )
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()))
  const post: ChannelPost = {
    id: 'p'.repeat(8) + Date.now().toString(36),
    from: shop.user.id,
    ts: Date.now(),
    kind: 'text',
    text: 'Fresh every morning',
    coupon: { id: coupon.body.id, title: 'Croissant for 1 euro' },
  }
  doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([post])

  await go(d.page, `#/channel/${channelId}`)
  const card = d.page.locator('.post .coupon', { hasText: 'Croissant for 1 euro' })
  // it says which stores, so that someone far away knows where to go
  // (the name between the invisible isolates that keep it from reordering the sentence)
  await card.getByText(/^Only near its store: \u2068León centre\u2069$/).waitFor({ timeout: 20_000 })
  provider.destroy()
  doc.destroy()
  expect(await card.getByRole('button', { name: 'Save', exact: true }).count()).toBe(0)

  // far away (Seoul): still hidden, and it says so
  await d.context.setGeolocation({ latitude: 37.5665, longitude: 126.978 })
  await card.getByRole('button', { name: 'Check if I am near a store' }).click()
  await card.getByText('You are not near one of its stores.').waitFor()
  expect(await card.getByRole('button', { name: 'Save', exact: true }).count()).toBe(0)

  // 2 km north of the cell: the coupon shows, and can be saved
  await d.context.setGeolocation({ latitude: 42.6453, longitude: -5.6031 })
  await card.getByRole('button', { name: 'Check if I am near a store' }).click()
  await card.getByRole('button', { name: 'Save', exact: true }).click()
  await card.getByText('Saved', { exact: true }).waitFor()

  // no request carried a coordinate
  expect(requests.length).toBeGreaterThan(0)
  for (const r of requests) expect(r).not.toMatch(/37\.56|126\.97|42\.64|5\.603|latitude|longitude/)
  await d.context.close()
}, 120_000)

test('the shop writes its stores into a coupon: one typed as a map app copies it, one from where the admin stands', async () => {
  const shop = await signUp(app.server, 'eve.shop', 'Eve')
  const made = await api<Channel>(app.server, shop.token, 'POST', '/api/channels', {
    handle: 'evebakery',
    name: 'Eve Bakery',
    description: '',
    category: 'food',
    langs: ['en'],
  })
  const e = await phone(app.browser)
  await e.context.grantPermissions(['geolocation'], { origin: app.server.url })
  await e.context.setGeolocation({ latitude: 37.5665, longitude: 126.978 })
  await signInInUi(e.page, app.server.url, 'eve.shop')
  await go(e.page, `#/channel/${made.body.id}`)
  await e.page.getByLabel('Text', { exact: true }).fill('Two stores, one coupon')
  await e.page.getByRole('button', { name: 'Add a coupon' }).click()
  await e.page.getByLabel('Coupon title').fill('Bagel for 1 euro')
  await e.page.getByRole('button', { name: 'Add a store' }).click()
  await e.page.getByLabel('Store name').fill('León')
  await e.page.getByLabel('Where (latitude, longitude)').fill('Seoul')
  await e.page.getByRole('button', { name: 'Add a store' }).click()
  await e.page.getByLabel('Store name').nth(1).fill('Seoul City Hall')
  await e.page.getByRole('button', { name: 'I am at this store' }).nth(1).click()
  await expect
    .poll(() => e.page.getByLabel('Where (latitude, longitude)').nth(1).inputValue(), { timeout: 20_000 })
    .toBe('37.56650, 126.97800')
  // a place that is no place: said so, nothing made
  await e.page.getByRole('button', { name: 'Post', exact: true }).click()
  await e.page.getByText('Each store needs a name and a place as latitude, longitude (e.g. 37.5665, 126.9780).').waitFor()
  expect(await e.page.locator('.post').count()).toBe(0)
  await e.page.getByLabel('Where (latitude, longitude)').first().fill('42.6, -5.6')
  await e.page.getByRole('button', { name: 'Post', exact: true }).click()
  await e.page.getByText('Posted.').waitFor()
  const card = e.page.locator('.post .coupon', { hasText: 'Bagel for 1 euro' })
  await card.waitFor()
  // the coupon carries each store's ~5 km cell, not the typed or measured point
  const list = (await api<Coupon[]>(app.server, shop.token, 'GET', `/api/channels/${made.body.id}/coupons`)).body
  expect(list.find((c) => c.title === 'Bagel for 1 euro')?.stores).toEqual([
    { name: 'León', cell: 'ezs42' },
    { name: 'Seoul City Hall', cell: 'wydm9' },
  ])
  await e.context.close()
}, 120_000)
