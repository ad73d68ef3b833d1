// What a tab closed offline left unstored goes out whole: the chat's read position as well as its
// messages. The kept copies of a chat's head and of its pages are told apart, so the head never takes a
// page's updates (structs whose earlier ones it never holds): its sync would send the server a gap,
// which the server refuses for good, and the read position would never reach the server.
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest'
import WebSocket from 'ws'
import { WebsocketProvider } from 'y-websocket'
import * as Y from 'yjs'
import { headDoc, ROOTS } from '../../protocol/docs.ts'
import type { Session } from '../../protocol/api.ts'
import { readPosition } from '../../protocol/messages.ts'
import { countExitListener } from '../fixtures/exit-listeners.ts'
import { offlineHarness, openChat, PageClient, sendUi, signInSynced, untilShown } from './offline-setup.ts'

/** A liveness bound, far beyond what delivery takes on a loaded machine. */
const DELIVERY_MS = 60_000

/** what the server logged while this file ran (its log lines go to console.info) */
const logged: string[] = []

beforeAll(() => {
  const info = console.info.bind(console)
  vi.spyOn(console, 'info').mockImplementation((...args: unknown[]) => {
    logged.push(args.map(String).join(' '))
    info(...args)
  })
})
const harness = offlineHarness()
const contexts: BrowserContext[] = []
afterEach(async () => {
  harness.net.restore()
  for (const c of contexts.splice(0)) await c.close().catch(() => undefined)
})
afterAll(() => {
  vi.restoreAllMocks()
})

const env = () => harness.f
const net = () => harness.net
const browser = () => harness.browser

/** Alice's read position in the chat, as the server stores it (read by a stock client of hers). */
async function storedRead(s: Session, convId: string): Promise<number | undefined> {
  const doc = new Y.Doc()
  const p = countExitListener(
    new WebsocketProvider(env().server.url.replace(/^http/, 'ws') + '/sync', headDoc(convId), doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token: s.token },
      disableBc: true,
      connect: false,
    }),
  )
  p.awareness.off('update', p._awarenessUpdateHandler)
  p.awareness.setLocalState(null)
  p.connect()
  try {
    await new Promise<void>((r) => (p.synced ? r() : p.once('sync', () => r())))
    return doc.getMap<number>(ROOTS.head.reads).get(s.user.id)
  } finally {
    p.destroy()
    doc.destroy()
  }
}

/** Signs Alice in, her chat with Bob synced in the background (signInSynced). */
async function signedIn(context: BrowserContext): Promise<Page> {
  const page = await context.newPage()
  await signInSynced(page, net().url, env().alice, env().chat.id)
  return page
}

/**
 * Holds the app's database busy from another connection, as a slow disk does: the app's own writes
 * queue behind it and never commit before the page goes, so what it writes now is kept only in
 * localStorage.
 */
async function storageStalls(page: Page, dbName: string): Promise<void> {
  await page.evaluate(
    (name) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open(name)
        open.onerror = () => reject(new Error('the database did not open'))
        open.onsuccess = () => {
          const tx = open.result.transaction(['updates', 'kv'], 'readwrite')
          const store = tx.objectStore('updates')
          const spin = (): void => {
            store.count().onsuccess = spin
          }
          spin()
          resolve()
        }
      }),
    dbName,
  )
}

/** An update of a client's second struct alone: whoever holds it without the first holds a gap. */
function gapped(): number[] {
  const d = new Y.Doc()
  const updates: Uint8Array[] = []
  d.on('update', (u: Uint8Array) => updates.push(u))
  d.getMap<number>(ROOTS.head.reads).set('a', 1)
  d.getMap<number>(ROOTS.head.reads).set('b', 1)
  d.destroy()
  return Array.from(updates[1])
}

