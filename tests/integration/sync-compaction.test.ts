// A busy chat's stored updates are compacted in the background while it goes on: nothing written before,
// during or after a compaction is lost, and a device that opens the chat later gets all of it, in order.
import { describe, expect, it } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { bodies, connect, send, until } from '../fixtures/sync-client.ts'
import * as Y from 'yjs'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { COMPACT_ROWS } from '../../server/sync/compaction.ts'
import { openStore } from '../../server/store/store.ts'
import type { Chat } from '../../protocol/api.ts'

function bodiesOf(updates: Uint8Array[]): string[] {
  const d = new Y.Doc()
  for (const u of updates) Y.applyUpdate(d, u)
  return d.getArray<ChatMessage>(ROOTS.page.msgs).toArray().map((m) => m.body)
}

describe.each(backends())('compaction of a busy chat (%s)', (backend) => {
  const suite = serverSuite(backend)

  it('keeps every message while the rows are merged, and bounds the rows', async () => {
    const tag = backend.slice(0, 2)
    const [ann, bob] = [await signUp(suite.server, `cp_ann_${tag}`), await signUp(suite.server, `cp_bob_${tag}`)]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const page = pageDoc(chat.id, 0)
    const a = await connect(suite.server, ann.token, page, { ack: true })
    const b = await connect(suite.server, bob.token, page)
    suite.keep(a, b)
    const rows = async () =>
      Number((await suite.server.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM doc_rows WHERE doc = ?', [page]))?.n)

    // one message per update, each stored as its own row, acknowledged one by one
    const N = 3 * COMPACT_ROWS
    const want: string[] = []
    for (let i = 0; i < N; i++) {
      want.push(`message ${i}`)
      send(a, ann.user.id, `message ${i}`)
      // a pause now and then, so that compactions start while messages keep coming
      if (i % 25 === 24) await until(() => a.ackedClock() >= i + 1, `message ${i} acknowledged`)
    }
    await until(() => a.ackedClock() >= N, 'every message acknowledged')
    await until(() => bodies(b).length === N, 'bob has every message')
    await until(async () => (await rows()) < N / 2, 'the stored rows compacted')

    expect(bodies(b)).toEqual(want)
    // what is stored (what the server loads after a restart) holds every message, in order
    const stored = async () => bodiesOf(await (await openStore(suite.server.db)).load(page))
    await until(async () => (await stored()).length === N, 'the stored rows settled')
    expect(await stored()).toEqual(want)
    const later = await connect(suite.server, bob.token, page)
    suite.keep(later)
    expect(bodies(later)).toEqual(want)
  })
})
