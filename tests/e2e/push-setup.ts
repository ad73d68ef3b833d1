// Shared parts of the push browser tests: the server with its push sender pointed at a push service on
// localhost (tests/fixtures/push-service.ts, which decrypts what the server sends), a PushManager in the
// page that hands out that service's subscription (Chromium's own would go to Google's push service, out
// of reach here), delivery of a decrypted payload into the service worker as Chromium delivers a push
// (DevTools protocol), and the notifications the worker shows.
import { afterAll, beforeAll } from 'vitest'
import type { BrowserContext, Page, Worker } from 'playwright-core'
import { startPushService, type PushServiceFixture } from '../fixtures/push-service.ts'
import { until } from '../fixtures/sync-client.ts'
import { appHarness, phone, signInInUi, type AppHarness } from './helpers.ts'
import { serviceWorkerControls } from './offline-setup.ts'

/** The app harness with pushes going to a push service on localhost, at once (no coalescing wait). */
export function pushHarness(): { app: AppHarness; service: () => PushServiceFixture } {
  // the test's push service speaks http on 127.0.0.1
  process.env.SORI_PUSH_ALLOW_HTTP = '1'
  process.env.SORI_PUSH_COALESCE_MS = '0'
  const app = appHarness()
  let push: PushServiceFixture | undefined
  beforeAll(async () => void (push = await startPushService()))
  afterAll(async () => await push?.close())
  return { app, service: () => push! }
}

/** The page's PushManager hands out `sub` (its keys are the test's), remembering it across reloads. Runs in the page. */
export function fakePushManager(sub: { endpoint: string; p256dh: string; auth: string }): void {
  const make = (key: ArrayBuffer) => ({
    endpoint: sub.endpoint,
    options: { applicationServerKey: key, userVisibleOnly: true },
    toJSON: () => ({ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } }),
    unsubscribe: async () => (localStorage.removeItem('test.push'), true),
  })
  PushManager.prototype.subscribe = async function (opts?: PushSubscriptionOptionsInit) {
    const key = new Uint8Array(opts!.applicationServerKey as ArrayBuffer)
    localStorage.setItem('test.push', JSON.stringify([...key]))
    return make(key.buffer) as unknown as PushSubscription
  }
  PushManager.prototype.getSubscription = async function () {
    const k = localStorage.getItem('test.push')
    return k ? (make(new Uint8Array(JSON.parse(k) as number[]).buffer) as unknown as PushSubscription) : null
  }
}

/** Delivers pushes into the page's service worker the way Chromium does (DevTools protocol). */
export async function pushDelivery(
  context: BrowserContext,
  page: Page,
  origin: string,
): Promise<(payload: object) => Promise<unknown>> {
  const cdp = await context.newCDPSession(page)
  const { targetInfo } = await cdp.send('Target.getTargetInfo')
  // the registration whose active worker controls this page: the last one announced need not be it
  let registration: string | null = null
  const scopes = new Map<string, string>()
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
    for (const r of e.registrations) if (!r.isDeleted) scopes.set(r.registrationId, r.scopeURL)
  })
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
    for (const v of e.versions)
      if (
        v.status === 'activated' &&
        v.controlledClients?.includes(targetInfo.targetId) &&
        scopes.get(v.registrationId)?.startsWith(origin)
      )
        registration = v.registrationId
  })
  await cdp.send('ServiceWorker.enable')
  await until(() => registration !== null, 'the registration of the worker that controls the page')
  return (payload) =>
    cdp.send('ServiceWorker.deliverPushMessage', { origin, registrationId: registration!, data: JSON.stringify(payload) })
}

type Shows = { calls: number; settled: number }

/**
 * Counts the worker's showNotification calls and how many have settled, by wrapping the method (the push
 * handler under test calls straight through it, unchanged). Chromium's getNotifications() deletes every
 * stored notification not yet on screen that was created before the call, so the tests read only when
 * no notification is on its way (see web/push/sw-push.ts), as the app's worker does.
 */
async function watchShows(sw: Worker): Promise<void> {
  await sw.evaluate(() => {
    const g = self as unknown as ServiceWorkerGlobalScope & { shows?: Shows }
    if (g.shows) return
    const shows: Shows = { calls: 0, settled: 0 }
    g.shows = shows
    const original = g.registration.showNotification.bind(g.registration)
    g.registration.showNotification = (title, options) => {
      shows.calls++
      return original(title, options).finally(() => void shows.settled++)
    }
  })
}

/** Resolves in the worker once `settled` shows have settled and none is on its way (false after 20 s). */
const showsSettle = (sw: Worker, settled: number) =>
  sw.evaluate(
    (target) =>
      new Promise<boolean>((resolve) => {
        const shows = (self as unknown as { shows: Shows }).shows
        const deadline = Date.now() + 20_000
        const check = () => {
          if (shows.settled >= target && shows.settled === shows.calls) resolve(true)
          else if (Date.now() > deadline) resolve(false)
          else setTimeout(check, 5)
        }
        check()
      }),
    settled,
  )

/** The notifications the service worker shows now, read in the worker when none is on its way. */
export async function notifications(sw: Worker): Promise<Array<{ title: string; body: string; tag: string }>> {
  if (!(await showsSettle(sw, 0))) throw new Error('a notification was still on its way after 20 s')
  return sw.evaluate(async () =>
    (await (self as unknown as ServiceWorkerGlobalScope).registration.getNotifications()).map((n) => ({
      title: n.title,
      body: n.body,
      tag: n.tag,
    })),
  )
}

/**
 * What each push test starts from: a phone signed in as `handle`, notifications allowed, its PushManager
 * handing out the push service's subscription `name`, its service worker in control, and the delivery
 * of pushes into that worker.
 */
export async function pushPhone(
  app: AppHarness,
  service: PushServiceFixture,
  name: string,
  handle: string,
): Promise<{
  sub: ReturnType<PushServiceFixture['subscription']>
  context: BrowserContext
  page: Page
  deliver: (payload: object) => Promise<void>
  sw: Worker
}> {
  const sub = service.subscription(name)
  const { p256dh, auth } = sub.body('en').keys
  const { context, page } = await phone(app.browser)
  await context.grantPermissions(['notifications'], { origin: app.server.url })
  await page.addInitScript(fakePushManager, { endpoint: sub.endpoint, p256dh, auth })
  await signInInUi(page, app.server.url, handle)
  await serviceWorkerControls(page)
  const push = await pushDelivery(context, page, app.server.url)
  const sw = context.serviceWorkers().find((w) => w.url().startsWith(app.server.url))!
  await watchShows(sw)
  // a push is delivered once its notification is on screen (or its show failed)
  const deliver = async (payload: object) => {
    const before = await sw.evaluate(() => (self as unknown as { shows: Shows }).shows.settled)
    await push(payload)
    if (!(await showsSettle(sw, before + 1))) throw new Error('the push showed no notification within 20 s')
  }
  return { sub, context, page, deliver, sw }
}
