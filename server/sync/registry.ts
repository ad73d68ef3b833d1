// Documents in memory: loaded on demand (concurrent loads coalesced), held while any socket or server
// write uses them, evicted after idling without sockets, dropped at once after a failed commit.
import * as Y from 'yjs'
import type { DocName } from '../../protocol/docs.ts'
import { ROOTS } from '../../protocol/docs.ts'
import type { SyncContext } from './context.ts'
import { SyncDoc } from './doc.ts'
import { broadcast } from './conn.ts'

/** Longest stretch of freezing between two turns of I/O, ms. */
const FREEZE_SLICE_MS = 4

export class DocRegistry {
  private docs = new Map<string, SyncDoc>()
  private loading = new Map<string, Promise<SyncDoc | null>>()
  private byConv = new Map<string, Set<SyncDoc>>()

  constructor(private ctx: SyncContext) {}

  /** A loaded, live document. */
  get(name: string): SyncDoc | undefined { return this.docs.get(name) }

  /** The loaded documents of a conversation (head and pages). */
  ofConv(convId: string): SyncDoc[] { return [...(this.byConv.get(convId) ?? [])] }

  all(): SyncDoc[] { return [...this.docs.values()] }

  /** Loads (or finds) a document and holds it until `release`; null when its conversation does not exist. */
  async acquire(name: string, parsed: DocName): Promise<SyncDoc | null> {
    for (;;) {
      const d = this.docs.get(name)
      if (d) {
        d.refs++
        if (d.idleTimer) { clearTimeout(d.idleTimer); d.idleTimer = null }
        return d
      }
      let p = this.loading.get(name)
      if (!p) {
        p = this.load(name, parsed).finally(() => this.loading.delete(name))
        this.loading.set(name, p)
      }
      const loaded = await p
      if (!loaded) return null
      // loop: take the reference through the map, the doc may have been dropped meanwhile
    }
  }

  /**
   * Freezes documents that sockets hold but nobody has touched for one whole sweep period (freezeMs): touched docs are only marked
   * untouched, so a doc freezes between one and two periods after its last use. Freezing encodes the
   * whole doc, so it is done in slices of a few milliseconds with I/O in between: thousands of idle docs
   * frozen in one go would hold up every delivery for as long.
   */
  startFreezing(): { stop(): void } {
    const ms = this.ctx.opts.freezeMs
    if (ms <= 0) return { stop() {} }
    let stopped = false
    const freezeSome = (due: SyncDoc[], from: number): void => {
      const until = performance.now() + FREEZE_SLICE_MS
      let i = from
      while (i < due.length && performance.now() < until) {
        const d = due[i++]
        // frozen: nobody has used it for a sweep period, so its rows are merged now rather than while written
        if (!d.touched && d.freeze() && d.compactionDue(true)) this.ctx.compactor.request(d.name)
      }
      if (i < due.length && !stopped) setImmediate(() => freezeSome(due, i))
    }
    const timer = setInterval(() => {
      const due: SyncDoc[] = []
      for (const d of this.docs.values()) {
        if (d.touched) d.touched = false
        // a doc nobody holds is dropped at idleMs: encoding it first would be work (and garbage) for nothing
        else if (!d.isFrozen && d.refs > 0) due.push(d)
      }
      freezeSome(due, 0)
    }, ms)
    timer.unref()
    return { stop: () => { stopped = true; clearInterval(timer) } }
  }

  release(doc: SyncDoc): void {
    if (doc.dead) return
    if (--doc.refs > 0) return
    this.armIdle(doc)
  }

  private armIdle(doc: SyncDoc): void {
    if (doc.idleTimer) clearTimeout(doc.idleTimer)
    doc.idleTimer = setTimeout(() => {
      doc.idleTimer = null
      if (doc.dead || doc.refs > 0) return
      if (doc.uncommitted > 0) { this.armIdle(doc); return }
      // its next load reads one row (the compactor works from the stored rows, not from this Y.Doc)
      if (doc.compactionDue(true)) this.ctx.compactor.request(doc.name)
      this.drop(doc)
    }, this.ctx.opts.idleMs)
    doc.idleTimer.unref()
  }

  /** Drops a document now, closing its sockets with `code` (after a failed commit, or at shutdown). */
  kill(doc: SyncDoc, code: number, reason: string): void {
    if (doc.dead) return
    for (const c of doc.conns) c.close(code, reason)
    this.drop(doc)
  }

  private drop(doc: SyncDoc): void {
    if (doc.dead) return
    doc.dead = true
    if (doc.idleTimer) { clearTimeout(doc.idleTimer); doc.idleTimer = null }
    if (this.docs.get(doc.name) === doc) this.docs.delete(doc.name)
    doc.unsubscribe?.()
    doc.unsubscribe = null
    if (doc.parsed.kind !== 'inbox') {
      const set = this.byConv.get(doc.parsed.convId)
      set?.delete(doc)
      if (set && set.size === 0) this.byConv.delete(doc.parsed.convId)
      this.ctx.convs.release(doc.parsed.convId)
    }
    doc.awareness.clear()
    doc.destroy()
  }

  private async load(name: string, parsed: DocName): Promise<SyncDoc | null> {
    const ctx = this.ctx
    let conv = null
    if (parsed.kind !== 'inbox') {
      conv = await ctx.convs.acquire(parsed.convId)
      if (!conv) return null
    }
    let updates: Uint8Array[]
    try {
      updates = await ctx.store.load(name)
    } catch (e) {
      if (parsed.kind !== 'inbox') ctx.convs.release(parsed.convId)
      throw e
    }
    const doc = new SyncDoc(name, parsed, conv)
    doc.ydoc.transact(() => { for (const u of updates) Y.applyUpdate(doc.ydoc, u) })
    doc.stored(updates)
    if (doc.compactionDue()) ctx.compactor.request(name)
    if (parsed.kind === 'page' && conv) {
      const len = doc.ydoc.getArray(ROOTS.page.msgs).length
      conv.pageLengths.set(parsed.page, Math.max(len, conv.pageLengths.get(parsed.page) ?? 0))
    }
    this.docs.set(name, doc)
    if (parsed.kind !== 'inbox') {
      let set = this.byConv.get(parsed.convId)
      if (!set) this.byConv.set(parsed.convId, (set = new Set()))
      set.add(doc)
    }
    doc.unsubscribe = ctx.bus.subscribe(name, (m) => {
      if (m.kind !== 'update') return
      broadcast(doc.conns, m.frame, (c) => c.id === m.sender && m.node === ctx.node)
    })
    // the server-written roots are reconciled with the relational data before any socket syncs
    if (parsed.kind === 'head') doc.enqueue(() => ctx.writer.writeMeta(doc))
    else if (parsed.kind === 'inbox') doc.enqueue(() => ctx.writer.reconcileInbox(doc))
    this.armIdle(doc)
    return doc
  }
}