describe('a tab closed offline', () => {
  // with a message stored before storage stalled, and without: what was kept then is the doc's later
  // updates, or all of them
  test.each([true, false])(
    'its read position reaches the server with its messages; the server refuses nothing (one stored before: %s)',
    async (storedBefore) => {
      const { alice, bob, chat } = env()
      const since = logged.length
      const context = await browser().newContext({ viewport: { width: 360, height: 640 } })
      contexts.push(context)
      const page = await signedIn(context)
      await openChat(page, net().url, chat.id)
      net().cut()
      await context.setOffline(true)
      await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor()

      const first = `written offline and stored (${storedBefore})`
      if (storedBefore) {
        await sendUi(page, first)
        await untilShown(page, (m) => m.some((x) => x.body === first && x.state === 'waiting'))
        // stored: nothing of it is kept in localStorage any more
        await page.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith('sori:unsaved:')), null, {
          timeout: 30_000,
          polling: 100,
        })
      }
      await storageStalls(page, `sori-${alice.user.id}`)
      const body = `written offline, never stored, tab closed (${storedBefore})`
      await sendUi(page, body)
      await untilShown(page, (m) => m.some((x) => x.body === body && x.state === 'waiting'))
      await page.evaluate(() => location.replace('about:blank'))
      await page.waitForURL('about:blank')
      await page.close()

      net().restore()
      await context.setOffline(false)
      const refusals: string[] = []
      const reopened = await context.newPage()
      reopened.on('console', (m) => {
        if (m.type() === 'error' && m.text().includes('refused')) refusals.push(m.text())
      })
      await reopened.goto(net().url + '/')
      await reopened.getByRole('heading', { name: 'Chats' }).waitFor()

      const other = new PageClient(env().server.url, bob, chat.id)
      try {
        await other.until((b) => (!storedBefore || b.includes(first)) && b.includes(body), DELIVERY_MS)
        // Alice read up to her own message: the server gets that too
        const upTo = readPosition(0, other.bodies().indexOf(body) + 1)
        await expect.poll(() => storedRead(alice, chat.id), { timeout: DELIVERY_MS, interval: 500 }).toBeGreaterThanOrEqual(upTo)
      } finally {
        other.destroy()
      }
      expect(refusals).toEqual([])
      expect(logged.slice(since).filter((l) => l.includes('refused'))).toEqual([])
    },
  )

  test('a chat head that holds updates it can never apply still syncs its read position', async () => {
    const { alice, bob, chat } = env()
    const since = logged.length
    const context = await browser().newContext({ viewport: { width: 360, height: 640 } })
    contexts.push(context)
    const page = await signedIn(context)
    // what an earlier version left on a device: the head stored updates whose earlier ones it never had
    await page.evaluate(
      ([name, doc, data]) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open(name)
          open.onerror = () => reject(new Error('the database did not open'))
          open.onsuccess = () => {
            const tx = open.result.transaction('updates', 'readwrite')
            tx.objectStore('updates').add({ doc, data: new Uint8Array(data) })
            tx.oncomplete = () => {
              open.result.close()
              resolve()
            }
            tx.onerror = () => reject(new Error('the row was not stored'))
          }
        }),
      [`sori-${alice.user.id}`, headDoc(chat.id), gapped()] as const,
    )
    const refusals: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error' && m.text().includes('refused')) refusals.push(m.text())
    })
    const other = new PageClient(env().server.url, bob, chat.id)
    try {
      await other.synced()
      const body = 'something to read'
      other.send(body)
      await page.reload()
      await openChat(page, net().url, chat.id)
      await untilShown(page, (m) => m.some((x) => x.body === body), DELIVERY_MS)
      const upTo = readPosition(0, other.bodies().indexOf(body) + 1)
      await expect.poll(() => storedRead(alice, chat.id), { timeout: DELIVERY_MS, interval: 500 }).toBeGreaterThanOrEqual(upTo)
    } finally {
      other.destroy()
    }
    expect(refusals).toEqual([])
    expect(logged.slice(since).filter((l) => l.includes('refused'))).toEqual([])
  })
})
