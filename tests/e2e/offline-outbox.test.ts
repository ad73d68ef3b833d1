// Offline writing: messages written with no network show at once as waiting, survive a reload made
// offline, and reach the other member exactly once when the network is back; then they show as sent.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  count,
  offlineHarness,
  openChat,
  PageClient,
  sendUi,
  serviceWorkerControls,
  shown,
  signInUi,
  storedBodies,
  untilShown,
} from './offline-setup.ts'

const env = offlineHarness()
let bob: PageClient

// registered after the harness's hooks: Bob connects once the server runs and leaves before it stops
beforeAll(async () => {
  bob = new PageClient(env.f.server.url, env.f.bob, env.f.chat.id)
  await bob.synced()
})
afterAll(() => {
  bob?.destroy()
})

describe('offline outbox', () => {
  test('messages written offline survive a reload and arrive exactly once', async () => {
    const history = ['hello from Bob', 'are you there?', 'see you tomorrow']
    for (const b of history) bob.send(b)

    const context = await env.browser.newContext({ viewport: { width: 420, height: 1600 } })
    const page = await context.newPage()
    await signInUi(page, env.net.url, env.f.alice)
    await openChat(page, env.net.url, env.f.chat.id)
    await untilShown(page, (m) => history.every((b) => m.some((x) => x.body === b)))
    await serviceWorkerControls(page)

    // the network goes away: sockets die with it
    env.net.cut()
    await context.setOffline(true)
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor()

    const mine = ['one', 'two', 'three', 'four', 'five'].map((w) => `offline ${w}`)
    for (const b of mine) {
      await sendUi(page, b)
      // shown at once, waiting
      await untilShown(page, (m) => m.some((x) => x.body === b && x.state === 'waiting'), 5_000)
    }

    // a reload with no network: the shell comes from the service worker, history and outbox from IndexedDB
    await page.reload()
    await page.getByRole('textbox', { name: 'Message' }).waitFor()
    await untilShown(
      page,
      (m) => history.every((b) => m.some((x) => x.body === b)) && mine.every((b) => m.some((x) => x.body === b)),
    )
    const afterReload = await shown(page)
    for (const b of mine) expect(afterReload.filter((x) => x.body === b)).toEqual([{ body: b, state: 'waiting' }])
    // nobody can have read what has not left the phone: no unread count beside the clock
    expect(await page.locator('[data-state="waiting"] .msg__unread').count()).toBe(0)
    expect(bob.bodies().filter((b) => mine.includes(b))).toEqual([])

    // written after the reload: a new Yjs clientID whose first item follows the five
    const later = 'offline six, after the reload'
    await sendUi(page, later)
    await untilShown(page, (m) => m.some((x) => x.body === later && x.state === 'waiting'), 5_000)
    mine.push(later)

    // back online: everything goes out once and turns sent when the server acknowledges it
    env.net.restore()
    await context.setOffline(false)
    await untilShown(page, (m) => mine.every((b) => m.some((x) => x.body === b && x.state === 'sent')), 30_000)
    // sent, and Bob has not read it: its "1"
    await page.locator('[data-msg-id]', { hasText: later }).locator('.msg__unread', { hasText: '1' }).waitFor()
    await bob.until((bodies) => mine.every((b) => bodies.includes(b)))
    const stored = await storedBodies(env.f.server.url, env.f.bob, env.f.chat.id)
    for (const b of [...history, ...mine]) {
      expect(count(bob.bodies(), b)).toBe(1)
      expect(count(stored, b)).toBe(1)
    }
    expect(stored).toHaveLength(history.length + mine.length)
    const final = await shown(page)
    for (const b of mine) expect(final.filter((x) => x.body === b)).toHaveLength(1)

    // 'sent' survives a reload made offline (the acknowledged state is stored)
    env.net.cut()
    await context.setOffline(true)
    await page.reload()
    await untilShown(page, (m) => mine.every((b) => m.some((x) => x.body === b && x.state === 'sent')))
    env.net.restore()
    await context.setOffline(false)
    await context.close()
  })

  test('a message sent the instant before a reload is still there, and goes out once', async () => {
    const context = await env.browser.newContext({ viewport: { width: 420, height: 1600 } })
    const page = await context.newPage()
    await signInUi(page, env.net.url, env.f.alice)
    await openChat(page, env.net.url, env.f.chat.id)
    await serviceWorkerControls(page)
    env.net.cut()
    await context.setOffline(true)
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor()

    // Send and reload in one task: the page goes away while its IndexedDB write may still be open
    const body = 'sent right before a reload'
    await page.getByRole('textbox', { name: 'Message' }).fill(body)
    await page.getByRole('button', { name: 'Send', exact: true }).evaluate((b) => {
      ;(b as HTMLButtonElement).click()
      location.reload()
    })
    await page.waitForLoadState('load')
    await page.getByRole('textbox', { name: 'Message' }).waitFor()
    await untilShown(page, (m) => m.some((x) => x.body === body && x.state === 'waiting'))

    env.net.restore()
    await context.setOffline(false)
    await untilShown(page, (m) => m.some((x) => x.body === body && x.state === 'sent'), 30_000)
    await bob.until((bodies) => bodies.includes(body))
    expect(count(bob.bodies(), body)).toBe(1)
    expect(count(await storedBodies(env.f.server.url, env.f.bob, env.f.chat.id), body)).toBe(1)
    // once stored, nothing is left in localStorage's keep for it
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('sori:unsaved:')).length)).toBe(0)
    await context.close()
  })

  test('two tabs never send the same message twice', async () => {
    const context = await env.browser.newContext({ viewport: { width: 420, height: 1600 } })
    const tab1 = await context.newPage()
    await signInUi(tab1, env.net.url, env.f.alice)
    await openChat(tab1, env.net.url, env.f.chat.id)
    const tab2 = await context.newPage()
    await openChat(tab2, env.net.url, env.f.chat.id)
    await serviceWorkerControls(tab1)

    // online: what one tab writes shows once in the other
    await sendUi(tab1, 'tab one online')
    await untilShown(tab2, (m) => m.filter((x) => x.body === 'tab one online').length === 1)

    // offline: both tabs write; each shows both tabs' messages (BroadcastChannel), once
    env.net.cut()
    await context.setOffline(true)
    const written = ['tab one a', 'tab two a', 'tab one b', 'tab two b']
    for (const b of written) await sendUi(b.startsWith('tab one') ? tab1 : tab2, b)
    for (const tab of [tab1, tab2]) await untilShown(tab, (m) => written.every((b) => m.filter((x) => x.body === b).length === 1))
    await tab2.reload()
    await untilShown(tab2, (m) => written.every((b) => m.filter((x) => x.body === b && x.state === 'waiting').length === 1))

    env.net.restore()
    await context.setOffline(false)
    for (const tab of [tab1, tab2]) {
      await untilShown(
        tab,
        (m) => [...written, 'tab one online'].every((b) => m.filter((x) => x.body === b && x.state === 'sent').length === 1),
        30_000,
      )
    }
    await bob.until((bodies) => written.every((b) => bodies.includes(b)))
    // both tabs held every message and both synced with the server: still one copy of each
    await tabsSettled(tab1, tab2)
    const stored = await storedBodies(env.f.server.url, env.f.bob, env.f.chat.id)
    for (const b of [...written, 'tab one online']) {
      expect(count(stored, b)).toBe(1)
      expect(count(bob.bodies(), b)).toBe(1)
    }
    await context.close()
  })
})

/** Both tabs show the same messages (and no waiting ones): they have finished syncing. */
async function tabsSettled(a: import('playwright-core').Page, b: import('playwright-core').Page): Promise<void> {
  const key = async (p: import('playwright-core').Page) => JSON.stringify(await shown(p))
  for (let i = 0; i < 100; i++) {
    const [x, y] = [await key(a), await key(b)]
    if (x === y && !x.includes('"waiting"')) return
    await a.waitForTimeout(100)
  }
  throw new Error('the two tabs did not settle on the same messages')
}
