// The group commit on a real SQLite database: updates of one turn (or of `turns` turns) share a
// transaction, a busy turn is cut into transactions of BATCH_MAX, nothing is fanned out before its transaction committed, and the
// relational mirror of chats' latest messages is written once per mirrorMs and when draining.
import { afterEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../server/db/db.ts'
import { openStore } from '../../server/store/store.ts'
import { BATCH_MAX, GroupCommit, type Entry } from '../../server/sync/commit.ts'
import { SyncDoc } from '../../server/sync/doc.ts'
import { createInProcessBus } from '../../server/bus/bus.ts'
import { inboxKind } from '../../server/chats/docs/inbox.ts'
import { chatBatch, ChatEffects } from '../../server/chats/effects.ts'
import { Convs } from '../../server/chats/convs.ts'
import { InboxWriter } from '../../server/chats/inbox-writer.ts'
import { HeadMeta } from '../../server/chats/head-meta.ts'
import type { ChatDomain } from '../../server/chats/domain.ts'
import type { SyncEngine } from '../../server/sync/types.ts'

let db: Db | null = null
afterEach(async () => {
  await db?.close()
  db = null
})

async function setup(turns = 1) {
  db = await openDb(':memory:')
  const real = db
  const log: string[] = []
  let txs = 0
  // the real database, with its transactions counted and the order of commits and deliveries logged
  const counted: Db = {
    ...real,
    dialect: real.dialect,
    tx: async (fn) => {
      const n = ++txs
      const r = await real.tx(fn)
      log.push(`commit ${n}`)
      return r
    },
  }
  // deliveries are what the bus carries to the documents' sockets after each commit
  const bus = createInProcessBus()
  bus.subscribe('u:test', (m) => {
    if (m.kind === 'update') log.push(`deliver ${m.update[0]}`)
  })
  const commit = new GroupCommit(counted, await openStore(real), { turns }, { bus, node: 'n1', failed: () => {} })
  // the chats' commit participant, on the real database (its engine is only asked for batches)
  const chats = { engine: { commit } as unknown as SyncEngine, db: real, convs: new Convs(real) } as ChatDomain
  chats.inbox = new InboxWriter(chats, 100)
  chats.meta = new HeadMeta(chats)
  const effects = new ChatEffects(chats, 60_000)
  commit.participate(effects)
  const doc = new SyncDoc('u:test', inboxKind(chats), { userId: 'test' }, true)
  const entry = (i: number): Entry => ({ doc, update: Uint8Array.of(i), sender: null, ack: null, clients: [], receivedAt: 0 })
  return { commit, log, txs: () => txs, entry, real, effects }
}

describe('group commit', () => {
  it('puts the updates of one turn in one transaction, and delivers only after it', async () => {
    const { commit, log, txs, entry } = await setup()
    for (let i = 0; i < 5; i++) commit.add(entry(i))
    await commit.drain()
    expect(txs()).toBe(1)
    expect(log).toEqual(['commit 1', 'deliver 0', 'deliver 1', 'deliver 2', 'deliver 3', 'deliver 4'])
  })

  it('commits a busy turn in several transactions, in order, each delivered after its commit', async () => {
    const { commit, log, txs, entry, real } = await setup()
    // (fewer than 100 rows: the fake updates must not be compacted)
    const n = BATCH_MAX * 2 + 5
    // one update per callback, as frames arrive: microtasks run between them, the turn does not end
    for (let i = 0; i < n; i++) {
      commit.add(entry(i % 256))
      await Promise.resolve()
    }
    await commit.drain()
    expect(txs()).toBeGreaterThanOrEqual(2)
    // the first transaction went as soon as it held BATCH_MAX updates, before the turn ended
    expect(log.indexOf('commit 2') - log.indexOf('commit 1') - 1).toBe(BATCH_MAX)
    const delivered = log.filter((l) => l.startsWith('deliver')).map((l) => Number(l.split(' ')[1]))
    expect(delivered).toEqual(Array.from({ length: n }, (_, i) => i % 256))
    // every delivery comes after the commit of its own batch
    expect(log.indexOf('commit 1')).toBeLessThan(log.indexOf('deliver 0'))
    expect(log.indexOf('commit 2')).toBeLessThan(log.indexOf(`deliver ${BATCH_MAX}`))
    const rows = await real.get<{ n: number }>('SELECT COUNT(*) AS n FROM doc_rows WHERE doc = ?', ['u:test'])
    expect(Number(rows?.n)).toBe(n)
  })

  it('with turns: 2, an update read in the next turn of the event loop joins the batch', async () => {
    const nextTurn = () => new Promise((r) => setImmediate(r))
    for (const turns of [1, 2]) {
      const { commit, log, txs, entry } = await setup(turns)
      commit.add(entry(0))
      // a frame read in the following turn (its setImmediate runs after the one the batch queued)
      await nextTurn()
      commit.add(entry(1))
      await commit.drain()
      expect(txs()).toBe(turns === 1 ? 2 : 1)
      expect(log.filter((l) => l.startsWith('deliver'))).toEqual(['deliver 0', 'deliver 1'])
      await db?.close()
      db = null
    }
  })

  it('writes the mirror with the first commit, then not before mirrorMs, and when draining', async () => {
    const { commit, txs, entry, real, effects } = await setup()
    await real.run("INSERT INTO convs (id, kind, title, created) VALUES ('cv1', 'group', 't', 0)")
    await real.run("INSERT INTO conv_pages (conv_id, page, length) VALUES ('cv1', 0, 0)")
    const mirrored = async () => ({
      last: (await real.get<{ last_preview: string }>("SELECT last_preview FROM convs WHERE id = 'cv1'"))?.last_preview,
      length: Number(
        (await real.get<{ length: number }>("SELECT length FROM conv_pages WHERE conv_id = 'cv1' AND page = 0"))?.length,
      ),
      mark: Number((await real.get<{ value: number }>("SELECT value FROM sync_marks WHERE name = 'mirror'"))?.value),
      stored: Number((await real.get<{ m: number }>('SELECT MAX(id) AS m FROM doc_rows'))?.m),
    })
    const write = async (i: number) => {
      commit.add(entry(i))
      const b = commit.batch()
      chatBatch(b, effects).mirror.last.set('cv1', { preview: `message ${i}`, from: 'u1', ts: i })
      chatBatch(b, effects).mirror.pageLengths.set('cv1:0', { conv: 'cv1', page: 0, length: i })
      await b.done
    }
    await write(1)
    expect(await mirrored()).toEqual({ last: 'message 1', length: 1, mark: 1, stored: 1 })
    await write(2)
    await write(3)
    // committed, acknowledged and fanned out, but the mirror waits (mirrorMs is a minute here)
    expect(txs()).toBe(3)
    expect(await mirrored()).toEqual({ last: 'message 1', length: 1, mark: 1, stored: 3 })
    await commit.drain()
    expect(await mirrored()).toEqual({ last: 'message 3', length: 3, mark: 3, stored: 3 })
  })
})
