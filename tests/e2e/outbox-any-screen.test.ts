// The outbox does not depend on the chat being open: a message written offline goes out as soon as a
// connection exists, from whichever screen is shown, after the tab was closed, and with two tabs,
// exactly once; until then its chat carries a "waiting" mark in the chat list. The session token
// travels in the WebSocket subprotocol, never in a sync URL.
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import {
  count,
  offlineHarness,
  openChat,
  PageClient,
  sendUi,
  serviceWorkerControls,
  signInSynced,
  storedBodies,
  untilShown,
} from './offline-setup.ts'

/** A liveness bound, far beyond what delivery takes on a loaded machine. */
const DELIVERY_MS = 60_000

const env = offlineHarness()
let bob: PageClient

beforeAll(async () => {
  bob = new PageClient(env.f.server.url, env.f.bob, env.f.chat.id)
  await bob.synced()
})
afterAll(() => {
  bob?.destroy()
})
const contexts: BrowserContext[] = []
// a test that failed leaves neither its pages nor a cut network to the next one
afterEach(async () => {
  env.net.restore()
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined)
})

async function newContext(): Promise<BrowserContext> {
  const context = await env.browser.newContext({ viewport: { width: 360, height: 640 } })
  contexts.push(context)
  return context
}

async function goOffline(context: BrowserContext, page: Page): Promise<void> {
  env.net.cut()
  await context.setOffline(true)
  await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor()
}

async function goOnline(context: BrowserContext): Promise<void> {
  env.net.restore()
  await context.setOffline(false)
}

/** Writes `body` in the open chat and waits until it shows as waiting. */
async function writeOffline(page: Page, body: string): Promise<void> {
  await sendUi(page, body)
  await untilShown(page, (m) => m.some((x) => x.body === body && x.state === 'waiting'))
}

async function backToList(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Back', exact: true }).click()
  await page.getByRole('heading', { name: 'Chats' }).waitFor()
}

const chatRow = (page: Page) => page.locator('.chat-row', { hasText: 'Bob' })
const waitingMark = (page: Page) => chatRow(page).getByRole('img', { name: 'Messages waiting to be sent' })

/** Bob receives `body`, and it is stored, exactly once. */
async function deliveredOnce(body: string): Promise<void> {
  await bob.until((bodies) => bodies.includes(body), DELIVERY_MS)
  expect(count(bob.bodies(), body)).toBe(1)
  expect(count(await storedBodies(env.f.server.url, env.f.bob, env.f.chat.id), body)).toBe(1)
}

/** Signs Alice in, her chat with Bob synced in the background (signInSynced). */
async function signedIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage()
  await signInSynced(page, env.net.url, env.f.alice, env.f.chat.id)
  return page
}

