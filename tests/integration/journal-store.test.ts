// The SQLite store's journal (server/store/journal-store.ts) on a real SQLite file: commits append to the
// unindexed journal, a quiet document's rows move to doc_updates, a restart after a crash moves what the
// journal held, and through all of it a document loads to the same content, in order.
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { openDb, type Db } from '../../server/db/db.ts'
import { openJournalStore } from '../../server/store/journal-store.ts'
import type { Store } from '../../server/store/store.ts'
import { Compactor } from '../../server/store/compactor.ts'
import { chatRoots } from '../../server/chats/docs/roots.ts'
import { pageDoc, parseDocName, ROOTS } from '../../protocol/docs.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { freshDatabaseUrl } from '../fixtures/databases.ts'

const A = pageDoc('journalconva', 0)
const B = pageDoc('journalconvb', 0)

const opened: Array<{ db: Db; store?: Store }> = []
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.store?.close().catch(() => {})
    await o.db.close().catch(() => {})
  }
})

async function open(url: string, foldIdleMs = 60_000) {
  const db = await openDb(url)
  const entry: { db: Db; store?: Store } = { db }
  opened.push(entry)
  const store = await openJournalStore(db, { foldIdleMs, sweepMs: 20 })
  entry.store = store
  return { db, store }
}

/** A writer's doc whose every message is one update, as a client sends them. */
function writer() {
  const doc = new Y.Doc()
  const pending: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => pending.push(u))
  const msgs = doc.getArray<ChatMessage>(ROOTS.page.msgs)
  return {
    say: (i: number) => msgs.push([{ id: `m${i}`, from: 'ann', ts: i, kind: 'text', body: `message ${i}` }]),
    take: () => pending.splice(0),
  }
}

const bodies = async (store: Store, doc: string) => {
  const d = new Y.Doc()
  for (const u of await store.load(doc)) Y.applyUpdate(d, u)
  return d
    .getArray<ChatMessage>(ROOTS.page.msgs)
    .toArray()
    .map((m) => m.body)
}

