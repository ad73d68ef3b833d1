// Group commit: every update validated in `turns` turns of the event loop (up to BATCH_MAX; a busier
// stretch commits every BATCH_MAX updates), the clientID bindings it makes and what the participants
// (the document kinds' relational side effects) write for it go into one transaction.
//
// After commit, in this order and in this file only: each update is published on the bus with its frame
// and its sender's ack (deliverCommitted, on every node holding the document, sends the frame to every
// socket but the sender and the ack to the sender), then the participants run their effects (writes
// into other documents). Nothing is sent that is not stored. One transaction is in flight at a time, which keeps each document's order; a
// failed commit closes the affected documents' sockets (4012) and evicts them, so their clients resync
// from what is stored.
import type { Db, Queryable, Tx } from '../db/db.ts'
import type { DocWrite, Store } from '../store/store.ts'
import { encodeAck, encodeUpdate } from '../../protocol/frames.ts'
import type { Bus, UpdateMessage } from '../bus/bus.ts'
import type { SyncDoc } from './doc.ts'
import { broadcast, type Conn } from './conn.ts'
import { log } from './log.ts'
import { statementChunks } from '../db/chunks.ts'

/**
 * Updates per transaction at most. A turn of the event loop under load brings hundreds of updates;
 * committing them all at its end made the first wait for the last (bench:delivery's figures for updates
 * held in the server: BENCHMARKS.md, "Measurements behind the defaults").
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

/**
 * What a committed batch changes beyond its documents, for one part of the domain: it collects its
 * share of each batch (`part`), writes it inside the batch's transaction and acts once it committed.
 */
export interface CommitParticipant<T> {
  /** this participant's share of a fresh batch */
  create(): T
  /**
   * Writes inside the batch's transaction; `part` is undefined when nothing of the batch touched this
   * participant. `flush`: the server is draining, write whatever was deferred.
   */
  write(q: Tx, dialect: Db['dialect'], part: T | undefined, flush: boolean): Promise<void>
  /** the transaction committed, and the batch's updates were fanned out and acknowledged */
  committed?(part: T | undefined): void
  /** a transaction failed and these documents were dropped */
  failed?(docs: ReadonlySet<SyncDoc>): void
  /** deferred work that a later transaction must write (drain commits once more while there is) */
  pending?(): boolean
  /** the group commit drained: stop timers */
  drained?(): void
}

export class Batch {
  readonly entries: Entry[] = []
  readonly claims = new Map<number, string>()
  /** commits after the server began draining: participants write what they deferred */
  flush = false
  private parts = new Map<CommitParticipant<unknown>, unknown>()
  readonly done: Promise<void>
  resolve!: () => void
  constructor() {
    this.done = new Promise((r) => {
      this.resolve = r
    })
  }

  /** The participant's share of this batch, created on first use. */
  part<T>(p: CommitParticipant<T>): T {
    let v = this.parts.get(p as CommitParticipant<unknown>) as T | undefined
    if (v === undefined) this.parts.set(p as CommitParticipant<unknown>, (v = p.create()))
    return v
  }

  /** The participant's share, undefined when nothing of the batch touched it. */
  peek<T>(p: CommitParticipant<T>): T | undefined {
    return this.parts.get(p as CommitParticipant<unknown>) as T | undefined
  }
}

export interface CommitHooks {
  /** the fan-out seam: every committed update is published on it, under its document's name */
  bus: Bus
  /** this process, in bus messages (a socket's own update is not sent back to it) */
  node: string
  /** a commit failed: these documents must be dropped */
  failed(docs: Set<SyncDoc>): void
  /** a client's update has been fanned out, `ms` after its frame arrived */
  held?(ms: number): void
  /** a written document's stored rows are due for compaction (compaction.ts) */
  compactionDue?(doc: SyncDoc): void
  /**
   * With several nodes, inside each transaction before anything is written: throws StaleHomes when
   * another node owns a home of these documents now (server/cluster/cluster.ts `fence`)
   */
  fence?(q: Queryable, docs: SyncDoc[]): Promise<void>
  /** a fence refused homes: this node no longer owns them */
  lost?(homes: string[]): void
}

/** A commit was refused because other nodes own these homes now. */
export class StaleHomes extends Error {
  constructor(readonly homes: string[]) {
    super(`homes owned by another node now: ${homes.length}`)
  }
}

export interface CommitOptions {
  /**
   * Turns of the event loop a batch collects updates for before it commits (1: the turn it began in).
   * A transaction's fixed cost (BEGIN and COMMIT: locks and a WAL write) is paid per batch. Under load
   * each turn takes frames from many sockets, so a second turn makes batches bigger and transactions
   * fewer (BENCHMARKS.md, bench:delivery); an idle turn returns at once, so a lone update waits
   * microseconds for it.
   */
  turns: number
}

export class GroupCommit {
  private current: Batch | null = null
  private scheduled = false
  private inFlight: Promise<void> | null = null
  private counters: CommitStats = { commits: 0, updates: 0, ms: 0 }
  private participants: CommitParticipant<unknown>[] = []
  /** the next batch commits what participants deferred (drain) */
  private flushNext = false

