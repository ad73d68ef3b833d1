// Background compaction on the real backends: a document's stored rows become one row that loads to the
// same document, retracted text does not survive it, and rows written while it runs are kept. The merge
// worker thread does not outlive the work by long.
import { afterEach, describe, expect, it } from 'vitest'
import * as Y from 'yjs'
import { openDb, type Db } from '../../server/db/db.ts'
import { openStore, type Store } from '../../server/store/store.ts'
import { Compactor, type Compacted } from '../../server/store/compactor.ts'
import { chatRoots } from '../../server/chats/docs/roots.ts'
import { parseDocName, pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { ChatMessage, MessageEdit } from '../../protocol/messages.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { until } from '../fixtures/sync-client.ts'
import { anyExited, threadIds, threadsSince } from '../fixtures/threads.ts'

const DOC = pageDoc('conv1compact', 0)

describe.each(backends())('background compaction (%s)', (backend) => {
  let db: Db | null = null
  let compactor: Compactor | null = null
  let opened: Store | null = null
  afterEach(async () => {
    await compactor?.close()
    await opened?.close()
    await db?.close()
    db = compactor = opened = null
  })

  async function setup(mergerIdleMs?: number) {
    db = await openDb(await freshDatabaseUrl(backend))
    const store = (opened = await openStore(db))
    const done: Compacted[] = []
    const errors: unknown[] = []
    compactor = new Compactor(
      store,
      {
        rootsOf: (doc) => {
          const p = parseDocName(doc)
          return p ? chatRoots(p) : null
        },
        done: (c) => done.push(c),
        error: (_doc, e) => errors.push(e),
      },
      { mergerIdleMs },
    )
    return { db, store, compactor, done, errors }
  }

  /** A writer's Y.Doc whose every change is stored as its own row, as the group commit stores them. */
  function writer(store: Store, database: Db) {
    const doc = new Y.Doc()
    const pending: Uint8Array[] = []
    doc.on('update', (u: Uint8Array) => pending.push(u))
    const flush = () => database.tx((q) => store.write(q, [{ doc: DOC, updates: pending.splice(0) }]))
    const msgs = doc.getArray<ChatMessage>(ROOTS.page.msgs)
    const edits = doc.getMap<MessageEdit>(ROOTS.page.edits)
    const say = (i: number) => msgs.push([{ id: `m${i}`, from: 'ann', ts: i, kind: 'text', body: `message number ${i}` }])
    return { doc, msgs, edits, say, flush }
  }

  const rowCount = async (database: Db) =>
    Number((await database.get<{ n: number }>('SELECT COUNT(*) AS n FROM doc_rows WHERE doc = ?', [DOC]))?.n)

  const loaded = async (store: Store) => {
    const d = new Y.Doc()
    for (const u of await store.load(DOC)) Y.applyUpdate(d, u)
    return d
  }

  it('merges the rows into one that loads to the same document, without the retracted text', async () => {
    const { db, store, compactor, done, errors } = await setup()
    const w = writer(store, db)
    for (let i = 0; i < 300; i++) {
      w.say(i)
      await w.flush()
    }
    w.edits.set('m7', { body: 'a secret the author took back', ts: 1 })
    await w.flush()
    w.edits.set('m7', { retracted: true, ts: 2 })
    await w.flush()
    expect(await rowCount(db)).toBe(302)

    compactor.request(DOC)
    await compactor.idle()
    expect(errors).toEqual([])
    expect(await rowCount(db)).toBe(1)
    expect(done).toEqual([expect.objectContaining({ doc: DOC, rowsIn: 302 })])

    const d = await loaded(store)
    expect(d.getArray<ChatMessage>(ROOTS.page.msgs).toJSON()).toEqual(w.msgs.toJSON())
    expect(d.getMap(ROOTS.page.edits).toJSON()).toEqual({ m7: { retracted: true, ts: 2 } })
    const stored = Buffer.concat((await store.load(DOC)).map((u) => Buffer.from(u))).toString('latin1')
    expect(stored).not.toContain('a secret the author took back')
  })

  it('keeps the rows written while it runs', async () => {
    const { db, store, compactor, done } = await setup()
    const w = writer(store, db)
    for (let i = 0; i < 150; i++) {
      w.say(i)
      await w.flush()
    }
    compactor.request(DOC)
    // the compactor has read its rows; these commit while the merge is under way
    for (let i = 150; i < 160; i++) {
      w.say(i)
      await w.flush()
    }
    expect(done).toEqual([])
    await compactor.idle()
    expect(done).toEqual([expect.objectContaining({ rowsIn: 150 })])
    expect(await rowCount(db)).toBe(11)
    const d = await loaded(store)
    expect(
      d
        .getArray<ChatMessage>(ROOTS.page.msgs)
        .toArray()
        .map((m) => m.id),
    ).toEqual(Array.from({ length: 160 }, (_, i) => `m${i}`))
  })

  it('takes a request once while it is queued or running, and leaves unknown documents alone', async () => {
    const { db, store, compactor, done } = await setup()
    const w = writer(store, db)
    for (let i = 0; i < 120; i++) {
      w.say(i)
      await w.flush()
    }
    compactor.request(DOC)
    compactor.request(DOC)
    compactor.request('not a document')
    await compactor.idle()
    expect(done.map((c) => c.doc)).toEqual([DOC])
  })

  it('stops its worker thread once idle, and starts one again for the next document', async () => {
    const { db, store, compactor, done, errors } = await setup(300)
    const w = writer(store, db)
    const compactOnce = async () => {
      for (let i = 0; i < 20; i++) {
        w.say(done.length * 100 + i)
        await w.flush()
      }
      compactor.request(DOC)
      await compactor.idle()
    }
    const before = threadIds()
    await compactOnce()
    expect(compactor.merging).toBe(true)
    const started = threadsSince(before)
    expect(started.length).toBeGreaterThan(0)
    await until(() => !compactor.merging, 'the merge worker to stop', 10_000)
    // the thread itself is gone, not only our reference to it
    await until(() => anyExited(started), 'the worker thread to exit', 10_000)
    await compactOnce()
    expect(errors).toEqual([])
    expect(done.map((c) => c.rowsIn)).toEqual([20, 21])
    expect(await rowCount(db)).toBe(1)
    expect((await loaded(store)).getArray(ROOTS.page.msgs).length).toBe(40)
  })
})
