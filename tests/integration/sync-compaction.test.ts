// A busy chat's stored updates are compacted in the background while it goes on: nothing written before,
// during or after a compaction is lost, and a device that opens the chat later gets all of it, in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api, signUp, startTestServer, type RunningServer } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { bodies, connect, send, until, type SyncClient } from '../fixtures/sync-client.ts'
import * as Y from 'yjs'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { COMPACT_ROWS } from '../../server/sync/compaction.ts'
import type { Chat } from '../../protocol/api.ts'

function storedBodies(rows: Array<{ data: Uint8Array }>): string[] {
  const d = new Y.Doc()
  for (const r of rows) Y.applyUpdate(d, new Uint8Array(r.data))
  return d.getArray<ChatMessage>(ROOTS.page.msgs).toArray().map((m) => m.body)
}

describe.each(backends())('compaction of a busy chat (%s)', (backend) => {
  let server: RunningServer
  const clients: SyncClient[] = []
  beforeAll(async () => { server = await startTestServer(backend) })
  afterAll(async () => {
    for (const c of clients) c.destroy()
    await server.close()
  })

  it('keeps every message while the rows are merged, and bounds the rows', async () => {
    const tag = backend.slice(0, 2)
    const [ann, bob] = [await signUp(server, `cp_ann_${tag}`), await signUp(server, `cp_bob_${tag}`)]
    const chat = (await api<Chat>(server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const page = pageDoc(chat.id, 0)
    const a = await connect(server, ann.token, page, { ack: true })
    const b = await connect(server, bob.token, page)
    clients.push(a, b)
    const rows = async () =>
      Number((await server.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM doc_updates WHERE doc = ?', [page]))?.n)

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
    await until(async () => storedBodies(await server.db.all<{ data: Uint8Array }>('SELECT data FROM doc_updates WHERE doc = ? ORDER BY id', [page])).length === N, 'the stored rows settled')
    expect(storedBodies(await server.db.all<{ data: Uint8Array }>('SELECT data FROM doc_updates WHERE doc = ? ORDER BY id', [page]))).toEqual(want)
    const later = await connect(server, bob.token, page)
    clients.push(later)
    expect(bodies(later)).toEqual(want)
  })
})
