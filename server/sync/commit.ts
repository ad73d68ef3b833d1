// Group commit: every update validated in `turns` turns of the event loop (up to BATCH_MAX; a busier
// stretch commits every BATCH_MAX updates), the clientID bindings it makes and its relational side
// effects go into one transaction (the mirror of chats' latest messages and page lengths only once per
// mirrorMs: mirror.ts).
// Only after it commits are the updates acknowledged and fanned out (nothing is sent that is not stored).
// One transaction is in flight at a time, which keeps each document's order; a failed commit closes the
// affected documents' sockets (4012) and evicts them, so their clients resync from what is stored.
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import type { Db, Queryable } from '../db/db.ts'
import type { DocWrite, Store } from '../store/store.ts'
import { MSG_SYNC } from '../../protocol/wire.ts'
import type { SyncDoc } from './doc.ts'
import type { Conn } from './conn.ts'
import { log } from './log.ts'
import { statementChunks } from '../db/chunks.ts'
import { MirrorChanges } from './mirror.ts'

/**
 * Updates per transaction at most. A turn of the event loop under load brings hundreds of updates;
 * committing them all at its end made the first wait for the last (bench:delivery, updates held in
 * the server: p50 29–34 ms, p99 80–149 ms; with 32: 3.2–3.5 ms and 13–15 ms).
 */
export const BATCH_MAX = 32

/** Default turns of the event loop per group commit (CommitOptions.turns). */
export const COMMIT_TURNS = 2

export interface Entry {
  doc: SyncDoc
  update: Uint8Array
  sender: Conn | null
  ack: Map<number, number> | null
  /** every clientID the update names */
  clients: number[]
  /** when its frame arrived (performance.now()); 0 for the server's own writes */
  receivedAt: number
}

/** Counters of the group commits since they were last read (GET /api/metrics). */
export interface CommitStats {
  commits: number
  updates: number
  /** time inside the storage transactions, ms (on SQLite: the event loop was held that long) */
  ms: number
}

export class Batch {
  readonly entries: Entry[] = []
  readonly claims = new Map<number, string>()
  /** the chats' latest messages and page lengths this batch changes (written when the mirror is due) */
  readonly mirror = new MirrorChanges()
  /** conv → new current page */
  readonly pages = new Map<string, number>()
  /** `${conv}:${user}` → read position */
  readonly reads = new Map<string, { conv: string; user: string; pos: number }>()
  readonly done: Promise<void>
  resolve!: () => void
  constructor() { this.done = new Promise((r) => { this.resolve = r }) }
}

export interface CommitHooks {
  /** fan-out of one committed update (the frame is encoded once for every socket) */
  deliver(entry: Entry, frame: Uint8Array): void
  /** after a successful commit, for inbox and head writes */
  committed(batch: Batch): void
  /** a commit failed: these documents must be dropped */
  failed(docs: Set<SyncDoc>, batch: Batch): void
  /** a client's update has been fanned out, `ms` after its frame arrived */
  held?(ms: number): void
  /** a written document's stored rows are due for compaction (compaction.ts) */
  compactionDue?(doc: SyncDoc): void
}

export interface CommitOptions {
  /** how long the relational mirror may lag (mirror.ts), ms */
  mirrorMs: number
  /**
   * Turns of the event loop a batch collects updates for before it commits (1: the turn it began in).
   * A transaction's fixed cost (BEGIN and COMMIT: locks and a WAL write) is paid per batch. Under load
   * each turn reads frames from many sockets, so a second turn makes batches bigger (at 5,000 msg/s:
   * 4.7 updates instead of 3.6, 22% fewer transactions, the same median delivery); an idle turn returns
   * at once, so a lone update waits microseconds for it.
   */
  turns: number
}

