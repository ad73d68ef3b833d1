// When to replace a document's stored rows by one merged update.
//
// Compaction re-encodes the whole document (in the background: store/compactor.ts), so its cost grows
// with the document. A fixed "every 100 rows" rule re-encoded a page of n messages every 100
// messages (O(n²) per page: at 5,000 msg/s into 100 chats, every commit compacted a 500-message page and
// the commit's median rose from 0.2 to 4 ms as pages filled). Compacting only once the rows written since
// the last compaction weigh as much as its result keeps the work proportional to what was written
// (each byte is re-encoded about twice over a page's life) while the row count stays bounded.

/** Below this many rows a document is never compacted (loading a few rows costs nothing). */
export const COMPACT_ROWS = 100
/** Above this many rows a document is compacted whatever the sizes (bounds the work of loading it). */
export const COMPACT_ROWS_MAX = 2_000

export interface StoredShape {
  rows: number
  /** bytes of the oldest stored row: the result of the last compaction (or the first update) */
  baseBytes: number
  /** bytes of every row after it */
  tailBytes: number
  /** a page that no longer takes new messages: compact it once, it will be read, not written */
  closed: boolean
}

export function compactionDue(s: StoredShape): boolean {
  if (s.rows <= COMPACT_ROWS) return false
  return s.closed || s.rows > COMPACT_ROWS_MAX || s.tailBytes >= s.baseBytes
}
