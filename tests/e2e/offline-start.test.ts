// Starting with the server gone: the service worker serves the app, and Dexie holds the chat list and
// the history of a chat that was synced in the background (never opened before the server went away).
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { offlineHarness, PageClient, serviceWorkerControls, shown, signInUi, untilShown } from './offline-setup.ts'

const HISTORY = 1000

const env = offlineHarness()

/** Messages of `convId` in the app's local message index (read straight from IndexedDB). */
const indexed = (page: Page, userId: string, convId: string): Promise<number> =>
  page.evaluate(
    ([db, conv]) =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open(db)
        open.onsuccess = () => {
          const d = open.result
          if (!d.objectStoreNames.contains('messages')) {
            d.close()
            resolve(0)
            return
          }
          const req = d.transaction('messages').objectStore('messages').index('conv').count(IDBKeyRange.only(conv))
          req.onsuccess = () => {
            d.close()
            resolve(req.result)
          }
          req.onerror = () => {
            d.close()
            resolve(0)
          }
        }
        open.onerror = () => resolve(0)
      }),
    [`sori-${userId}`, convId] as const,
  )

test('the app starts from the service worker with the server stopped', async () => {
  const context = await env.browser.newContext({ viewport: { width: 420, height: 900 } })
  const page = await context.newPage()
  await signInUi(page, env.net.url, env.f.alice)
  await serviceWorkerControls(page)

  // Bob writes while Alice looks at her chat list (she never opens the chat)
  const bob = new PageClient(env.f.server.url, env.f.bob, env.f.chat.id)
  await bob.synced()
  for (let i = 0; i < HISTORY; i += 100) {
    bob.doc.transact(() => {
      for (let k = i; k < i + 100; k++) bob.send(`history ${k}`)
    })
  }
  await bob.until((b) => b.length === HISTORY)
  const last = `history ${HISTORY - 1}`
  await page.getByRole('link', { name: /Bob/ }).filter({ hasText: last }).waitFor({ timeout: 30_000 })
  // background sync stores the chat's newest page (the app indexes every message it stores)
  const end = Date.now() + 30_000
  while ((await indexed(page, env.f.alice.user.id, env.f.chat.id)) < HISTORY) {
    if (Date.now() > end) throw new Error('the chat was not synced in the background')
    await page.waitForTimeout(200)
  }
  bob.destroy()
  await page.close()

  // the server goes away entirely
  await env.stopServer()
  env.net.cut()

  const cold = await context.newPage()
  await cold.goto(env.net.url + '/')
  const row = cold.getByRole('link', { name: /Bob/ })
  await row.filter({ hasText: last }).waitFor()
  await cold.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ timeout: 15_000 })

  // never opened: all of it is new, and the chat opens at its first message, under the "New messages" line
  const t0 = Date.now()
  await row.click()
  await untilShown(cold, (m) => m.some((x) => x.body === 'history 0'))
  const openMs = Date.now() - t0
  await cold.locator('.new-sep').waitFor()
  const m = await shown(cold)
  expect(m.length).toBeGreaterThan(0)
  expect(m.every((x) => /^history \d+$/.test(x.body))).toBe(true)

  // and from a cold navigation straight into the chat, read by then: at its newest message
  const t1 = Date.now()
  const direct = await context.newPage()
  await direct.goto(`${env.net.url}/#/chat/${env.f.chat.id}`)
  await untilShown(direct, (x) => x.some((y) => y.body === last))
  const coldMs = Date.now() - t1
  console.log(
    `[figures] offline, ${HISTORY} messages in Dexie: chat list → first new message shown ${openMs} ms; cold navigation (service worker) → newest message shown ${coldMs} ms`,
  )
  await context.close()
})