const count = async (db: Db, table: 'doc_updates' | 'doc_journal', doc: string) =>
  Number((await db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM ${table} WHERE doc = ?`, [doc]))?.n)

/** Commits `w`'s messages from..to-1 into A, one update per transaction, as group commits store them. */
async function commitEach(db: Db, store: Store, w: ReturnType<typeof writer>, from: number, to: number) {
  for (let i = from; i < to; i++) {
    w.say(i)
    await db.tx((q) => store.write(q, [{ doc: A, updates: w.take() }]))
  }
}

/** Waits (5 s at most) for the sweep to move A's journal rows to doc_updates. */
async function movedOut(db: Db) {
  const deadline = Date.now() + 5000
  while ((await count(db, 'doc_journal', A)) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
}

const expected = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `message ${from + i}`)

describe('the SQLite journal store', () => {
  it('appends to the journal, and a document loads its rows in order from both tables', async () => {
    const url = await freshDatabaseUrl('sqlite')
    const { db, store } = await open(url)
    const [a, b] = [writer(), writer()]
    for (let i = 0; i < 10; i++) {
      a.say(i)
      b.say(100 + i)
      await db.tx((q) =>
        store.write(q, [
          { doc: A, updates: a.take() },
          { doc: B, updates: b.take() },
        ]),
      )
    }
    expect(await count(db, 'doc_journal', A)).toBe(10)
    expect(await count(db, 'doc_updates', A)).toBe(0)
    expect(await bodies(store, A)).toEqual(expected(0, 10))
    expect(await bodies(store, B)).toEqual(expected(100, 110))
  })

  it('moves a quiet document to doc_updates and keeps loading it, also with newer rows in the journal', async () => {
    const url = await freshDatabaseUrl('sqlite')
    const { db, store } = await open(url, 50)
    const a = writer()
    await commitEach(db, store, a, 0, 5)
    await movedOut(db)
    expect(await count(db, 'doc_journal', A)).toBe(0)
    expect(await count(db, 'doc_updates', A)).toBe(5)
    // written after the move: in the journal, loading after the moved rows
    await commitEach(db, store, a, 5, 6)
    expect(await count(db, 'doc_journal', A)).toBe(1)
    expect(await bodies(store, A)).toEqual(expected(0, 6))
  })

  it('compacts rows from both tables into one indexed row, and keeps rows written after it', async () => {
    const url = await freshDatabaseUrl('sqlite')
    const { db, store } = await open(url, 50)
    const a = writer()
    await commitEach(db, store, a, 0, 5)
    await movedOut(db)
    await commitEach(db, store, a, 5, 10)
    const merged: number[] = []
    const errors: unknown[] = []
    const compactor = new Compactor(store, {
      rootsOf: (doc) => {
        const p = parseDocName(doc)
        return p ? chatRoots(p) : null
      },
      done: (c) => merged.push(c.rowsIn),
      error: (_doc, e) => errors.push(e),
    })
    try {
      compactor.request(A)
      await compactor.idle()
    } finally {
      await compactor.close()
    }
    expect(errors).toEqual([])
    expect(merged).toEqual([10])
    await commitEach(db, store, a, 10, 11)
    expect(await count(db, 'doc_updates', A)).toBe(1)
    expect(await count(db, 'doc_journal', A)).toBe(1)
    expect(await bodies(store, A)).toEqual(expected(0, 11))
  })

  it('after a crash, the next start moves the journal and numbers new rows after every old one', async () => {
    const url = await freshDatabaseUrl('sqlite')
    const first = await open(url)
    const a = writer()
    await commitEach(first.db, first.store, a, 0, 8)
    // no store.close(): the rows stay in the journal, as when the process is killed
    opened.splice(
      opened.findIndex((o) => o.db === first.db),
      1,
    )
    await first.db.close()
    const look = await openDb(url)
    opened.push({ db: look })
    expect(await count(look, 'doc_journal', A)).toBe(8)

    const second = await open(url)
    expect(await count(second.db, 'doc_journal', A)).toBe(0)
    expect(await count(second.db, 'doc_updates', A)).toBe(8)
    await commitEach(second.db, second.store, a, 8, 9)
    const ids = await second.db.all<{ id: number; t: string }>(
      "SELECT id, 'u' AS t FROM doc_updates WHERE doc = ? UNION ALL SELECT id, 'j' FROM doc_journal WHERE doc = ? ORDER BY id",
      [A, A],
    )
    expect(ids.map((r) => r.t).join('')).toBe('uuuuuuuuj')
    expect(await bodies(second.store, A)).toEqual(expected(0, 9))
  })

  it('a write whose transaction failed leaves nothing, and the next ones load in order', async () => {
    const url = await freshDatabaseUrl('sqlite')
    const { db, store } = await open(url)
    const a = writer()
    await commitEach(db, store, a, 0, 1)
    // a transaction that fails after the store wrote into it: its rows are rolled back
    const lost = new Y.Doc()
    lost.getArray<ChatMessage>(ROOTS.page.msgs).push([{ id: 'x', from: 'ann', ts: 0, kind: 'text', body: 'rolled back' }])
    await expect(
      db.tx(async (q) => {
        await store.write(q, [{ doc: A, updates: [Y.encodeStateAsUpdate(lost)] }])
        throw new Error('the commit fails')
      }),
    ).rejects.toThrow('the commit fails')
    await commitEach(db, store, a, 1, 2)
    expect(await bodies(store, A)).toEqual(expected(0, 2))
    expect(await count(db, 'doc_journal', A)).toBe(2)
  })

  it('a clean close leaves the journal empty', async () => {
    const url = await freshDatabaseUrl('sqlite')
    const { db, store } = await open(url)
    const a = writer()
    await commitEach(db, store, a, 0, 3)
    await store.close()
    expect(await count(db, 'doc_journal', A)).toBe(0)
    expect(await count(db, 'doc_updates', A)).toBe(3)
    await expect(db.tx((q) => store.write(q, [{ doc: A, updates: [Uint8Array.of(0)] }]))).rejects.toThrow('closed')
  })
})
