// When to replace a document's stored rows by one merged update.
//
// Compaction re-encodes the whole document (in the background: store/compactor.ts), so a document that
// is being written pays for it again and again: with "once the rows since the last compaction weigh as
// much as its result", every page under bench:delivery's load was re-encoded three or four times while
// it filled, which cost more CPU per message than compacting it once at rest (BENCHMARKS.md, "Measurements
// behind the defaults"). A document at rest is compacted once, for all its rows: its next load then
// loads one row. While it is written, only a bound on its rows applies (the cost of loading it after
// a crash, and the journal's ids kept in memory on SQLite).

/** A document with this many rows or fewer is never compacted (loading a few rows costs nothing). */
export const COMPACT_ROWS = 100
/** A document being written is compacted once it has more rows than this. */
export const COMPACT_ROWS_HOT = 1_000

export interface StoredShape {
  rows: number
  /** a document that takes no more writes (its kind says so): compact it once, it will be read, not written */
  closed: boolean
  /** nobody has written or read the document for a while (it froze, or its last socket left) */
  atRest: boolean
}

export function compactionDue(s: StoredShape): boolean {
  if (s.rows <= COMPACT_ROWS) return false
  return s.closed || s.atRest || s.rows > COMPACT_ROWS_HOT
}