  private readonly turns: number

  constructor(
    private db: Db,
    private store: Store,
    opts: CommitOptions,
    private hooks: CommitHooks,
  ) {
    this.turns = Math.max(1, opts.turns)
  }

  /** Adds a participant: from the next batch on it writes in every transaction and acts after each commit. */
  participate<T>(p: CommitParticipant<T>): void {
    this.participants.push(p as CommitParticipant<unknown>)
  }

  /** The batch that collects this turn's work (a participant may ask for one to write what it deferred). */
  batch(): Batch {
    if (!this.current) {
      this.current = new Batch()
      if (this.flushNext) {
        this.current.flush = true
        this.flushNext = false
      }
    }
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
    if (b.entries.length === BATCH_MAX)
      queueMicrotask(() => {
        if (this.current === b && !this.inFlight) void this.flush()
      })
  }

  /** The counters since the last call, and fresh ones. */
  stats(): CommitStats {
    const s = this.counters
    this.counters = { commits: 0, updates: 0, ms: 0 }
    return s
  }

  /** Resolves when everything added so far is committed (or failed), what participants deferred included. */
  async drain(): Promise<void> {
    for (let again = false; ; again = true) {
      while (this.current || this.inFlight) {
        if (this.inFlight) await this.inFlight
        else await this.flush()
      }
      // one more try at most: what cannot be written then is the participant's to repair at the next start
      if (again || !this.participants.some((p) => p.pending?.())) break
      this.flushNext = true
      this.batch()
    }
    for (const p of this.participants) p.drained?.()
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight) return
    this.scheduled = true
    let turns = this.turns
    const go = () => {
      if (--turns > 0 && this.current && this.current.entries.length < BATCH_MAX) {
        setImmediate(go)
        return
      }
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
    try {
      await this.db.tx(async (q) => {
        if (this.hooks.fence) await this.hooks.fence(q, [...writes.keys()])
        await this.store.write(q, [...writes.values()])
        writeClaims(q, this.db.dialect, b)
        for (const p of this.participants) await p.write(q, this.db.dialect, b.peek(p), b.flush)
      })
    } catch (e) {
      if (e instanceof StaleHomes) this.hooks.lost?.(e.homes)
      else log.error('commit failed; reloading the affected documents', e, { docs: writes.size })
      const docs = new Set(writes.keys())
      for (const e of b.entries) e.doc.uncommitted--
      this.fail(docs)
      this.dropAfterFailure(docs, b)
      b.resolve()
      return
    }
    this.counters.commits++
    this.counters.updates += b.entries.length
    this.counters.ms += performance.now() - t0
    for (const [d, w] of writes) {
      d.stored(w.updates)
      if (d.compactionDue()) this.hooks.compactionDue?.(d)
    }
    this.afterCommit(b)
    b.resolve()
  }

  /** Fan-out, acks, then the participants' effects: everything that follows a committed batch. */
  private afterCommit(b: Batch): void {
    const { bus, node } = this.hooks
    for (const e of b.entries) {
      e.doc.uncommitted--
      try {
        bus.publish(e.doc.name, {
          kind: 'update',
          doc: e.doc.name,
          update: e.update,
          frame: encodeUpdate(e.update),
          node,
          sender: e.sender?.id ?? 0,
          ack: e.sender && e.ack ? encodeAck(e.ack) : null,
        })
      } catch (err) {
        log.error('fan-out failed', err, { doc: e.doc.name })
      }
      if (e.receivedAt > 0) this.hooks.held?.(performance.now() - e.receivedAt)
    }
    for (const p of this.participants) {
      try {
        p.committed?.(b.peek(p))
      } catch (err) {
        log.error('post-commit work failed', err)
      }
    }
  }

  private fail(docs: Set<SyncDoc>): void {
    try {
      this.hooks.failed(docs)
    } catch (err) {
      log.error('commit failure handling failed', err)
    }
    for (const p of this.participants) {
      try {
        p.failed?.(docs)
      } catch (err) {
        log.error('commit failure handling failed', err)
      }
    }
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
    if (fresh.length) this.fail(new Set(fresh))
  }
}

/** The clientID bindings the batch makes, in one statement per chunk, queued with the rest of the commit. */
function writeClaims(q: Tx, dialect: Db['dialect'], b: Batch): void {
  // below SQLite's parameter limit; few distinct SQL texts on SQLite, few statements for Postgres to parse and plan
  for (const part of statementChunks(dialect, [...b.claims], 128)) {
    q.queue('INSERT INTO client_ids (client_id, user_id) VALUES ' + part.map(() => '(?, ?)').join(', '), part.flat())
  }
}

/**
 * Delivers a committed update from the bus to this node's sockets on `doc`: the frame to every socket
 * but the sender, which gets its ack (it has the update already).
 */
export function deliverCommitted(doc: SyncDoc, m: UpdateMessage, node: string): void {
  const mine = m.node === node
  let sender: Conn | null = null
  broadcast(doc.conns, m.frame, (c) => {
    if (!mine || c.id !== m.sender) return false
    sender = c
    return true
  })
  if (sender && m.ack) (sender as Conn).send(m.ack)
}
