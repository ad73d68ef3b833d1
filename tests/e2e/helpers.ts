// Shared browser helpers for the app's end-to-end tests: build the PWA once (when dist/ is missing or
// older than its sources), start Debian's Chromium, and drive the UI like a person would.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import * as Y from 'yjs'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import { countExitListener } from '../fixtures/exit-listeners.ts'
import { afterAll, beforeAll } from 'vitest'
import type { Chat, Session } from '../../protocol/api.ts'
import { pageDoc } from '../../protocol/docs.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { api, signUp, startTestServer, TEST_PASSWORD, testDist, type RunningServer } from '../fixtures/server.ts'
import { connect, send, type SyncClient } from '../fixtures/sync-client.ts'

const SOURCES = ['web', 'locales', 'public', 'protocol', 'index.html', 'vite.config.ts']

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0
  const st = statSync(path)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)))
  return newest
}

/**
 * Runs `vite build` unless dist/index.html is newer than every source file. vitest sets NODE_ENV=test, and
 * a build that inherits it has import.meta.env.PROD false and never registers the service worker: the
 * build always runs as production.
 */
export function ensureBuilt(): void {
  const dist = testDist()
  const built = existsSync(join(dist, 'index.html')) ? statSync(join(dist, 'index.html')).mtimeMs : 0
  const sources = Math.max(...SOURCES.map(newestMtime))
  if (built > sources) return
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', dist, '--emptyOutDir'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  })
}

export interface AppHarness {
  /** a real server over a fresh SQLite database; set once beforeAll has run */
  readonly server: RunningServer
  /** Chromium; set once beforeAll has run */
  readonly browser: Browser
}

/**
 * Call at the top of a test file: before its tests, builds the app (with `build`), starts a server and
 * Chromium; after them, closes both.
 */
export function appHarness(build: () => void = ensureBuilt): AppHarness {
  let server: RunningServer | undefined
  let browser: Browser | undefined
  beforeAll(async () => {
    build()
    server = await startTestServer('sqlite')
    browser = await launch()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })
  return {
    get server() {
      return started(server, 'the server')
    },
    get browser() {
      return started(browser, 'the browser')
    },
  }
}

/** A value a beforeAll hook sets, read from a test: throws when read before that hook has run. */
export function started<T>(x: T | undefined, what: string): T {
  if (x === undefined) throw new Error(`${what} is not running (used outside a test?)`)
  return x
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      // a fake microphone (a tone) that needs no prompt, for voice notes
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
    ],
  })
}

/** A phone-sized browser context (360×640, touch) in English. */
export async function phone(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 2,
    locale: 'en-US',
    hasTouch: true,
  })
  const page = await context.newPage()
  page.on('pageerror', (e) => console.error('[page error]', e.message))
  page.on('dialog', (d) => void d.accept())
  return { context, page }
}

/** Signs up through the welcome screen and waits for the chat list. */
export async function signUpInUi(page: Page, url: string, handle: string, name: string): Promise<void> {
  await page.goto(url)
  await page.getByRole('tab', { name: 'Sign up' }).click()
  await page.getByLabel('ID', { exact: true }).fill(handle)
  await page.getByLabel('Display name').fill(name)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Create account' }).click()
  await page.getByRole('heading', { name: 'Chats' }).waitFor()
}

/** Signs in through the welcome screen (an account made through the API) and waits for the chat list. */
export async function signInInUi(page: Page, url: string, handle: string): Promise<void> {
  await page.goto(url)
  // a device nobody has signed in on opens on "Sign up"
  await page.getByRole('tab', { name: 'Sign in' }).click()
  await page.getByLabel('ID', { exact: true }).fill(handle)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.getByRole('heading', { name: 'Chats' }).waitFor()
}

/** A tab of the bottom bar. */
export const tab = (page: Page, name: string) => page.getByRole('navigation').getByRole('link', { name: new RegExp('^' + name) })

