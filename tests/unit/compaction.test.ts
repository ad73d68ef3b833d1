import { describe, it, expect } from 'vitest'
import { compactionDue, COMPACT_ROWS, COMPACT_ROWS_MAX } from '../../server/sync/compaction.ts'

// Simulates a page filling one message per row: how often is it compacted, and how much is re-encoded?
function fill(messages: number, bytesPerMessage: number): { compactions: number; encodedBytes: number; maxRows: number } {
  let rows = 0
  let base = 0
  let tail = 0
  let compactions = 0
  let encodedBytes = 0
  let maxRows = 0
  for (let i = 0; i < messages; i++) {
    if (rows === 0) { rows = 1; base = bytesPerMessage } else { rows++; tail += bytesPerMessage }
    maxRows = Math.max(maxRows, rows)
    if (compactionDue({ rows, baseBytes: base, tailBytes: tail, closed: false })) {
      compactions++
      encodedBytes += base + tail
      base += tail
      tail = 0
      rows = 1
    }
  }
  return { compactions, encodedBytes, maxRows }
}

describe('compaction policy', () => {
  it('leaves small documents alone', () => {
    expect(compactionDue({ rows: COMPACT_ROWS, baseBytes: 10, tailBytes: 10_000, closed: true })).toBe(false)
  })

  it('re-encodes a filling page about twice over, not once per hundred messages', () => {
    const r = fill(1_000, 120)
    // the old rule (every 100 rows) compacted 9 times and re-encoded 5,400 messages' worth
    expect(r.compactions).toBeLessThanOrEqual(4)
    expect(r.encodedBytes).toBeLessThan(2.2 * 1_000 * 120)
    expect(r.maxRows).toBeLessThanOrEqual(COMPACT_ROWS_MAX)
  })

  it('keeps the row count bounded for a document written forever in tiny updates', () => {
    const r = fill(50_000, 20)
    expect(r.maxRows).toBeLessThanOrEqual(COMPACT_ROWS_MAX + 1)
  })

  it('compacts a closed page once it has more than a few rows', () => {
    expect(compactionDue({ rows: COMPACT_ROWS + 1, baseBytes: 1_000_000, tailBytes: 100, closed: true })).toBe(true)
    expect(compactionDue({ rows: COMPACT_ROWS + 1, baseBytes: 1_000_000, tailBytes: 100, closed: false })).toBe(false)
  })
})
