// Documents in memory: loaded on demand (concurrent loads coalesced), held while any socket or server
// write uses them, evicted after idling without sockets, dropped at once after a failed commit.
import * as Y from 'yjs'
import type { SyncContext } from './context.ts'
import { SyncDoc } from './doc.ts'
import { deliverCommitted } from './commit.ts'
import type { Resolved } from './kind.ts'
import { homeOf } from './homes.ts'
import { noteGarbage } from '../heap.ts'

/** Longest stretch of freezing between two turns of I/O, ms. */
const FREEZE_SLICE_MS = 4
/** heap bytes of a live Y.Doc per byte of its encoded state: about 6 to 9 for chat pages of short messages (bench:memory) */
const LIVE_PER_ENCODED_BYTE = 8

export class DocRegistry {
  private docs = new Map<string, SyncDoc>()
  private loading = new Map<string, Promise<SyncDoc | null>>()
  /** home (homes.ts: a kind's group, else the document) → its loaded documents */
  private homes = new Map<string, Set<SyncDoc>>()
  /** homes with a load in flight, and how many */
  private loadingHomes = new Map<string, number>()

  constructor(private ctx: SyncContext) {}

  /** A loaded, live document. */
  get(name: string): SyncDoc | undefined {
    return this.docs.get(name)
  }

  /** The loaded documents of a group (DocKind.group). */
  inGroup(group: string): SyncDoc[] {
    return [...(this.homes.get(group) ?? [])]
  }

  /** Whether a document of `home` is loaded (or loading). */
  holds(home: string): boolean {
    return this.homes.has(home) || this.docs.has(home) || this.loadingHomes.has(home)
  }

  /** The loaded documents of these homes. */
  ofHomes(homes: Iterable<string>): SyncDoc[] {
    const out: SyncDoc[] = []
    for (const h of homes) for (const d of this.homes.get(h) ?? []) out.push(d)
    return out
  }

  /**
   * With several nodes: a home none of whose documents is loaded or loading goes back to the cluster
   * (after an upgrade that was refused, or when its last document left memory).
   */
  releaseIfEmpty(home: string): void {
    if (this.ctx.cluster && !this.holds(home)) this.ctx.cluster.release(home)
  }

  all(): SyncDoc[] {
    return [...this.docs.values()]
  }

