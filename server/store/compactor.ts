// Compaction in the background: a document whose stored rows are due (sync/compaction.ts says when) is
// queued here; its rows are read, merged into one update in a worker thread (merge-worker.ts) and
// written back in a transaction of its own. Nothing waits for it: commits, acks and fan-out go on
// while a document compacts, and the rows they add meanwhile are left as they are.
//
// The worker thread stops once nothing has been queued for a while: with its own V8 heap it holds about
// 16 MB after a few thousand merges, which an idle server would carry for nothing; starting it again
// takes tens of milliseconds, off the event loop's path, since nothing waits for a compaction.
import type { Store } from './store.ts'
import { startMerger, type Merger, type RootSpec } from './merge-worker.ts'

export interface Compacted {
  doc: string
  /** rows merged into one */
  rowsIn: number
}

export interface CompactorHooks {
  /** the root types of a document (null: not a document this server knows; it is left alone) */
  rootsOf(doc: string): RootSpec[] | null
  done(c: Compacted): void
  /** whether `doc` is due again after a compaction (rows written meanwhile may have made it so) */
  stillDue?(doc: string): boolean
  error(doc: string, e: unknown): void
}

export interface CompactorOptions {
  /** how long the merge worker is kept after the last compaction, ms */
  mergerIdleMs: number
}

export class Compactor {
  /** queued or being compacted */
  private pending = new Set<string>()
  private queue: string[] = []
  private running: Promise<void> | null = null
  private merger: Merger | null = null
  private closed = false
  private idleWaiters: Array<() => void> = []
  private mergerIdle: NodeJS.Timeout | null = null
  private opts: CompactorOptions

  constructor(
    private store: Store,
    private hooks: CompactorHooks,
    opts: Partial<CompactorOptions> = {},
  ) {
    this.opts = { mergerIdleMs: 10_000, ...opts }
  }

  /** Whether the merge worker thread is there (it starts at the first merge and stops when idle). */
  get merging(): boolean {
    return this.merger !== null
  }

  /** Queues `doc` unless it is queued or compacting already. */
  request(doc: string): void {
    if (this.closed || this.pending.has(doc)) return
    if (this.mergerIdle) clearTimeout(this.mergerIdle)
    this.mergerIdle = null
    this.pending.add(doc)
    this.queue.push(doc)
    if (!this.running) this.running = this.drain()
  }

  /** Resolves once nothing is queued or compacting. */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve()
    return new Promise((r) => this.idleWaiters.push(r))
  }

  /** Finishes the compaction under way (queued ones are dropped: they will come due again) and stops the worker. */
  async close(): Promise<void> {
    this.closed = true
    this.queue.length = 0
    if (this.mergerIdle) clearTimeout(this.mergerIdle)
    await this.running
    await this.merger?.close()
    this.merger = null
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const doc = this.queue.shift()!
      let ok = false
      try {
        await this.compact(doc)
        ok = true
      } catch (e) {
        this.hooks.error(doc, e)
      } finally {
        this.pending.delete(doc)
      }
      // a chat that was written while it compacted and then went quiet would otherwise wait for its next
      // write: requests made while it was pending were dropped (after a failure, the next write retries)
      if (ok && this.hooks.stillDue?.(doc)) this.request(doc)
    }
    this.running = null
    if (this.merger && !this.closed) {
      this.mergerIdle = setTimeout(() => {
        this.mergerIdle = null
        const m = this.merger
        this.merger = null
        void m?.close()
      }, this.opts.mergerIdleMs)
      this.mergerIdle.unref()
    }
    for (const w of this.idleWaiters.splice(0)) w()
  }

  private async compact(doc: string): Promise<void> {
    const roots = this.hooks.rootsOf(doc)
    if (!roots) return
    const rows = await this.store.rows(doc)
    if (!rows || rows.updates.length < 2) return
    // started on first use: most processes (and tests) never compact anything
    this.merger ??= startMerger()
    const merged = await this.merger.merge(rows.updates, roots)
    await this.store.replaceUpTo(doc, rows.lastId, merged)
    this.hooks.done({ doc, rowsIn: rows.updates.length })
  }
}