export class GroupCommit {
  private current: Batch | null = null
  private scheduled = false
  private inFlight: Promise<void> | null = null
  private counters: CommitStats = { commits: 0, updates: 0, ms: 0 }
  /** mirror values of committed batches, not written yet */
  private mirror = new MirrorChanges()
  /** performance.now() from which the next commit writes the mirror */
  private mirrorAt = 0
  private mirrorForced = false
  private mirrorTimer: NodeJS.Timeout | null = null

  private readonly mirrorMs: number
  private readonly turns: number

  constructor(private db: Db, private store: Store, opts: CommitOptions, private hooks: CommitHooks) {
    this.mirrorMs = opts.mirrorMs
    this.turns = Math.max(1, opts.turns)
  }

  /** The batch that collects this turn's work. */
  batch(): Batch {
    if (!this.current) this.current = new Batch()
    this.schedule()
    return this.current
  }

  add(entry: Entry): void {
    const b = this.batch()
    b.entries.push(entry)
    entry.doc.uncommitted++
    entry.doc.lastCommit = b.done
    // a full batch commits as soon as the update's handler is done with it (its side effects are
    // recorded in the batch after add), without waiting for the end of the turn
    if (b.entries.length === BATCH_MAX) queueMicrotask(() => { if (this.current === b && !this.inFlight) void this.flush() })
  }

  /** The counters since the last call, and fresh ones. */
  stats(): CommitStats {
    const s = this.counters
    this.counters = { commits: 0, updates: 0, ms: 0 }
    return s
  }

  /** Resolves when everything added so far is committed (or failed), the mirror included. */
  async drain(): Promise<void> {
    for (let forced = false; ; forced = true) {
      while (this.current || this.inFlight) {
        if (this.inFlight) await this.inFlight
        else await this.flush()
      }
      // one forced try: a mirror that cannot be written is repaired at the next start (mirror.ts)
      if (this.mirror.empty || forced) break
      this.mirrorForced = true
      this.batch()
    }
    if (this.mirrorTimer) { clearTimeout(this.mirrorTimer); this.mirrorTimer = null }
  }

  /** An idle server writes what the mirror still lacks once it is due. */
  private armMirror(): void {
    if (this.mirror.empty || this.mirrorTimer) return
    this.mirrorTimer = setTimeout(() => {
      this.mirrorTimer = null
      if (this.mirror.empty) return
      this.mirrorForced = true
      this.batch()
    }, Math.max(0, this.mirrorAt - performance.now()))
    this.mirrorTimer.unref()
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return
    this.scheduled = true
    let turns = this.turns
    const go = () => {
      if (--turns > 0 && this.current && this.current.entries.length < BATCH_MAX) { setImmediate(go); return }
      this.scheduled = false
      if (!this.inFlight) void this.flush()
    }
    setImmediate(go)
  }

  private flush(): Promise<void> {
    const b = this.current
    this.current = null
    if (!b) return Promise.resolve()
    this.inFlight = this.commit(b).finally(() => {
      this.inFlight = null
      // a batch that filled up while this one committed goes now; a smaller one at the end of the turn
      if (this.current && this.current.entries.length >= BATCH_MAX) void this.flush()
      else if (this.current) this.schedule()
    })
    return this.inFlight
  }

