// Idle documents are kept encoded (frozen) while their sockets stay open: nobody may notice. A frozen chat
// syncs new devices, takes messages and edits, still refuses forgeries, and is stored as before. A chat
// at rest (frozen, or dropped after its last socket left) has its stored rows merged into one.
import { describe, expect, it } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import * as Y from 'yjs'
import { bodies, connect, send, until, type SyncClient } from '../fixtures/sync-client.ts'
import { COMPACT_ROWS } from '../../server/sync/compaction.ts'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { Chat } from '../../protocol/api.ts'
import type { ChatMessage, MessageEdit } from '../../protocol/messages.ts'

// read by the sync server when it starts: freeze after 100-200 ms untouched, drop 300 ms after the last socket
process.env.SORI_DOC_FREEZE_MS = '100'
process.env.SORI_DOC_IDLE_MS = '300'

describe.each(backends())('frozen documents (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)
  // docs that sockets hold freeze; the others (inboxes the server wrote to) are dropped when idle instead
  const allFrozen = () =>
    until(() => {
      const s = suite.server.sync.stats()
      return s.open > 0 && s.openFrozen === s.open
    }, 'every open doc frozen')

  it('an idle chat freezes with its sockets open, and thaws for whatever comes next', async () => {
    const [ann, bob, cy] = [
      await signUp(suite.server, `fz_ann_${tag}`),
      await signUp(suite.server, `fz_bob_${tag}`),
      await signUp(suite.server, `fz_cy_${tag}`),
    ]
    const chat = (
      await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', {
        title: 'frozen',
        userIds: [bob.user.id, cy.user.id],
      })
    ).body
    const page = pageDoc(chat.id, 0)
    const a = await connect(suite.server, ann.token, page, { ack: true })
    const b = await connect(suite.server, bob.token, page)
    suite.keep(a, b)
    const first = send(a, ann.user.id, 'before the freeze')
    send(a, ann.user.id, 'second')
    await until(() => bodies(b).length === 2, 'bob has both messages')

    await allFrozen()
    expect(suite.server.sync.stats().sockets).toBeGreaterThanOrEqual(2)

    // a new device syncs the whole history from the frozen state
    const c = await connect(suite.server, cy.token, page)
    suite.keep(c)
    expect(bodies(c)).toEqual(['before the freeze', 'second'])
    await allFrozen()

    // a message into the frozen page reaches everyone, once
    send(b, bob.user.id, 'after the freeze')
    await until(() => bodies(a).length === 3 && bodies(c).length === 3, 'the new message everywhere')
    expect(bodies(a)).toEqual(['before the freeze', 'second', 'after the freeze'])

    // an edit of a message written before the freeze (its author is looked up in the thawed doc)
    await allFrozen()
    a.doc.getMap<MessageEdit>(ROOTS.page.edits).set(first.id, { body: 'edited after a freeze', ts: Date.now() })
    await until(
      () =>
        (c.doc.getMap<MessageEdit>(ROOTS.page.edits).get(first.id) as { body?: string } | undefined)?.body ===
        'edited after a freeze',
      'the edit reaches cy',
    )

    // a forged edit of ann's message by bob is still refused, and changes nothing
    await allFrozen()
    b.doc.getMap<MessageEdit>(ROOTS.page.edits).set(first.id, { body: 'forged', ts: Date.now() })
    await until(() => b.closes.some((e) => e.code === CLOSE.REFUSED), 'bob refused')
    b.destroy()
    await new Promise((r) => setTimeout(r, 200))
    expect((c.doc.getMap<MessageEdit>(ROOTS.page.edits).get(first.id) as { body?: string }).body).toBe('edited after a freeze')

    // what is stored is everything that was acknowledged: the rows in the database, replayed
    const rows = await suite.server.db.all<{ data: Uint8Array }>('SELECT data FROM doc_rows WHERE doc = ? ORDER BY id', [page])
    const stored = new Y.Doc()
    for (const r of rows) Y.applyUpdate(stored, r.data)
    expect(
      stored
        .getArray<ChatMessage>(ROOTS.page.msgs)
        .toArray()
        .map((m) => m.body),
    ).toEqual(['before the freeze', 'second', 'after the freeze'])
    expect((stored.getMap<MessageEdit>(ROOTS.page.edits).get(first.id) as { body?: string }).body).toBe('edited after a freeze')
  })

  // one message per update (one stored row each), acknowledged 25 at a time
  async function write(c: SyncClient, from: string, n: number, prefix: string): Promise<string[]> {
    const base = Y.getState(c.doc.store, c.doc.clientID)
    const out: string[] = []
    for (let i = 0; i < n; i++) {
      out.push(`${prefix} ${i}`)
      send(c, from, `${prefix} ${i}`)
      if (i % 25 === 24) await until(() => c.ackedClock() >= base + i + 1, `${prefix} ${i} acknowledged`)
    }
    await until(() => c.ackedClock() >= base + n, `every ${prefix} message acknowledged`)
    return out
  }

  it('a chat that rests has its stored rows merged into one, and keeps every message', async () => {
    const [ann, bob, cy] = [
      await signUp(suite.server, `rs_ann_${tag}`),
      await signUp(suite.server, `rs_bob_${tag}`),
      await signUp(suite.server, `rs_cy_${tag}`),
    ]
    const chat = (
      await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', {
        title: 'resting',
        userIds: [bob.user.id, cy.user.id],
      })
    ).body
    const page = pageDoc(chat.id, 0)
    const rows = async () =>
      Number((await suite.server.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM doc_rows WHERE doc = ?', [page]))?.n)
    const a = await connect(suite.server, ann.token, page, { ack: true })
    const b = await connect(suite.server, bob.token, page)
    suite.keep(a, b)

    // frozen with its sockets open: compacted while it rests
    const want = await write(a, ann.user.id, COMPACT_ROWS + 20, 'first')
    await until(() => bodies(b).length === want.length, 'bob has the first messages')
    await until(async () => (await rows()) === 1, 'the frozen chat compacted')

    // it thaws for the next messages, which are stored after the merged row
    want.push(...(await write(a, ann.user.id, COMPACT_ROWS + 20, 'second')))
    await until(() => bodies(b).length === want.length, 'bob has the second messages')
    // dropped after its last socket left (before it could freeze): compacted on the way out
    a.destroy()
    b.destroy()
    await until(async () => (await rows()) === 1, 'the dropped chat compacted')

    const c = await connect(suite.server, cy.token, page)
    suite.keep(c)
    expect(bodies(c)).toEqual(want)
  })
})
