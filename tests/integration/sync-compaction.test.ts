// A chat written without a pause has its stored updates compacted in the background once they pass the
// bound for documents being written (compaction.ts), while messages keep coming: nothing written before,
// during or after a compaction is lost, and a device that opens the chat later gets all of it, in order.
// (Compaction of a chat at rest: sync-freeze.test.ts.)
import { describe, expect, it } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { bodies, connect, send, until } from '../fixtures/sync-client.ts'
import * as Y from 'yjs'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { ChatMessage, MessageEdit } from '../../protocol/messages.ts'
import { COMPACT_ROWS_HOT } from '../../server/sync/compaction.ts'
import { openStore } from '../../server/store/store.ts'
import type { Chat } from '../../protocol/api.ts'

function docOf(updates: Uint8Array[]): Y.Doc {
  const d = new Y.Doc()
  for (const u of updates) Y.applyUpdate(d, u)
  return d
}
const bodiesOf = (d: Y.Doc) =>
  d
    .getArray<ChatMessage>(ROOTS.page.msgs)
    .toArray()
    .map((m) => m.body)
const editsOf = (d: Y.Doc) =>
  new Map([...d.getMap<MessageEdit>(ROOTS.page.edits)].map(([id, e]) => [id, 'body' in e ? e.body : null]))

// read by the sync server when it starts: documents never freeze, so none is compacted for resting and
// what this file sees is the bound alone
process.env.SORI_DOC_FREEZE_MS = '0'

describe.each(backends())('compaction of a busy chat (%s)', (backend) => {
  const suite = serverSuite(backend)

  it('keeps every message while the rows are merged, and bounds the rows', { timeout: 120_000 }, async () => {
    const tag = backend.slice(0, 2)
    const [ann, bob] = [await signUp(suite.server, `cp_ann_${tag}`), await signUp(suite.server, `cp_bob_${tag}`)]
    const chat = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const page = pageDoc(chat.id, 0)
    const a = await connect(suite.server, ann.token, page, { ack: true })
    const b = await connect(suite.server, bob.token, page)
    suite.keep(a, b)
    const rows = async () =>
      Number((await suite.server.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM doc_rows WHERE doc = ?', [page]))?.n)

    // one write per update, each stored as its own row, acknowledged 25 at a time: messages, then an edit of
    // each (a page of 1,000 messages would close first, and a closed page is compacted for that reason)
    const M = Math.ceil((COMPACT_ROWS_HOT + 200) / 2)
    const N = 2 * M
    const want: string[] = []
    const sent: ChatMessage[] = []
    const edits = a.doc.getMap<MessageEdit>(ROOTS.page.edits)
    for (let i = 0; i < N; i++) {
      if (i < M) {
        want.push(`message ${i}`)
        sent.push(send(a, ann.user.id, `message ${i}`))
      } else {
        edits.set(sent[i - M].id, { body: `edit ${i - M}`, ts: Date.now() })
      }
      if (i % 25 === 24) await until(() => a.ackedClock() >= i + 1, `write ${i} acknowledged`)
    }
    await until(() => a.ackedClock() >= N, 'every write acknowledged')
    await until(() => bodies(b).length === M && b.doc.getMap(ROOTS.page.edits).size === M, 'bob has every message and edit')
    // the sockets are open and nothing freezes, so only the bound can have compacted the rows
    await until(async () => (await rows()) < N / 2, 'the stored rows compacted')

    const wantEdits = new Map(sent.map((m, i) => [m.id, `edit ${i}`]))
    expect(bodies(b)).toEqual(want)
    expect(editsOf(b.doc)).toEqual(wantEdits)
    // what is stored (what the server loads after a restart) holds every message, in order, and every edit
    const stored = async () => docOf(await (await openStore(suite.server.db)).load(page))
    await until(async () => bodiesOf(await stored()).length === M, 'the stored rows settled')
    expect(bodiesOf(await stored())).toEqual(want)
    expect(editsOf(await stored())).toEqual(wantEdits)
    const later = await connect(suite.server, bob.token, page)
    suite.keep(later)
    expect(bodies(later)).toEqual(want)
    expect(editsOf(later.doc)).toEqual(wantEdits)
  })
})
