// Yjs gives each copy of a document a random 32-bit clientID, and the server binds one to the first user
// who writes with it. Two ids may meet: a message written offline under an id someone else wrote with
// meanwhile is refused ("clientID belongs to another user"). The app then writes it again from a fresh
// copy, under a new id: it is delivered once, and the chat is not stuck behind it.
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import type { Chat } from '../../protocol/api.ts'
import { pageDoc } from '../../protocol/docs.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, message, msgs, until } from '../fixtures/sync-client.ts'
import { count, offlineHarness, openChat, PageClient, perTest, sendUi, signInSynced, untilShown } from './offline-setup.ts'

const DELIVERY_MS = 60_000

const env = offlineHarness()
const { contexts, clients } = perTest(env)

/** The clientIDs of the updates this device wrote into `doc` and the server has not acknowledged (its outbox mark). */
const unsentClients = (page: Page, userId: string, doc: string): Promise<number[]> =>
  page.evaluate(
    ({ db, key }) =>
      new Promise<number[]>((resolve, reject) => {
        const open = indexedDB.open(db)
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const get = open.result.transaction('kv').objectStore('kv').get(key)
          get.onsuccess = () => {
            const pairs = (get.result as { value?: [number, number][] } | undefined)?.value ?? []
            open.result.close()
            resolve(pairs.map(([client]) => client))
          }
          get.onerror = () => reject(get.error)
        }
      }),
    { db: `sori-${userId}`, key: `outbox:${doc}` },
  )

describe('a message written offline under a clientID someone else took meanwhile', () => {
  test('is written again under a new one once the phone is back, delivered once, and the next one follows', async () => {
    const { alice, bob, chat, server } = env.f
    const context = await env.browser.newContext({ viewport: { width: 360, height: 640 } })
    contexts.push(context)
    const page: Page = await context.newPage()
    await signInSynced(page, env.net.url, alice, chat.id)
    await openChat(page, env.net.url, chat.id)

    env.net.cut()
    await context.setOffline(true)
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor()
    const body = 'written in the tunnel'
    await sendUi(page, body)
    await untilShown(page, (m) => m.some((x) => x.body === body && x.state === 'waiting'))
    const doc = pageDoc(chat.id, 0)
    const [taken] = await unsentClients(page, alice.user.id, doc)
    expect(taken).toBeGreaterThan(0)

    // meanwhile Bob writes, in a chat of his own, under that same id: it is his from now on
    const carol = await signUp(server, `ct${Date.now() % 1_000_000}`, 'Carol')
    const other = (await api<Chat>(server, bob.token, 'POST', '/api/chats/direct', { userId: carol.user.id })).body
    const mine = new Y.Doc()
    mine.clientID = taken
    const bobs = await connect(server, bob.token, pageDoc(other.id, 0), { ack: true, doc: mine })
    msgs(bobs).push([message(bob.user.id, 'hello Carol')])
    await until(() => bobs.ackedClock() >= 1, "Bob's message under that id acknowledged")
    bobs.destroy()

    env.net.restore()
    await context.setOffline(false)
    const bobHere = new PageClient(server.url, bob, chat.id, 0)
    clients.push(bobHere)
    await bobHere.synced()
    await bobHere.until((b) => b.includes(body), DELIVERY_MS)
    await untilShown(
      page,
      (m) =>
        count(
          m.map((x) => x.body),
          body,
        ) === 1 && m.some((x) => x.body === body && x.state === 'sent'),
      DELIVERY_MS,
    )

    const next = 'out of the tunnel'
    await sendUi(page, next)
    await bobHere.until((b) => b.includes(next), DELIVERY_MS)
    expect(count(bobHere.bodies(), body)).toBe(1)
    await expect.poll(() => unsentClients(page, alice.user.id, doc), { timeout: DELIVERY_MS }).not.toContain(taken)
  })
})
