// Shared parts of the offline e2e tests: a switchable network in front of the real server, two friends
// with a direct chat, the other user as a stock y-websocket client in Node, and the browser.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll } from 'vitest'
import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { countExitListener } from '../fixtures/exit-listeners.ts'
import type { Chat, Session } from '../../protocol/api.ts'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { startServer } from '../../server/app.ts'
import { freshDatabaseUrl } from '../fixtures/databases.ts'
import { api, signUp, TEST_PASSWORD, type RunningServer } from '../fixtures/server.ts'
import { launch, started } from './helpers.ts'

export { TEST_PASSWORD }

let built: string | null = null

/**
 * A production build of the PWA of our own. The shared dist/ is rebuilt by other work at any time
 * (sometimes from a test process, where NODE_ENV=test makes a build without service worker
 * registration), and these tests are about the service worker.
 */
export function buildApp(): string {
  if (built) return built
  const dir = mkdtempSync(join(tmpdir(), 'sori-offline-dist-'))
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  execFileSync('npx', ['vite', 'build', '--outDir', dir, '--emptyOutDir', '--logLevel', 'error'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  if (!existsSync(join(dir, 'index.html')) || !existsSync(join(dir, 'sw.js')))
    throw new Error('the PWA build has no index.html or sw.js')
  return (built = dir)
}

export { launch } from './helpers.ts'

/**
 * The browser reaches the server only through this TCP relay. Cutting it closes every open connection
 * (HTTP keep-alive and WebSockets alike) and refuses new ones, which is what losing the network does to
 * a phone. context.setOffline(true) alone leaves an open WebSocket working in Chromium, so the tests
 * use both: setOffline for navigator.onLine and fetch, the relay for the sockets.
 */
export interface Network {
  url: string
  cut(): void
  restore(): void
  close(): Promise<void>
}

export async function network(targetPort: number): Promise<Network> {
  let up = true
  const open = new Set<net.Socket>()
  const relay = net.createServer((client) => {
    if (!up) {
      client.destroy()
      return
    }
    const upstream = net.connect(targetPort, '127.0.0.1')
    for (const s of [client, upstream]) {
      open.add(s)
      s.on('close', () => open.delete(s))
      s.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r))
  const port = (relay.address() as net.AddressInfo).port
  const cut = (): void => {
    up = false
    for (const s of open) s.destroy()
  }
  return {
    url: `http://127.0.0.1:${port}`,
    cut,
    restore: () => {
      up = true
    },
    close: () => {
      cut()
      return new Promise((r) => relay.close(() => r()))
    },
  }
}

export interface Friends {
  server: RunningServer
  alice: Session
  bob: Session
  chat: Chat
}

let seq = 0
const handle = (who: string): string => `${who}${process.pid % 10000}${Date.now() % 100000}${seq++}`.slice(0, 20)

/** Alice and Bob, friends both ways, with a direct chat. */
export async function friendsWithChat(): Promise<Friends> {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databaseUrl: await freshDatabaseUrl('sqlite'),
    staticDir: buildApp(),
  })
  const alice = await signUp(server, handle('al'), 'Alice')
  const bob = await signUp(server, handle('bo'), 'Bob')
  for (const [a, b] of [
    [alice, bob],
    [bob, alice],
  ]) {
    const r = await api(server, a.token, 'POST', '/api/friends', { userId: b.user.id })
    if (r.status !== 204) throw new Error(`adding a friend failed: ${r.status}`)
  }
  const r = await api<Chat>(server, alice.token, 'POST', '/api/chats/direct', { userId: bob.user.id })
  if (r.status !== 200 && r.status !== 201) throw new Error(`creating the chat failed: ${r.status}`)
  return { server, alice, bob, chat: r.body }
}

export interface OfflineHarness {
  /** Alice and Bob with their chat, on a server of their own; set once beforeAll has run */
  readonly f: Friends
  /** the relay through which the browser reaches that server */
  readonly net: Network
  readonly browser: Browser
  /** stops the server before the end of the file (afterAll then leaves it alone) */
  stopServer(): Promise<void>
}

/**
 * Call at the top of a test file: before its tests, starts Alice and Bob's server, the relay in front of
 * it and Chromium; after them, closes all three.
 */
export function offlineHarness(): OfflineHarness {
  let f: Friends | undefined
  let relay: Network | undefined
  let browser: Browser | undefined
  let serverStopped = false
  beforeAll(async () => {
    f = await friendsWithChat()
    relay = await network(f.server.port)
    browser = await launch()
  })
  afterAll(async () => {
    await browser?.close()
    await relay?.close()
    if (!serverStopped) await f?.server.close()
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
    stopServer: async () => {
      serverStopped = true
      await started(f, 'the server').server.close()
    },
  }
}

/** A user's view of one page doc through the stock y-websocket client (Node). */
/**
 * What one test opens beside the harness (browser contexts, raw page clients), closed after each test with
 * the network put back as it was.
 */
export function perTest(env: OfflineHarness): { contexts: BrowserContext[]; clients: PageClient[] } {
  const opened = { contexts: [] as BrowserContext[], clients: [] as PageClient[] }
  afterEach(async () => {
    env.net.restore()
    for (const c of opened.clients.splice(0)) c.destroy()
    for (const c of opened.contexts.splice(0)) await c.close().catch(() => undefined)
  })
  return opened
}

export class PageClient {
  readonly doc = new Y.Doc()
  readonly provider: WebsocketProvider
  constructor(
    serverUrl: string,
    readonly session: Session,
    convId: string,
    page = 0,
  ) {
    this.provider = countExitListener(
      new WebsocketProvider(serverUrl.replace(/^http/, 'ws') + '/sync', pageDoc(convId, page), this.doc, {
        WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
        params: { token: session.token },
        disableBc: true,
        connect: false,
      }),
    )
    // the stock client echoes every awareness state it receives, which the server refuses (a state
    // that claims another user); this client only reads and writes messages, so it sends none
    this.provider.awareness.off('update', this.provider._awarenessUpdateHandler)
    this.provider.awareness.setLocalState(null)
    this.provider.connect()
  }
  get msgs(): Y.Array<ChatMessage> {
    return this.doc.getArray<ChatMessage>(ROOTS.page.msgs)
  }
  bodies(): string[] {
    return this.msgs.toArray().map((m) => m.body)
  }
  synced(): Promise<void> {
    return this.provider.synced ? Promise.resolve() : new Promise((r) => this.provider.once('sync', () => r()))
  }
  send(body: string): void {
    const m: ChatMessage = {
      id: `m${Math.random().toString(36).slice(2, 12)}${seq++}`,
      from: this.session.user.id,
      ts: Date.now(),
      kind: 'text',
      body,
    }
    this.msgs.push([m])
  }
  /** Resolves when `test` holds for the bodies (checked on every change); rejects after `ms`. */
  until(test: (bodies: string[]) => boolean, ms = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (test(this.bodies())) {
          done()
          resolve()
        }
      }
      const timer = setTimeout(() => {
        done()
        reject(new Error(`timed out; bodies: ${JSON.stringify(this.bodies())}`))
      }, ms)
      const done = (): void => {
        clearTimeout(timer)
        this.msgs.unobserve(check)
      }
      this.msgs.observe(check)
      check()
    })
  }
  destroy(): void {
    this.provider.destroy()
    this.doc.destroy()
  }
}

