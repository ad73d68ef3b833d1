// One loaded document: the server's Y.Doc, its sockets and awareness states, and a queue that
// serializes everything done to it (validation may await a clientID lookup; order must hold).
//
// A document whose Y.Doc nobody has touched for a while is frozen: kept as one encoded update (a small
// document: a tenth of the memory of its Items and maps) while its sockets stay open. Sockets that
// connect or resync are answered from the encoded update; the first write, validation or server write
// thaws it back (Y.applyUpdate: well under a millisecond for small docs).
import * as Y from 'yjs'
import type { Conn } from './conn.ts'
import { log } from './log.ts'
import { compactionDue } from './compaction.ts'
import type { DocKind, RootSpec } from './kind.ts'

/**
 * A guid for the server's Y.Docs. Yjs uses a doc's guid only for subdocuments, which no kind accepts; left
 * unset, each new Y.Doc draws a random UUID from 31 typed arrays of crypto randomness, garbage made again
 * at every load, thaw and head-effect check.
 */
export const SERVER_GUID = 'sori'

/** A Y.Doc with these roots instantiated, so that updates integrate into the right types. */
export function emptyDoc(roots: readonly RootSpec[]): Y.Doc {
  const y = new Y.Doc({ guid: SERVER_GUID })
  for (const [name, type] of roots) {
    if (type === 'array') y.getArray(name)
    else y.getMap(name)
  }
  return y
}

type Job = () => void | Promise<void>

export interface AwarenessEntry {
  clock: number
  state: string
  conn: Conn | null
}

/** K: the kind's key for the document (from its name), S: what the kind keeps beside it while loaded. */
export class SyncDoc<K = unknown, S = unknown> {
  private live: Y.Doc | null = null
  /** the whole state while frozen */
  private frozen: Uint8Array | null = null
  /** read since the last freeze sweep */
  touched = true
  readonly conns = new Set<Conn>()
  readonly awareness = new Map<number, AwarenessEntry>()
  /** sockets and in-flight upgrades or server writes holding the doc */
  refs = 0
  idleTimer: NodeJS.Timeout | null = null
  /** rows stored (store/store.ts): see compaction.ts */
  rows = 0
  /** encoded bytes the live Y.Doc was built from (loaded rows, thawed state, committed updates): its size, cheaply */
  private liveBytes = 0
  dead = false
  /** updates applied in memory whose batch has not committed yet */
  uncommitted = 0
  /** settles when the batch holding the latest applied update has committed (or failed) */
  lastCommit: Promise<void> = Promise.resolve()
  unsubscribe: (() => void) | null = null
  private queue: Job[] = []
  private head = 0
  private running = false

  private readonly roots: RootSpec[]

  constructor(
    readonly name: string,
    readonly kind: DocKind<K, S>,
    readonly key: K,
    readonly state: S,
  ) {
    this.roots = kind.roots(key)
    this.live = emptyDoc(this.roots)
  }

  /** The live Y.Doc, thawed first if the document is frozen. */
  get ydoc(): Y.Doc {
    this.touched = true
    if (!this.live) {
      const y = emptyDoc(this.roots)
      if (this.frozen) Y.applyUpdate(y, this.frozen)
      this.liveBytes = this.frozen?.byteLength ?? 0
      this.frozen = null
      this.live = y
    }
    return this.live
  }

  get isFrozen(): boolean {
    return this.live === null
  }

  /** Sync step 1's state vector, without thawing. */
  stateVector(): Uint8Array {
    return this.frozen ? Y.encodeStateVectorFromUpdate(this.frozen) : Y.encodeStateVector(this.ydoc)
  }

  /** What a client with state vector `sv` lacks (throws on a malformed vector), without thawing. */
  diff(sv: Uint8Array): Uint8Array {
    return this.frozen ? Y.diffUpdate(this.frozen, sv) : Y.encodeStateAsUpdate(this.ydoc, sv)
  }

  /** Freezes the Y.Doc unless work on it is queued, running or uncommitted: the size of its encoded state, or 0 when it stays live. */
  freeze(): number {
    if (!this.live || this.dead || this.running || this.uncommitted > 0 || this.head < this.queue.length) return 0
    this.frozen = Y.encodeStateAsUpdate(this.live)
    this.live.destroy()
    this.live = null
    this.liveBytes = 0
    this.kind.frozen?.(this)
    return this.frozen.byteLength
  }

  destroy(): void {
    this.live?.destroy()
    this.live = null
    this.frozen = null
  }

  /** Records rows stored for this doc. */
  stored(updates: Uint8Array[]): void {
    this.rows += updates.length
    if (this.live) for (const u of updates) this.liveBytes += u.byteLength
  }

  /** The encoded bytes its live Y.Doc was built from; 0 while frozen. */
  get liveSize(): number {
    return this.live ? this.liveBytes : 0
  }

  /** The oldest `rowsIn` stored rows were merged into one (store/compactor.ts). */
  compacted(rowsIn: number): void {
    this.rows = Math.max(1, this.rows - rowsIn + 1)
  }

  /** Whether the stored rows are due for compaction (compaction.ts); `atRest` once the doc froze or is dropped. */
  compactionDue(atRest = false): boolean {
    return compactionDue({ rows: this.rows, closed: this.kind.closed?.(this) ?? false, atRest })
  }

  enqueue(job: Job): void {
    if (this.dead) return
    this.queue.push(job)
    if (!this.running) void this.run()
  }

  private async run(): Promise<void> {
    this.running = true
    while (this.head < this.queue.length && !this.dead) {
      const job = this.queue[this.head]
      this.queue[this.head++] = undefined as unknown as Job
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head)
        this.head = 0
      }
      try {
        const r = job()
        if (r) await r
      } catch (e) {
        log.error('doc job failed', e, { doc: this.name })
      }
    }
    this.queue = []
    this.head = 0
    this.running = false
  }
}
