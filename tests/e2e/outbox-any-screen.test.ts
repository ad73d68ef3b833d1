// The outbox does not depend on the chat being open: a message written offline goes out as soon as a
// connection exists, from whichever screen is shown, after the tab was closed, and with two tabs,
// exactly once; until then its chat carries a "waiting" mark in the chat list. The session token
// travels in the WebSocket subprotocol, never in a sync URL.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp, startTestServer, testDist } from '../fixtures/server.ts'
import { ensureBuilt, launch, started } from './helpers.ts'
import {
  count,
  network,
  openChat,
  PageClient,
  sendUi,
  serviceWorkerControls,
  signInUi,
  storedBodies,
  untilShown,
  type Friends,
  type Network,
} from './offline-setup.ts'

/** A liveness bound, far beyond what delivery takes on a loaded machine. */
const DELIVERY_MS = 60_000

/**
 * Alice and Bob, friends with a direct chat, on a server of their own that serves the app built in
 * SORI_TEST_DIST; the browser reaches it through a relay that can be cut.
 */
function harness(): { readonly f: Friends; readonly net: Network; readonly browser: Browser } {
  let f: Friends | undefined
  let relay: Network | undefined
  let browser: Browser | undefined
  beforeAll(async () => {
    ensureBuilt()
    // the reload offline needs the service worker
    if (!existsSync(join(testDist(), 'sw.js'))) throw new Error(`the PWA build in ${testDist()} has no sw.js`)
    const server = await startTestServer('sqlite')
    const tag = `${process.pid % 10000}${Date.now() % 100000}`
    const alice = await signUp(server, `ol${tag}a`, 'Alice')
    const bob = await signUp(server, `ol${tag}b`, 'Bob')
    for (const [a, b] of [
      [alice, bob],
      [bob, alice],
    ])
      expect((await api(server, a.token, 'POST', '/api/friends', { userId: b.user.id })).status).toBe(204)
    const chat = await api<Chat>(server, alice.token, 'POST', '/api/chats/direct', { userId: bob.user.id })
    f = { server, alice, bob, chat: chat.body }
    relay = await network(server.port)
    browser = await launch()
  })
  afterAll(async () => {
    await browser?.close()
    await relay?.close()
    await f?.server.close()
  })
  return {
    get f() {
      return started(f, 'the server')
    },
    get net() {
      return started(relay, 'the relay')
    },
    get browser() {
      return started(browser, 'the browser')
    },
  }
}

const env = harness()
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

/**
 * Signs Alice in and waits until the app has synced her chat with Bob in the background, as it has
 * on any device in use for a while (a chat it never synced would be opened again by that sync).
 */
async function signedIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage()
  await signInUi(page, env.net.url, env.f.alice)
  await page.waitForFunction(
    ([db, conv]) =>
      new Promise<boolean>((resolve) => {
        const open = indexedDB.open(db)
        open.onerror = () => resolve(false)
        open.onsuccess = () => {
          const d = open.result
          try {
            const req = d.transaction('kv').objectStore('kv').get('synced')
            req.onsuccess = () => {
              d.close()
              const synced = (req.result as { value?: Record<string, number> } | undefined)?.value
              resolve(synced != null && conv in synced)
            }
            req.onerror = () => {
              d.close()
              resolve(false)
            }
          } catch {
            d.close()
            resolve(false)
          }
        }
      }),
    [`sori-${env.f.alice.user.id}`, env.f.chat.id] as const,
    { timeout: 30_000, polling: 200 },
  )
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
    await page.getByRole('button', { name: 'Send' }).evaluate((b) => {
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
