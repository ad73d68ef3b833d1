// A message withdrawn before it was sent (written offline, then "Cancel sending"): the client deletes it
// from its copy, and the update that finally goes carries it deleted, its words gone. The server takes
// that, since nobody can have had it; it never takes the deletion of a message it holds (close 4400,
// "messages cannot be deleted"), nor a deleted message that still carries its words.
import { describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, send, bodies, msgs, until, type SyncClient } from '../fixtures/sync-client.ts'
import { inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import { CLOSE, MESSAGE_HELD } from '../../protocol/wire.ts'
import type { Chat, Session } from '../../protocol/api.ts'
import type { InboxEntry } from '../../protocol/messages.ts'

const has = (bytes: Uint8Array, text: string): boolean => Buffer.from(bytes).includes(Buffer.from(text))

describe.each(backends())('withdrawing a message before it is sent (%s)', (backend) => {
  const suite = serverSuite(backend)
  const open = async (s: Session, doc: string, opts: Parameters<typeof connect>[3] = {}) => {
    const c = await connect(suite.server, s.token, doc, opts)
    suite.keep(c)
    return c
  }
  let n = 0
  const user = (name: string) => signUp(suite.server, `${name}${n++}_wd_${backend.slice(0, 2)}`, name)
  const direct = async (a: Session, b: Session) =>
    (await api<Chat>(suite.server, a.token, 'POST', '/api/chats/direct', { userId: b.user.id })).body
  /** `text`'s index in `c`'s page, for deleting it */
  const indexOf = (c: SyncClient, text: string) =>
    msgs(c)
      .toArray()
      .findIndex((m) => m.body === text)

  it('a message written offline and withdrawn never reaches anyone; what was written with it does, and counts', async () => {
    const [ann, bob] = [await user('ann'), await user('bob')]
    const chat = await direct(ann, bob)
    const name = pageDoc(chat.id, 0)
    const a = await open(ann, name, { ack: true })
    const b = await open(bob, name)
    const inbox = await open(bob, inboxDoc(bob.user.id))
    const entry = () => inbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(chat.id)
    send(a, ann.user.id, 'first')
    await until(() => bodies(b).length === 1, 'bob gets the first message')

    // offline: two messages, and the first of them withdrawn
    a.provider.disconnect()
    send(a, ann.user.id, 'never meant to send this')
    send(a, ann.user.id, 'meant')
    msgs(a).delete(indexOf(a, 'never meant to send this'), 1)
    a.provider.connect()

    await until(() => bodies(b).includes('meant'), 'bob gets the message written after the withdrawn one')
    await until(() => a.ackedClock() >= Y.getState(a.doc.store, a.doc.clientID), 'ann is acknowledged for all she wrote')
    expect(bodies(b)).toEqual(['first', 'meant'])
    expect(a.closes).toEqual([])
    // the withdrawn message is not counted: one unread for each message Bob can see
    await until(() => entry()?.preview === 'meant', "bob's chat list shows the message after it")
    expect(entry()).toMatchObject({ unread: 2, from: ann.user.id })

    // nobody who opens the chat later finds its words, in the doc or in what the server sends
    const fresh = await open(bob, name)
    expect(bodies(fresh)).toEqual(['first', 'meant'])
    expect(has(Y.encodeStateAsUpdate(fresh.doc), 'never meant')).toBe(false)
    expect(has(Y.encodeStateAsUpdate(b.doc), 'never meant')).toBe(false)
    // and the next message takes the place after "meant"
    send(b, bob.user.id, 'ok')
    await until(() => bodies(a).at(-1) === 'ok', 'ann gets the reply')
    expect(bodies(a)).toEqual(['first', 'meant', 'ok'])
  })

  it('refuses deleting a message the server holds, saying so, and everyone keeps it', async () => {
    const [ann, bob] = [await user('ann'), await user('bob')]
    const chat = await direct(ann, bob)
    const name = pageDoc(chat.id, 0)
    const a = await open(ann, name, { ack: true })
    const b = await open(bob, name)
    send(a, ann.user.id, 'already sent')
    await until(() => a.ackedClock() >= Y.getState(a.doc.store, a.doc.clientID), 'the message is stored')
    // the ack was lost, say, and the client tries to withdraw it
    msgs(a).delete(indexOf(a, 'already sent'), 1)
    await until(() => a.closes.length > 0, 'the server closes the socket')
    expect(a.closes[0]).toEqual({ code: CLOSE.REFUSED, reason: MESSAGE_HELD })
    a.provider.disconnect()
    const fresh = await open(bob, name)
    expect(bodies(fresh)).toEqual(['already sent'])
    expect(bodies(b)).toEqual(['already sent'])
  })

  it('refuses a withdrawn message that still carries its words (a Y.Doc without gc), so the server never stores them', async () => {
    const [ann, bob] = [await user('ann'), await user('bob')]
    const chat = await direct(ann, bob)
    const name = pageDoc(chat.id, 0)
    const a = await open(ann, name, { ack: true, doc: new Y.Doc({ gc: false }) })
    const b = await open(bob, name)
    a.provider.disconnect()
    send(a, ann.user.id, 'words the server must not keep')
    msgs(a).delete(indexOf(a, 'words the server must not keep'), 1)
    a.provider.connect()
    await until(() => a.closes.length > 0, 'the server closes the socket')
    expect(a.closes[0].code).toBe(CLOSE.REFUSED)
    a.provider.disconnect()
    send(b, bob.user.id, 'still here')
    const fresh = await open(bob, name)
    await until(() => bodies(fresh).includes('still here'), 'a later message goes through')
    expect(bodies(fresh)).toEqual(['still here'])
    expect(has(Y.encodeStateAsUpdate(fresh.doc), 'must not keep')).toBe(false)
  })
})