/** What the server stores now, read by a fresh client. */
export async function storedBodies(serverUrl: string, session: Session, convId: string): Promise<string[]> {
  const c = new PageClient(serverUrl, session, convId)
  try {
    await c.synced()
    return c.bodies()
  } finally {
    c.destroy()
  }
}

export async function signInUi(page: Page, baseUrl: string, s: Session): Promise<void> {
  await page.goto(baseUrl + '/')
  await page.locator('#tab-signin').click()
  await page.locator('input[name=handle]').fill(s.user.handle)
  await page.locator('input[name=password]').fill(TEST_PASSWORD)
  await page.locator('#welcome-form button[type=submit]').click()
  await page.getByRole('heading', { name: 'Chats' }).waitFor()
}

/**
 * Signs `s` in and waits until the app has synced chat `convId` in the background, as it has on any
 * device in use for a while (a chat it never synced would be opened again by that sync).
 */
export async function signInSynced(page: Page, baseUrl: string, s: Session, convId: string): Promise<void> {
  await signInUi(page, baseUrl, s)
  // polled from here, not with page.waitForFunction: that takes the promise the check returns for a
  // truthy answer and so returns after the first read, synced or not
  const end = Date.now() + 30_000
  while (!(await page.evaluate(syncedInBackground, [`sori-${s.user.id}`, convId] as const))) {
    if (Date.now() > end) throw new Error(`chat ${convId} was not synced in the background`)
    await page.waitForTimeout(200)
  }
}

/** In the page: has the background sync stored chat `conv` in database `db` (its `synced` record)? */
function syncedInBackground([db, conv]: readonly [string, string]): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
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
  })
}

export async function openChat(page: Page, baseUrl: string, convId: string): Promise<void> {
  if (!page.url().startsWith(baseUrl)) await page.goto(baseUrl + '/')
  await page.evaluate((id) => {
    location.hash = `#/chat/${id}`
  }, convId)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
}

export async function sendUi(page: Page, body: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(body)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

/** The messages the page shows: body and state (state only for mine). */
export function shown(page: Page): Promise<{ body: string; state: string | null }[]> {
  return page.locator('[data-msg-id]').evaluateAll((els) =>
    els.map((el) => ({
      body: el.querySelector('.msg__text')?.textContent ?? '',
      state: el.getAttribute('data-state'),
    })),
  )
}

/** Waits until the page's messages satisfy `test`. */
export async function untilShown(
  page: Page,
  test: (m: { body: string; state: string | null }[]) => boolean,
  ms = 20_000,
): Promise<void> {
  const end = Date.now() + ms
  for (;;) {
    const m = await shown(page)
    if (test(m)) return
    if (Date.now() > end) throw new Error(`timed out; shown: ${JSON.stringify(m)}`)
    await page.waitForTimeout(100)
  }
}

export async function serviceWorkerControls(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 })
}

export const count = (list: string[], body: string): number => list.filter((b) => b === body).length

export type { BrowserContext }
