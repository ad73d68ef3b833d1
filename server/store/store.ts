// Document storage: the Yjs updates of every document. The sync server's group commit writes many
// documents' updates (and relational side effects) in one transaction, so writes take the transaction's
// Queryable. Two implementations:
// - SQLite (journal-store.ts): updates are appended to an unindexed journal and indexed once, when a
//   document compacts or goes quiet; a single process owns the file, so it may keep the journal's
//   per-document row ids in memory.
// - Postgres (table-store.ts): every update is a row of doc_updates, indexed by (doc, id); several nodes
//   may share the database, so nothing lives only in one process's memory.
import type { Db, Tx } from '../db/db.ts'
import { createTableStore } from './table-store.ts'
import { openJournalStore } from './journal-store.ts'

export interface DocWrite {
  doc: string
  /** updates to append, oldest first */
  updates: Uint8Array[]
}

/** A document's stored rows, oldest first, and the id of the newest (what `replaceUpTo` takes). */
export interface StoredRows {
  updates: Uint8Array[]
  lastId: number
}

export interface Store {
  /** Every update stored for `doc`, oldest first. */
  load(doc: string): Promise<Uint8Array[]>
  /** Writes a batch inside a transaction the caller owns (see Db.tx). */
  write(q: Tx, writes: DocWrite[]): Promise<void>
  /** The rows stored for `doc` so far (for compaction); null when it has none. */
  rows(doc: string): Promise<StoredRows | null>
  /**
   * Compaction, in its own transaction: the rows of `doc` up to `lastId` become one row holding `merged`
   * (which must contain everything they held), kept at `lastId` so that it still loads before the rows
   * written after it. Rows written meanwhile are not touched.
   */
  replaceUpTo(doc: string, lastId: number, merged: Uint8Array): Promise<void>
  /** Stops background work and leaves everything in its long-term place (before the database closes). */
  close(): Promise<void>
}

/**
 * The store of `db`. On SQLite there is one per database (every caller gets the same one: the journal's
 * ids are in its memory); opening it the first time moves what an earlier process left in the journal.
 */
export function openStore(db: Db): Promise<Store> {
  return db.dialect === 'sqlite' ? openJournalStore(db) : Promise.resolve(createTableStore(db))
}
