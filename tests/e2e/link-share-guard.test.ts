// Sori Link refuses what does not come from the app's own pages. A page on an origin the app did not
// register is told so in the console at init, and its send fails without opening anything. Sori's share
// screen takes a card only from the window that opened it, at one of the app's origins: a card posted by a
// window of a third origin that opened it, or by a window of the app's own origin that did not, is ignored,
// so no ticket is made and nothing can be sent; the same card from the page that opened it is taken (the
// screen was listening). (A frame of a third origin inside the app's page cannot reach the share window
// at all: the browser gives it no handle on it.)
import type { BrowserContext, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { registerApp, startBattle, type ExampleSite } from '../fixtures/link-examples.ts'
import { appHarness, signInInUi } from './helpers.ts'

const app = appHarness()
/** the registered game */
let game: ExampleSite
/** the same game's page, on an origin the app did not register */
let stranger: ExampleSite
let sori = ''
let appKey = ''
let appId = ''
let devToken = ''
let context: BrowserContext

const template = (origin: string, text = 'A forged invitation') => ({ type: 'text', text, link: { webUrl: `${origin}/` } })

beforeAll(async () => {
  sori = app.server.url.replace('127.0.0.1', 'localhost')
  game = await startBattle(sori)
  stranger = await startBattle(sori)
  const dev = await signUp(app.server, 'dev.guard', 'Developer')
  const registered = await registerApp(app.server, dev.token, { name: 'Battle', domains: [game.origin] })
  appKey = registered.appKey
  appId = registered.id
  devToken = dev.token
  game.setAppKey(appKey)
  stranger.setAppKey(appKey)
  const ann = await signUp(app.server, 'ann.guard', 'Ann')
  const ben = await signUp(app.server, 'ben.guard', 'Ben')
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: ben.user.id })
  await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: ben.user.id })
  context = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' })
  await signInInUi(await context.newPage(), sori, 'ann.guard')
}, 120_000)

afterAll(async () => {
  await context?.close()
  await game?.close()
  await stranger?.close()
})

/** Share tickets asked for by `page`. */
function ticketRequests(page: Page): Request[] {
  const seen: Request[] = []
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/share/tickets') seen.push(r)
  })
  return seen
}

test('a page on an unregistered origin is told so in the console, and its send fails', async () => {
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  await page.goto(stranger.origin)
  await expect
    .poll(() => errors.find((e) => e.includes('is not registered for this app key')), { timeout: 20_000 })
    .toBe(`Sori: ${stranger.origin} is not registered for this app key (${appKey}): add it to the domains of "Battle" in Sori.`)
  await page.getByRole('button', { name: 'Start a battle' }).click()
  await page.getByRole('button', { name: 'Battle a friend' }).click()
  await expect
    .poll(() => page.locator('#error').textContent(), { timeout: 20_000 })
    .toContain('is not registered for this app key')
  const code = await page.evaluate(() =>
    window.Sori.send({ template: { type: 'text', text: 'hi', link: { webUrl: location.origin } } }).then(
      () => 'sent',
      (e: { code: string }) => e.code,
    ),
  )
  expect(code).toBe('not_registered')
  // no share window was opened
  expect(context.pages().filter((p) => p.url().startsWith(sori + '/#/share'))).toHaveLength(0)
  await page.close()
}, 60_000)

test('a card posted to the share screen by a third origin is ignored', async () => {
  // a page of a third origin opens the share screen itself and posts it a card
  const third = await context.newPage()
  await third.goto(stranger.origin)
  const [share] = await Promise.all([
    third.waitForEvent('popup'),
    third.evaluate((url) => void window.open(url, 'forged-share', 'popup,width=480,height=720'), `${sori}/#/share/${appKey}`),
  ])
  const asked = ticketRequests(share)
  await share.getByText('Waiting for').waitFor({ timeout: 20_000 })
  await third.evaluate((card) => {
    const w = window.open('', 'forged-share')
    for (let i = 0; i < 5; i++) w?.postMessage({ type: 'sori:share', id: `forged-${i}`, template: card }, '*')
  }, template(game.origin))

  // a second window of the app's own origin, which did not open the share screen, posts it a card
  const page = await context.newPage()
  await page.goto(game.origin)
  const [popup] = await Promise.all([
    page.waitForEvent('popup'),
    page.evaluate((url) => {
      ;(window as unknown as { share: Window | null }).share = window.open(url, 'app-share', 'popup,width=480,height=720')
    }, `${sori}/#/share/${appKey}`),
  ])
  const popupAsked = ticketRequests(popup)
  await popup.getByText('Waiting for').waitFor({ timeout: 20_000 })
  const [other] = await Promise.all([
    page.waitForEvent('popup'),
    page.evaluate((url) => void window.open(url, 'other-tab'), `${game.origin}/?other`),
  ])
  await other.waitForLoadState()
  const posted = await other.evaluate((card) => {
    // the share window, as the page that opened it holds it (this window is of the same origin)
    const share = (window.opener as { share: Window | null }).share
    for (let i = 0; i < 5; i++) share?.postMessage({ type: 'sori:share', id: `other-${i}`, template: card }, '*')
    return !!share
  }, template(game.origin))
  expect(posted).toBe(true)

  // the same card, from the page that opened the screen, is taken: the screen was listening all along
  await page.evaluate(
    ({ card, origin }) => {
      ;(window as unknown as { share: Window | null }).share?.postMessage(
        { type: 'sori:share', id: 'real', template: card },
        origin,
      )
    },
    { card: template(game.origin, 'The real invitation'), origin: sori },
  )
  await expect.poll(() => popup.locator('.sori-link__text').textContent(), { timeout: 20_000 }).toBe('The real invitation')
  expect(popupAsked).toHaveLength(1)
  expect(popupAsked[0].postDataJSON()).toEqual({
    appKey,
    origin: game.origin,
    template: template(game.origin, 'The real invitation'),
  })
  expect(asked).toHaveLength(0)
  expect(await share.getByText('Waiting for').count()).toBe(1)
  expect(await share.locator('.sori-link').count()).toBe(0)
  // nothing can be sent from it: the card never came, and the send button stays off
  expect(await share.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true)
  await Promise.all([share.close(), popup.close(), third.close(), other.close(), page.close()])
}, 90_000)

test('a page of an app turned off is told so in the console, with where to turn it back on', async () => {
  expect((await api(app.server, devToken, 'POST', `/api/apps/${appId}/disable`)).status).toBe(200)
  try {
    const page = await context.newPage()
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await page.goto(game.origin)
    await expect
      .poll(() => errors.find((e) => e.startsWith('Sori: ')), { timeout: 20_000 })
      .toBe(`Sori: no app has the key ${appKey}, or its app is turned off (My apps, in Sori's Settings).`)
    await page.close()
  } finally {
    await api(app.server, devToken, 'DELETE', `/api/apps/${appId}/disable`)
  }
}, 60_000)