  /** Loads (or finds) a document and holds it until `release`; null when it is unknown or its kind says it does not exist. */
  async acquire(name: string, resolved: Resolved | null = this.ctx.kinds.resolve(name)): Promise<SyncDoc | null> {
    if (!resolved) return null
    for (;;) {
      const d = this.docs.get(name)
      if (d) {
        d.refs++
        if (d.idleTimer) {
          clearTimeout(d.idleTimer)
          d.idleTimer = null
        }
        return d
      }
      let p = this.loading.get(name)
      if (!p) {
        p = this.load(name, resolved).finally(() => this.loading.delete(name))
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
    const freezeSome = (due: SyncDoc[], from: number, frozenBytes: number): void => {
      const until = performance.now() + FREEZE_SLICE_MS
      let i = from
      let bytes = frozenBytes
      while (i < due.length && performance.now() < until) {
        const d = due[i++]
        const frozen = d.touched ? 0 : d.freeze()
        bytes += frozen
        // frozen: nobody has used it for a sweep period, so its rows are merged now rather than while written
        if (frozen > 0 && d.compactionDue(true)) this.ctx.compactor.request(d.name)
      }
      if (i < due.length && !stopped) setImmediate(() => freezeSome(due, i, bytes))
      // the frozen docs' Y.Docs are garbage now, in old space: heap.ts may give their pages back
      else noteGarbage(LIVE_PER_ENCODED_BYTE * bytes)
    }
    const timer = setInterval(() => {
      const due: SyncDoc[] = []
      for (const d of this.docs.values()) {
        if (d.touched) d.touched = false
        // a doc nobody holds is dropped at idleMs: encoding it first would be work (and garbage) for nothing
        else if (!d.isFrozen && d.refs > 0) due.push(d)
      }
      freezeSome(due, 0, 0)
    }, ms)
    timer.unref()
    return {
      stop: () => {
        stopped = true
        clearInterval(timer)
      },
    }
  }

  /**
   * Loads (or finds) a document, runs `fn` as one of its jobs and lets it go again: how the server writes
   * into a document nobody may have open. False when there is no such document.
   */
  async inJob(name: string, fn: (doc: SyncDoc) => Promise<void>): Promise<boolean> {
    const doc = await this.acquire(name)
    if (!doc) return false
    doc.enqueue(async () => {
      try {
        await fn(doc)
      } finally {
        this.release(doc)
      }
    })
    return true
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
      if (doc.uncommitted > 0) {
        this.armIdle(doc)
        return
      }
      // its next load has one row to load (the compactor works from the stored rows, not from this Y.Doc)
      if (doc.compactionDue(true)) this.ctx.compactor.request(doc.name)
      const size = doc.liveSize
      this.drop(doc)
      // its Y.Doc is garbage now, as a frozen doc's is (a server that wrote to thousands of docs at once
      // drops them at once)
      noteGarbage(LIVE_PER_ENCODED_BYTE * size)
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
    if (doc.idleTimer) {
      clearTimeout(doc.idleTimer)
      doc.idleTimer = null
    }
    if (this.docs.get(doc.name) === doc) this.docs.delete(doc.name)
    doc.unsubscribe?.()
    doc.unsubscribe = null
    const home = homeOf(doc.kind, doc.key, doc.name)
    const set = this.homes.get(home)
    set?.delete(doc)
    if (set && set.size === 0) this.homes.delete(home)
    this.releaseIfEmpty(home)
    doc.kind.release?.(doc.key, doc.state)
    doc.awareness.clear()
    doc.destroy()
  }

  private async load(name: string, resolved: Resolved): Promise<SyncDoc | null> {
    const home = homeOf(resolved.kind, resolved.key, name)
    this.loadingHomes.set(home, (this.loadingHomes.get(home) ?? 0) + 1)
    try {
      return await this.loadOwned(name, home, resolved)
    } finally {
      const n = (this.loadingHomes.get(home) ?? 1) - 1
      if (n > 0) this.loadingHomes.set(home, n)
      else this.loadingHomes.delete(home)
      this.releaseIfEmpty(home)
    }
  }

  private async loadOwned(name: string, home: string, { kind, key }: Resolved): Promise<SyncDoc | null> {
    const ctx = this.ctx
    // with several nodes, only the home's owner loads its documents (it acquires the home if nobody owns it)
    await ctx.cluster?.ensureOwned(home)
    const state: unknown = await kind.open(key)
    if (state === null) return null
    let updates: Uint8Array[]
    try {
      updates = await ctx.store.load(name)
    } catch (e) {
      kind.release?.(key, state)
      throw e
    }
    const doc = new SyncDoc(name, kind, key, state)
    doc.ydoc.transact(() => {
      for (const u of updates) Y.applyUpdate(doc.ydoc, u)
    })
    doc.stored(updates)
    if (doc.compactionDue()) ctx.compactor.request(name)
    this.docs.set(name, doc)
    // a document that is its own home needs no set on one node (`holds` finds it by name)
    if (kind.group || ctx.cluster) {
      let set = this.homes.get(home)
      if (!set) this.homes.set(home, (set = new Set()))
      set.add(doc)
    }
    // committed updates reach this node's sockets through the bus (commit.ts publishes them)
    doc.unsubscribe = ctx.bus.subscribe(name, (m) => deliverCommitted(doc, m, ctx.node))
    // e.g. server-written roots reconciled with relational data, queued before any socket syncs
    kind.loaded?.(doc)
    this.armIdle(doc)
    return doc
  }
}