  private async commit(b: Batch): Promise<void> {
    const writes = new Map<SyncDoc, DocWrite>()
    for (const e of b.entries) {
      let w = writes.get(e.doc)
      if (!w) writes.set(e.doc, (w = { doc: e.doc.name, updates: [] }))
      w.updates.push(e.update)
    }
    const t0 = performance.now()
    // a closed page's final length goes with the commit that closes it
    const mirror = this.mirrorForced || b.pages.size > 0 || t0 >= this.mirrorAt ? this.mirror.with(b.mirror) : null
    if (mirror) this.mirrorForced = false
    try {
      await this.db.tx(async (q) => {
        await this.store.write(q, [...writes.values()])
        await writeSideEffects(q, this.db.dialect, b)
        await mirror?.write(q, this.db.dialect)
      })
    } catch (e) {
      log.error('commit failed; reloading the affected documents', e, { docs: writes.size })
      const docs = new Set(writes.keys())
      for (const e of b.entries) e.doc.uncommitted--
      try { this.hooks.failed(docs, b) } catch (err) { log.error('commit failure handling failed', err) }
      this.dropAfterFailure(docs, b)
      this.armMirror()
      b.resolve()
      return
    }
    if (mirror) {
      this.mirror = new MirrorChanges()
      this.mirrorAt = performance.now() + this.mirrorMs
    } else {
      this.mirror.merge(b.mirror)
    }
    this.armMirror()
    this.counters.commits++
    this.counters.updates += b.entries.length
    this.counters.ms += performance.now() - t0
    for (const [d, w] of writes) {
      d.stored(w.updates)
      if (d.compactionDue()) this.hooks.compactionDue?.(d)
    }
    for (const e of b.entries) {
      e.doc.uncommitted--
      const enc = encoding.createEncoder()
      encoding.writeVarUint(enc, MSG_SYNC)
      encoding.writeVarUint(enc, 2) // y-protocols messageYjsUpdate
      encoding.writeVarUint8Array(enc, e.update)
      try { this.hooks.deliver(e, encoding.toUint8Array(enc)) } catch (err) { log.error('fan-out failed', err, { doc: e.doc.name }) }
      if (e.receivedAt > 0) this.hooks.held?.(performance.now() - e.receivedAt)
    }
    try { this.hooks.committed(b) } catch (err) { log.error('post-commit work failed', err) }
    b.resolve()
  }

  /**
   * Work collected after the failed batch may depend on it (structs whose origins it held, clientIDs
   * it bound): drop the next batch's updates of dropped documents and of forgotten clientIDs.
   */
  private dropAfterFailure(docs: Set<SyncDoc>, failed: Batch): void {
    const next = this.current
    if (!next) return
    const lost = new Set(failed.claims.keys())
    const more = new Set<SyncDoc>()
    for (const e of next.entries) if (docs.has(e.doc) || e.clients.some((c) => lost.has(c))) more.add(e.doc)
    if (more.size === 0) return
    const keep = next.entries.filter((e) => !more.has(e.doc))
    for (const e of next.entries) if (more.has(e.doc)) e.doc.uncommitted--
    next.entries.length = 0
    next.entries.push(...keep)
    const fresh = [...more].filter((d) => !docs.has(d))
    if (fresh.length) this.hooks.failed(new Set(fresh), next)
  }
}


// One statement per table and chunk, not one per conversation: on Postgres every statement is a round
// trip, and a batch under load touches hundreds of conversations. VALUES columns are named column1..N in
// both SQLite and Postgres; the casts tell Postgres the parameters' types. (The mirror: mirror.ts.)
async function writeSideEffects(q: Queryable, dialect: Db['dialect'], b: Batch): Promise<void> {
  // below SQLite's parameter limit; few distinct SQL texts on SQLite, few round trips on Postgres
  const chunks = <T>(rows: T[]) => statementChunks(dialect, rows, 128)
  for (const part of chunks([...b.claims])) {
    await q.run('INSERT INTO client_ids (client_id, user_id) VALUES ' + part.map(() => '(?, ?)').join(', '), part.flat())
  }
  for (const [conv, page] of b.pages) {
    await q.run('UPDATE convs SET page = ? WHERE id = ? AND page < ?', [page, conv, page])
    await q.run('INSERT INTO conv_pages (conv_id, page, length) VALUES (?, ?, 0) ON CONFLICT (conv_id, page) DO NOTHING', [conv, page])
  }
  for (const part of chunks([...b.reads.values()])) {
    await q.run(
      'UPDATE members SET read_pos = v.column3 FROM (VALUES ' + part.map(() => '(?, ?, CAST(? AS BIGINT))').join(', ') +
        ') AS v WHERE members.conv_id = v.column1 AND members.user_id = v.column2 AND members.read_pos < v.column3',
      part.flatMap((r) => [r.conv, r.user, r.pos]))
  }
}
