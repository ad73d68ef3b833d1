// A message written offline in a group that moved on two pages meanwhile (two invitations, each of
// which starts a page in a chat that holds messages) is refused in the page it was written in ("page
// is closed"): the app writes it again at the end of the current page, so it is delivered once, and the
// chat's later messages are not held up behind it.
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { count, offlineHarness, openChat, PageClient, perTest, sendUi, signInSynced, untilShown } from './offline-setup.ts'

/** A liveness bound, far beyond what delivery takes on a loaded machine. */
const DELIVERY_MS = 60_000

const env = offlineHarness()
const { contexts, clients } = perTest(env)

/** Waits until `body` is on Alice's screen once, sent (not also where it was first written). */
const shownOnceSent = (page: Page, body: string) =>
  untilShown(
    page,
    (m) =>
      count(
        m.map((x) => x.body),
        body,
      ) === 1 && m.some((x) => x.body === body && x.state === 'sent'),
    DELIVERY_MS,
  )

/** Bob's client on page `n` of `chat`, synced. */
async function bobOn(chat: Chat, n: number): Promise<PageClient> {
  const c = new PageClient(env.f.server.url, env.f.bob, chat.id, n)
  clients.push(c)
  await c.synced()
  return c
}

/** Bob writes into the current page and brings someone new in: the chat moves on a page. */
async function bobMovesOn(chat: Chat, n: number, who: string): Promise<void> {
  const bob = await bobOn(chat, n)
  const body = `before ${who} came`
  bob.send(body)
  // stored: the page holds a message, so the invitation starts the next one
  const check = await bobOn(chat, n)
  await check.until((b) => b.includes(body), DELIVERY_MS)
  const newcomer = await signUp(env.f.server, `${who}${process.pid % 10000}${Date.now() % 100000}`.slice(0, 20), who)
  const r = await api<Chat>(env.f.server, env.f.bob.token, 'POST', `/api/chats/${chat.id}/invite`, {
    userIds: [newcomer.user.id],
  })
  expect(r.status).toBe(200)
  expect(r.body.page).toBe(n + 1)
}

describe('a message written offline into a page that closed meanwhile', () => {
  test('goes into the current page once the phone is back, delivered once, and the next one follows', async () => {
    const r = await api<Chat>(env.f.server, env.f.alice.token, 'POST', '/api/chats/group', {
      title: 'Trip',
      userIds: [env.f.bob.user.id],
    })
    expect(r.status).toBe(201)
    const group = r.body
    const context = await env.browser.newContext({ viewport: { width: 360, height: 640 } })
    contexts.push(context)
    const page: Page = await context.newPage()
    await signInSynced(page, env.net.url, env.f.alice, group.id)
    await openChat(page, env.net.url, group.id)

    env.net.cut()
    await context.setOffline(true)
    await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor()
    const body = 'written on the plane'
    await sendUi(page, body)
    await untilShown(page, (m) => m.some((x) => x.body === body && x.state === 'waiting'))

    // meanwhile the group moves on from page 0 to page 2: page 0 takes no more appends
    await bobMovesOn(group, 0, 'carol')
    await bobMovesOn(group, 1, 'dave')

    env.net.restore()
    await context.setOffline(false)
    const bob = await bobOn(group, 2)
    await bob.until((b) => b.includes(body), DELIVERY_MS)
    // on Alice's phone: sent, and shown once
    await shownOnceSent(page, body)

    // the chat is not stuck behind it: the next message goes out too
    const next = 'landed'
    await sendUi(page, next)
    await bob.until((b) => b.includes(next), DELIVERY_MS)
    expect(count(bob.bodies(), body)).toBe(1)
    expect((await bobOn(group, 0)).bodies()).not.toContain(body)

    // and after a reload, once, sent, with nothing left waiting in the chat list
    await page.reload()
    await openChat(page, env.net.url, group.id)
    await shownOnceSent(page, body)
    await page.getByRole('button', { name: 'Back', exact: true }).click()
    await page.getByRole('heading', { name: 'Chats' }).waitFor()
    await expect
      .poll(() => page.getByRole('img', { name: 'Messages waiting to be sent' }).count(), { timeout: DELIVERY_MS })
      .toBe(0)
  })
})