describe('the outbox, whichever screen is open', () => {
  test('written offline, Back to the chat list, online: delivered once; no token in any sync URL', async () => {
    const context = await newContext()
    const sockets: string[] = []
    context.on('page', (p) => p.on('websocket', (ws) => sockets.push(ws.url())))
    const page = await signedIn(context)
    await openChat(page, env.net.url, env.f.chat.id)
    await goOffline(context, page)
    const body = 'written offline, then Back'
    await writeOffline(page, body)
    await backToList(page)

    await goOnline(context)
    await deliveredOnce(body)
    // what is on screen agrees: the chat shows it sent
    await chatRow(page).click()
    await untilShown(page, (m) => m.some((x) => x.body === body && x.state === 'sent'), DELIVERY_MS)

    // the sync sockets worked without a token in their URLs
    expect(sockets.length).toBeGreaterThan(0)
    for (const u of sockets) {
      expect(new URL(u).searchParams.has('token'), u).toBe(false)
      expect(u.toLowerCase()).not.toContain('token')
    }
  })

  /** Offline, `body` written and waiting, Settings' "Sign out of this device" pressed: the sheet, warning. */
  async function askSignOutWithUnsent(body: string) {
    const context = await newContext()
    const page = await signedIn(context)
    // the Settings screen's code comes from the service worker's cache when offline
    await serviceWorkerControls(page)
    await openChat(page, env.net.url, env.f.chat.id)
    await goOffline(context, page)
    await writeOffline(page, body)
    await page.evaluate(() => (location.hash = '#/settings'))
    await page.getByRole('button', { name: 'Sign out of this device' }).click()
    const sheet = page.getByRole('dialog', { name: 'Sign out of this device' })
    await sheet.getByText('Some messages on this device have not been sent yet. If you sign out now, they are lost.').waitFor()
    return { context, page, sheet }
  }

  test('signing out with a message waiting asks first; cancelled, the message goes out once online', async () => {
    const body = 'written offline, then Settings'
    const { context, page, sheet } = await askSignOutWithUnsent(body)
    await sheet.getByRole('button', { name: 'Cancel' }).click()
    await sheet.waitFor({ state: 'detached' })
    await page.getByRole('heading', { name: 'Settings' }).waitFor()

    await goOnline(context)
    await deliveredOnce(body)
  })

  test('a sign-out question left open while the waiting message goes out stops warning, without saying its title twice', async () => {
    const body = 'written offline, the question left open'
    const { context, sheet } = await askSignOutWithUnsent(body)
    const question = sheet.locator('.confirm__text')

    await goOnline(context)
    await deliveredOnce(body)
    await expect.poll(() => question.textContent(), { timeout: DELIVERY_MS }).toBe('')
    await sheet.getByRole('button', { name: 'Cancel' }).click()
    await sheet.waitFor({ state: 'detached' })
  })

  test('written offline, tab closed, app reopened at the chat list: delivered once', async () => {
    const context = await newContext()
    const page = await signedIn(context)
    await openChat(page, env.net.url, env.f.chat.id)
    await goOffline(context, page)
    const body = 'written offline, then the tab closed'
    await writeOffline(page, body)
    // and one sent in the very task that leaves the page: its IndexedDB write may never commit
    const last = 'sent as the tab went away'
    await page.getByRole('textbox', { name: 'Message' }).fill(last)
    await page.getByRole('button', { name: 'Send', exact: true }).evaluate((b) => {
      ;(b as HTMLButtonElement).click()
      location.replace('about:blank')
    })
    await page.waitForURL('about:blank')
    await page.close()

    await goOnline(context)
    const reopened = await context.newPage()
    await reopened.goto(env.net.url + '/')
    await reopened.getByRole('heading', { name: 'Chats' }).waitFor()
    await deliveredOnce(body)
    await deliveredOnce(last)
  })

  test('two tabs of one user: written offline in one, both online: delivered once', async () => {
    const context = await newContext()
    const writer = await signedIn(context)
    const other = await context.newPage()
    await other.goto(env.net.url + '/')
    await other.getByRole('heading', { name: 'Chats' }).waitFor()
    await openChat(writer, env.net.url, env.f.chat.id)

    await goOffline(context, writer)
    const bodies = ['two tabs, first', 'two tabs, second']
    for (const b of bodies) await writeOffline(writer, b)
    await backToList(writer)
    // both tabs show the chat as waiting
    for (const p of [writer, other]) await waitingMark(p).waitFor()

    await goOnline(context)
    for (const b of bodies) await deliveredOnce(b)
    for (const p of [writer, other]) await waitingMark(p).waitFor({ state: 'detached', timeout: DELIVERY_MS })
    // both tabs held the messages and both synced: still one copy of each
    const stored = await storedBodies(env.f.server.url, env.f.bob, env.f.chat.id)
    for (const b of bodies) {
      expect(count(bob.bodies(), b)).toBe(1)
      expect(count(stored, b)).toBe(1)
    }
  })

  test('the chat list marks a chat with unsent messages until they are delivered, across a reload', async () => {
    const context = await newContext()
    const page = await signedIn(context)
    await serviceWorkerControls(page)
    await chatRow(page).waitFor()
    expect(await waitingMark(page).count()).toBe(0)

    await openChat(page, env.net.url, env.f.chat.id)
    await goOffline(context, page)
    const body = 'waiting mark'
    await writeOffline(page, body)
    await backToList(page)
    await waitingMark(page).waitFor()

    // a reload with no network (the shell from the service worker): still marked
    await page.reload()
    await page.getByRole('heading', { name: 'Chats' }).waitFor()
    await waitingMark(page).waitFor()
    expect(bob.bodies()).not.toContain(body)

    await goOnline(context)
    await deliveredOnce(body)
    await waitingMark(page).waitFor({ state: 'detached', timeout: DELIVERY_MS })
  })
})
