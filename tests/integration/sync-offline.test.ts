// A client that writes while disconnected: on reconnect every message arrives exactly once, in order,
// for every member, and the acknowledgement comes only after the messages are stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { startServer, type RunningServer } from '../../server/app.ts'
import { openDb, type Db } from '../../server/db/db.ts'
import { api, signUp } from '../fixtures/server.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { connect, send, bodies, msgs, until, type SyncClient } from '../fixtures/sync-client.ts'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import { MSG_ACK } from '../../protocol/wire.ts'
import { readAck } from '../../protocol/frames.ts'
import type { Chat } from '../../protocol/api.ts'
import type * as decoding from 'lib0/decoding'

describe.each(backends())('sync offline writes (%s)', (backend) => {
  let server: RunningServer
  /** a second connection to the same database: sees only what is committed */
  let observer: Db
  const clients: SyncClient[] = []

  beforeAll(async () => {
    const url = await freshDatabaseUrl(backend)
    server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: url, staticDir: null })
    observer = await openDb(url)
  })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server.close()
    await observer.close()
  })

  /** What the database holds for a doc, right now, as a Y.Doc. */
  async function stored(doc: string): Promise<Y.Doc> {
    const y = new Y.Doc()
    const rows = await observer.all<{ data: Uint8Array }>('SELECT data FROM doc_rows WHERE doc = ? ORDER BY id', [doc])
    for (const r of rows) Y.applyUpdate(y, r.data)
    return y
  }

  it('20 messages written offline arrive once, in order, for everyone; acked only once stored', async () => {
    const tag = backend.slice(0, 2)
    const [ann, bob, cy] = [
      await signUp(server, `off_ann_${tag}`),
      await signUp(server, `off_bob_${tag}`),
      await signUp(server, `off_cy_${tag}`),
    ]
    const chat = (
      await api<Chat>(server, ann.token, 'POST', '/api/chats/group', { title: 'offline', userIds: [bob.user.id, cy.user.id] })
    ).body
    const name = pageDoc(chat.id, 0)
    const a = await connect(server, ann.token, name, { ack: true })
    const b = await connect(server, bob.token, name)
    const c = await connect(server, cy.token, name)
    clients.push(a, b, c)

    // check every ack against the database at the moment it arrives
    const ackChecks: Promise<{ acked: number; storedClock: number }>[] = []
    a.provider.messageHandlers[MSG_ACK] = (_e: unknown, dec: decoding.Decoder) => {
      const ack = readAck(dec)
      a.acks.push(ack)
      const acked = ack.get(a.doc.clientID) ?? 0
      ackChecks.push(stored(name).then((y) => ({ acked, storedClock: Y.getState(y.store, a.doc.clientID) })))
    }

    send(a, ann.user.id, 'before')
    await until(() => bodies(b).length === 1 && bodies(c).length === 1, 'the first message everywhere')

    a.provider.disconnect()
    await until(() => !a.provider.wsconnected, 'ann offline')
    const sent: string[] = []
    for (let i = 0; i < 20; i++) {
      send(a, ann.user.id, `offline ${i}`)
      sent.push(`offline ${i}`)
    }
    // bob writes meanwhile, so the two histories interleave
    send(b, bob.user.id, 'while ann was away')
    await until(() => bodies(c).length === 2, "bob's message reaches cy")
    expect(bodies(b)).not.toContain('offline 0')

    a.provider.connect()
    await until(() => [a, b, c].every((x) => msgs(x).length === 22), 'all 22 messages everywhere')
    const order = bodies(a)
    for (const x of [b, c]) expect(bodies(x)).toEqual(order)
    // each exactly once, and ann's in the order she wrote them
    expect(
      new Set(
        msgs(a)
          .toArray()
          .map((m) => m.id),
      ).size,
    ).toBe(22)
    expect(order.filter((t) => t.startsWith('offline '))).toEqual(sent)

    await until(() => a.ackedClock() >= 21, "ann's 21 messages acknowledged")
    const checks = await Promise.all(ackChecks)
    expect(checks.length).toBeGreaterThan(0)
    for (const ch of checks) expect(ch.storedClock).toBeGreaterThanOrEqual(ch.acked)
    const final = await stored(name)
    expect(final.getArray(ROOTS.page.msgs).length).toBe(22)
  })
})
