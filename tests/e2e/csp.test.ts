// The security headers on the real built app in Chromium: the whole app (sign-up, friends, a chat with
// its WebSocket, search, settings, a new group, a reload from the service worker) runs under the
// Content-Security-Policy without a single violation, while script injected into the page (an inline
// <script>, an inline event handler, a script from another origin, eval) does not run and the app
// cannot be framed by another site.
import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { testDist } from '../fixtures/server.ts'
import { addFriendInUi, appHarness, message, openDirectInUi, phone, sendInUi, signUpInUi, tab } from './helpers.ts'

const app = appHarness()

interface Violation {
  directive: string
  blocked: string
}

/** Every CSP violation the page reports (events and console errors), across navigations. */
async function watchCsp(page: Page): Promise<{ events: Violation[]; console: string[] }> {
  const seen = { events: [] as Violation[], console: [] as string[] }
  await page.exposeFunction('__cspViolation', (v: Violation) => seen.events.push(v))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __cspViolation(v: Violation): void }).__cspViolation
      report({ directive: e.effectiveDirective, blocked: e.blockedURI })
    })
  })
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.console.push(m.text())
  })
  return seen
}

// another origin (another port): a script it serves must never run in the app, and its page must not
// be able to show the app in a frame
let foreign: Server
let foreignUrl = ''
const foreignHits: string[] = []
beforeAll(async () => {
  foreign = createServer((req, res) => {
    foreignHits.push(req.url ?? '')
    if (req.url === '/evil.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' })
      res.end('window.__foreignRan = true')
      return
    }
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end(`<!doctype html><title>Elsewhere</title><iframe id="f" src="${app.server.url}/"></iframe>`)
  })
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve))
  foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}`
})
afterAll(async () => {
  await new Promise((resolve) => foreign?.close(resolve))
})

test('the built app has no inline script or style for the policy to allow', () => {
  const html = readFileSync(join(testDist(), 'index.html'), 'utf8')
  const scripts = html.match(/<script\b[^>]*>/g) ?? []
  expect(scripts.length).toBeGreaterThan(0)
  for (const tag of scripts) expect(tag).toMatch(/\bsrc="\/[^/]/)
  expect(html).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i)
})

test('the app works under its Content-Security-Policy, and injected script does not run', async () => {
  const a = await phone(app.browser)
  const b = await phone(app.browser)
  const cspA = await watchCsp(a.page)
  const cspB = await watchCsp(b.page)

  // two people sign up, become friends and chat over the sync WebSocket
  await signUpInUi(a.page, app.server.url, 'csp_ana', 'Ana')
  await signUpInUi(b.page, app.server.url, 'csp_ben', 'Ben')
  await addFriendInUi(a.page, 'csp_ben')
  await addFriendInUi(b.page, 'csp_ana')
  await openDirectInUi(a.page, 'Ben')
  await sendInUi(a.page, 'Hello under the policy')
  await a.page.locator('.msg[data-state="sent"]', { hasText: 'Hello under the policy' }).waitFor()
  await tab(b.page, 'Chats').click()
  await b.page.locator('.chat-row', { hasText: 'Ana' }).click()
  await message(b.page, 'Hello under the policy').waitFor()
  await sendInUi(b.page, 'Received, Ana')
  await message(a.page, 'Received, Ana').waitFor()

  // the other screens: search, settings, friends, a new group
  await a.page.getByRole('button', { name: 'Back' }).click()
  await tab(a.page, 'Search').click()
  await a.page.getByLabel('Search friends, chats and messages').fill('Received')
  await a.page.locator('.msg__text, mark', { hasText: 'Received' }).first().waitFor()
  await tab(a.page, 'Settings').click()
  await a.page.getByRole('button', { name: 'Sign out of this device' }).waitFor()
  await tab(a.page, 'Friends').click()
  await a.page.locator('.row--button', { hasText: 'Ben' }).waitFor()
  await tab(a.page, 'Chats').click()
  await a.page.getByRole('link', { name: 'New group chat' }).click()
  await a.page.getByLabel('Group name').fill('Policy club')
  await a.page.getByRole('checkbox', { name: /Ben/ }).check()
  await a.page.getByRole('button', { name: 'Create' }).click()
  await a.page.getByRole('heading', { name: 'Policy club' }).waitFor()
  await sendInUi(a.page, 'Group hello')
  await b.page.getByRole('button', { name: 'Back' }).click()
  await b.page.locator('.chat-row', { hasText: 'Policy club' }).click()
  await message(b.page, 'Group hello').waitFor()

  // the service worker (registered under the policy) serves the shell on a reload, and the app syncs
  await a.page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 60_000 })
  await a.page.reload()
  await message(a.page, 'Group hello').waitFor()
  await sendInUi(b.page, 'After the reload')
  await message(a.page, 'After the reload').waitFor()

  // the web app manifest loads under manifest-src (what installing to the home screen reads)
  const cdp = await a.context.newCDPSession(a.page)
  const manifest = await cdp.send('Page.getAppManifest')
  expect(manifest.errors).toEqual([])
  expect(JSON.parse(manifest.data ?? '{}')).toMatchObject({ name: 'Sori', id: '/', start_url: '/' })
  await cdp.detach()
  // linked once (the build adds the link; a second one in index.html came before it)
  expect(await a.page.locator('link[rel="manifest"]').count()).toBe(1)

  expect(cspA.events).toEqual([])
  expect(cspB.events).toEqual([])
  expect([...cspA.console, ...cspB.console]).toEqual([])

  // script injected into the running app: an inline <script>, an inline event handler, eval, and a
  // script from another origin; none of them runs, and each is reported as a violation
  const injected = await a.page.evaluate(async (evilUrl) => {
    const w = window as unknown as Record<string, unknown>
    const inline = document.createElement('script')
    inline.textContent = 'window.__inlineRan = true'
    document.body.append(inline)

    const holder = document.createElement('div')
    holder.innerHTML = '<img src="/no-such-image.png" onerror="window.__handlerRan = true">'
    const img = holder.querySelector('img') as HTMLImageElement
    // listeners run in the order they were added: the attribute's handler (if allowed) comes first
    const imgDone = new Promise((resolve) => img.addEventListener('error', resolve))
    document.body.append(holder)
    await imgDone

    let evalRan = false
    try {
      evalRan = (0, eval)('true') === true
    } catch {
      /* refused */
    }

    const remote = document.createElement('script')
    remote.src = evilUrl
    const remoteDone = new Promise<string>((resolve) => {
      remote.onload = () => resolve('loaded')
      remote.onerror = () => resolve('refused')
    })
    document.body.append(remote)
    return {
      inline: w.__inlineRan === true,
      handler: w.__handlerRan === true,
      eval: evalRan,
      remote: await remoteDone,
      foreignRan: w.__foreignRan === true,
    }
  }, `${foreignUrl}/evil.js`)
  expect(injected).toEqual({ inline: false, handler: false, eval: false, remote: 'refused', foreignRan: false })
  expect(foreignHits).toEqual([])
  const until = Date.now() + 30_000
  const reported = () => cspA.events.length >= 4 && cspA.console.some((m) => m.includes('/evil.js'))
  while (!reported() && Date.now() < until) await a.page.waitForTimeout(100)
  // the same listeners that found nothing while the app ran do hear violations
  expect(cspA.events.map((v) => v.directive).sort()).toEqual([
    'script-src',
    'script-src-attr',
    'script-src-elem',
    'script-src-elem',
  ])
  expect(cspA.console.some((m) => m.includes('/evil.js'))).toBe(true)

  // another site cannot frame the app (clickjacking): the frame never gets the app's document
  const framer = await app.browser.newPage()
  await framer.goto(`${foreignUrl}/frame.html`)
  const frameElement = await framer.waitForSelector('#f')
  const frame = await frameElement.contentFrame()
  await frame?.waitForLoadState()
  await expect(frame?.locator('#app').count() ?? Promise.resolve(0)).resolves.toBe(0)
  expect(frame?.url() ?? '').not.toBe(`${app.server.url}/`)

  await framer.close()
  await a.context.close()
  await b.context.close()
})
