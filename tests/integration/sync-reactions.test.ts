// Reactions in a page doc's `reacts` map, between stock y-websocket clients over the real server: one
// member's reaction reaches the others and goes when its author takes it back; a reaction in someone
// else's name, outside the set, to a message that is not on the page, or taking back someone else's, is
// refused (close 4400) and reaches nobody.
import { describe, expect, it } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, send, bodies, until, type SyncClient } from '../fixtures/sync-client.ts'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { Chat, Session } from '../../protocol/api.ts'
import { reactKey } from '../../protocol/messages.ts'

describe.each(backends())('sync reactions (%s)', (backend) => {
  const suite = serverSuite(backend)
  const open = async (s: Session, doc: string) => {
    const c = await connect(suite.server, s.token, doc)
    suite.keep(c)
    return c
  }
  let n = 0
  const user = (name: string) => signUp(suite.server, `${name}${n++}_${backend.slice(0, 2)}`, name)
  const reacts = (c: SyncClient) => c.doc.getMap<string>(ROOTS.page.reacts).toJSON()

  /** a chat of ann and bob with one message by ann, both clients live on its page */
  async function scene() {
    const [ann, bob] = [await user('ann'), await user('bob')]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const page = pageDoc(chat.id, 0)
    const a = await open(ann, page)
    const b = await open(bob, page)
    const m = send(a, ann.user.id, 'lunch?')
    await until(() => bodies(b).length === 1, 'bob has the message')
    return { ann, bob, page, a, b, m }
  }

  /** `write` on a fresh client of `who` is refused with 4400 and `reason`; the client is let go. */
  async function refused(who: Session, page: string, write: (c: SyncClient) => void, reason: string) {
    const c = await open(who, page)
    write(c)
    await until(() => c.closes.some((e) => e.code === CLOSE.REFUSED), `refused: ${reason}`)
    // a stock client would resend the same update on every reconnect
    c.destroy()
    expect(c.closes.find((e) => e.code === CLOSE.REFUSED)?.reason).toBe(reason)
  }

  it("a member's reaction reaches the other, changes, and goes when its author takes it back", async () => {
    const { ann, bob, page, a, b, m } = await scene()
    b.doc.getMap(ROOTS.page.reacts).set(reactKey(m.id, bob.user.id), 'love')
    await until(() => reacts(a)[reactKey(m.id, bob.user.id)] === 'love', 'ann sees bob’s reaction')
    a.doc.getMap(ROOTS.page.reacts).set(reactKey(m.id, ann.user.id), 'laugh')
    b.doc.getMap(ROOTS.page.reacts).set(reactKey(m.id, bob.user.id), 'wow')
    const both = { [reactKey(m.id, ann.user.id)]: 'laugh', [reactKey(m.id, bob.user.id)]: 'wow' }
    await until(
      () => JSON.stringify(reacts(a)) === JSON.stringify(reacts(b)) && Object.keys(reacts(a)).length === 2,
      'both agree',
    )
    expect(reacts(a)).toEqual(both)

    b.doc.getMap(ROOTS.page.reacts).delete(reactKey(m.id, bob.user.id))
    await until(() => !(reactKey(m.id, bob.user.id) in reacts(a)), 'bob’s reaction is gone for ann')
    const fresh = await open(bob, page)
    expect(reacts(fresh)).toEqual({ [reactKey(m.id, ann.user.id)]: 'laugh' })
    expect(b.closes.some((e) => e.code === CLOSE.REFUSED)).toBe(false)
  })

  it('forged, unknown and foreign reactions are refused with 4400 and reach nobody', async () => {
    const { ann, bob, page, a, m } = await scene()
    a.doc.getMap(ROOTS.page.reacts).set(reactKey(m.id, ann.user.id), 'ok')
    const mine = { [reactKey(m.id, ann.user.id)]: 'ok' }
    const watcher = await open(bob, page)
    await until(() => reacts(watcher)[reactKey(m.id, ann.user.id)] === 'ok', 'bob sees ann’s reaction')

    await refused(
      bob,
      page,
      (c) => c.doc.getMap(ROOTS.page.reacts).set(reactKey(m.id, ann.user.id), 'sad'),
      'reacts only as yourself',
    )
    await refused(
      bob,
      page,
      (c) => c.doc.getMap(ROOTS.page.reacts).set(reactKey(m.id, bob.user.id), 'party'),
      'reaction is unknown',
    )
    await refused(
      bob,
      page,
      (c) => c.doc.getMap(ROOTS.page.reacts).set(reactKey('not-a-message-here', bob.user.id), 'like'),
      'reacts only to messages of this page',
    )
    await refused(
      bob,
      page,
      (c) => c.doc.getMap(ROOTS.page.reacts).delete(reactKey(m.id, ann.user.id)),
      "deletes another user's items",
    )

    // a marker written after the attacks has arrived, so the attacks would have too
    const marker = send(a, ann.user.id, 'after the attacks')
    await until(() => bodies(watcher).includes(marker.body), 'the marker reaches bob')
    expect(reacts(a)).toEqual(mine)
    expect(reacts(watcher)).toEqual(mine)
    const fresh = await open(ann, page)
    expect(reacts(fresh)).toEqual(mine)
  })
})
