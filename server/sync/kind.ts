// The document-kind seam. The engine (this folder) syncs validated Yjs documents and knows no domain:
// each kind of document is one module that declares, in one place, its name pattern, who may open it,
// its update grammar, what the server keeps beside it while it is loaded, and what a loaded document
// makes the server write. What a committed write changes elsewhere is a commit participant (commit.ts).
import type * as Y from 'yjs'
import type { RootSpec } from '../store/merge-worker.ts'
import type { SyncDoc } from './doc.ts'

export type { RootSpec } from '../store/merge-worker.ts'

/** A refusal: the socket is closed with `code` (protocol/wire.ts CLOSE) and `reason`, nothing is applied. */
export interface Refusal {
  code: number
  reason: string
}

/** What a user may write into one root of a document, checked on the decoded update (validate.ts). */
export type RootRule =
  /**
   * An array that only grows at its end; the items the server holds can never be deleted. `append` checks one item's
   * values, the last `fresh` of which the server does not hold yet (an error text, or null); the item's
   * last value has the id (`client`, `last`).
   */
  | {
      type: 'array'
      append(values: readonly unknown[], fresh: number, client: number, last: number): string | null
      undeletable: string
      /**
       * an item the server holds no part of may arrive deleted, its content gone (a message withdrawn
       * before it was sent: nobody can have seen it)
       */
      withdraw?: boolean
    }
  /**
   * A map whose entries the user writes. `entry` checks one item written under `key`: its successive
   * values (none for a deleted item), `fresh` when the server does not hold it yet. `delete: 'any'`: the
   * user may delete entries; `'overwrite'`: an entry only ever goes by being overwritten.
   */
  | { type: 'map'; entry(key: string, values: readonly unknown[], fresh: boolean): string | null; delete: 'any' | 'overwrite' }
  /** written by the server only */
  | { type: 'server' }

/**
 * The grammar for one update by one user, made fresh for every update so that it can keep what the
 * update holds across roots (an edit of an entry that the same update appends, say).
 */
export interface UpdateRules<F = unknown> {
  /** the rule for a root, undefined when the kind has no such root */
  root(name: string): RootRule | undefined
  /**
   * The user writes nothing into this document (a channel's head; a channel's feed to who is not its
   * admin): even structs that carry nothing (GC, the remains of one's own items) are refused.
   */
  readOnly?: boolean
  /** after every struct and deletion passed: checks of the update as a whole */
  finish?(): Refusal | null
  /**
   * After the update passed every check: facts it refers to that the kind does not hold in memory (rows
   * of other tables), as a loader; null when it needs none. The engine runs the loader once and validates
   * the update again with what it loaded (`DocKind.rules`' `facts`), which the kind keeps for that one
   * update only; an update that still lacks facts then is refused. Rules that need no facts for an
   * update return null synchronously, so such updates never wait.
   */
  lacks?(): (() => Promise<F>) | null
  /**
   * Checks by effect, on accepted updates that change something: `doc` is the server's copy before
   * the update. For small documents where the grammar alone cannot rule out an effect.
   */
  effects?(doc: Y.Doc, update: Uint8Array): string | null
  /** the update was applied and added to `batch` (commit.ts): record what it changes beyond the document */
  applied?(batch: import('./commit.ts').Batch): void
}

/** A user may open the document: `release` lets go of whatever access read, once the document is held. */
export interface Access {
  release(): void
}

export interface DocKind<K = unknown, S = unknown, F = unknown> {
  /** for logs */
  readonly name: string
  /**
   * Each socket's awareness states are its own: echoed to it (a stock client's sign of life), never sent
   * to the document's other sockets. For documents whose readers must not learn of each other, nor their
   * writers of them (a channel's followers and its admins).
   */
  readonly ownAwareness?: boolean
  /** the key of `doc` when it names a document of this kind, else null */
  match(doc: string): K | null
  /** the root types every copy instantiates (so updates integrate into the right types) */
  roots(key: K): RootSpec[]
  /**
   * Documents of one group share state the kind keeps (SyncDocs.inGroup finds a group's loaded
   * documents); null: none.
   */
  group?(key: K): string | null
  /** May `userId` open (read and sync) the document? null: 403. */
  access(userId: string, key: K): Promise<Access | null>
  /** What the server keeps beside the document while it is loaded; null: the document does not exist. */
  open(key: K): Promise<S | null>
  /** Lets go of what `open` returned (the document left memory, or failed to load). */
  release?(key: K, state: S): void
  /** The document was loaded: the place to reconcile server-written roots (as jobs on `doc`). */
  loaded?(doc: SyncDoc<K, S>): void
  /** The document's Y.Doc was frozen (kept encoded only): drop what was derived from it. */
  frozen?(doc: SyncDoc<K, S>): void
  /** No more writes are expected: its stored rows are compacted once, now. */
  closed?(doc: SyncDoc<K, S>): boolean
  /**
   * The grammar for one update by `userId`; `facts`: what its `lacks` loaded for this same update (its
   * second validation), else undefined.
   */
  rules(doc: SyncDoc<K, S>, userId: string, facts?: F): UpdateRules<F>
}

/** Any kind, as the engine holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the engine never looks inside keys and states; each kind types its own
export type AnyKind = DocKind<any, any, any>

export interface Resolved {
  kind: AnyKind
  key: unknown
}

/** The registered kinds; a document name belongs to the first kind that matches it. */
export class DocKinds {
  private kinds: AnyKind[] = []

  register(kind: AnyKind): void {
    if (this.kinds.some((k) => k.name === kind.name)) throw new Error(`document kind ${kind.name} is registered already`)
    this.kinds.push(kind)
  }

  resolve(doc: string): Resolved | null {
    for (const kind of this.kinds) {
      const key = kind.match(doc)
      if (key !== null) return { kind, key }
    }
    return null
  }

  /** The root types of a document; null when no kind knows it. */
  rootsOf(doc: string): RootSpec[] | null {
    const r = this.resolve(doc)
    return r ? r.kind.roots(r.key) : null
  }
}