/** Adds a friend by handle on the Friends tab. */
export async function addFriendInUi(page: Page, handle: string): Promise<void> {
  await tab(page, 'Friends').click()
  await page.getByLabel('Find a friend by ID').fill(handle)
  await page.getByRole('button', { name: 'Find', exact: true }).click()
  const add = page.getByRole('button', { name: 'Add', exact: true })
  await add.click()
  // the server has the friend once the search's answer gives way
  await add.waitFor({ state: 'detached' })
}

/** Opens the 1:1 chat with a friend from the Friends tab (profile sheet → "1:1 chat"). */
export async function openDirectInUi(page: Page, friendName: string): Promise<void> {
  await tab(page, 'Friends').click()
  await page.locator('.row--button', { hasText: friendName }).click()
  await page.getByRole('button', { name: '1:1 chat' }).click()
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
}

export async function sendInUi(page: Page, text: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Message' }).fill(text)
  await page.getByRole('button', { name: 'Send', exact: true }).click()
}

/** Two new accounts, `me` with `them` as a friend, and their 1:1 chat (opened by `them`). */
export async function friendsWithChat(
  server: RunningServer,
  me: { handle: string; name: string },
  them: { handle: string; name: string },
): Promise<{ me: Session; them: Session; chat: Chat }> {
  const mine = await signUp(server, me.handle, me.name)
  const theirs = await signUp(server, them.handle, them.name)
  await api(server, mine.token, 'POST', '/api/friends', { userId: theirs.user.id })
  const chat = (await api<Chat>(server, theirs.token, 'POST', '/api/chats/direct', { userId: mine.user.id })).body
  return { me: mine, them: theirs, chat }
}

/**
 * friendsWithChat, and `them` wrote `texts` in the chat (through a sync client on its first page that stays
 * connected: destroy `theirPage` at the end).
 */
export async function friendWrote(
  server: RunningServer,
  me: { handle: string; name: string },
  them: { handle: string; name: string },
  texts: string[],
): Promise<{ me: Session; them: Session; chat: Chat; theirPage: SyncClient }> {
  const f = await friendsWithChat(server, me, them)
  const theirPage = await connect(server, f.them.token, pageDoc(f.chat.id, 0))
  for (const text of texts) send(theirPage, f.them.user.id, text)
  return { ...f, theirPage }
}

/** Picks `file` in the chat's "Send a photo or file" chooser. */
export async function pickFile(page: Page, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Send a photo or file' }).click(),
  ])
  await chooser.setFiles([file])
}

/** The bubble holding `text` (a locator for the whole message row). */
// the live room's message, not the inert picture of its last look that a cold start paints first (#boot)
export const message = (page: Page, text: string) =>
  page.locator('.msg:not(#boot .msg)', { has: page.locator('.msg__text', { hasText: text }) })

/**
 * A stock y-websocket client in Node, synced with `docName` (a channel's console, the other side of a chat
 * without a second browser); `close` ends it.
 */
export async function stockClient(serverUrl: string, token: string, docName: string): Promise<{ doc: Y.Doc; close: () => void }> {
  const doc = new Y.Doc()
  const provider = countExitListener(
    new WebsocketProvider(serverUrl.replace(/^http/, 'ws') + '/sync', docName, doc, {
      params: { token },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    }),
  )
  await new Promise<void>((resolve) => provider.once('sync', () => resolve()))
  return {
    doc,
    close: () => {
      provider.destroy()
      doc.destroy()
    },
  }
}

/** Appends messages to a page doc as `userId`, through a stock client, in one transaction (how tests seed history). */
export async function writeMessages(serverUrl: string, token: string, docName: string, msgs: ChatMessage[]): Promise<void> {
  const { doc, close } = await stockClient(serverUrl, token, docName)
  doc.transact(() => doc.getArray<ChatMessage>('msgs').push(msgs))
  // give the socket a moment to hand the update over before closing it
  await new Promise((r) => setTimeout(r, 200))
  close()
}
