import { describe, it, expect } from 'vitest'
import { compactionDue, COMPACT_ROWS, COMPACT_ROWS_HOT } from '../../server/sync/compaction.ts'

// Simulates a document written one row at a time, resting every `restEvery` rows (never if 0): how often
// is it compacted, how many rows does it re-encode, and how many rows does it reach?
function write(rows: number, restEvery: number): { compactions: number; rowsEncoded: number; maxRows: number } {
  let stored = 0
  let compactions = 0
  let rowsEncoded = 0
  let maxRows = 0
  const compact = () => {
    compactions++
    rowsEncoded += stored
    stored = 1
  }
  for (let i = 1; i <= rows; i++) {
    stored++
    maxRows = Math.max(maxRows, stored)
    if (compactionDue({ rows: stored, closed: false, atRest: false })) compact()
    if (restEvery > 0 && i % restEvery === 0 && compactionDue({ rows: stored, closed: false, atRest: true })) compact()
  }
  return { compactions, rowsEncoded, maxRows }
}

describe('compaction policy', () => {
  it('leaves small documents alone, at rest or closed', () => {
    expect(compactionDue({ rows: COMPACT_ROWS, closed: true, atRest: true })).toBe(false)
  })

  it('does not re-encode a page while it fills', () => {
    // a page holds 1,000 messages: it closes before it reaches the bound for documents being written
    expect(write(1_000, 0).compactions).toBe(0)
  })

  it('compacts a document once it rests, for all its rows', () => {
    expect(compactionDue({ rows: COMPACT_ROWS + 1, closed: false, atRest: false })).toBe(false)
    expect(compactionDue({ rows: COMPACT_ROWS + 1, closed: false, atRest: true })).toBe(true)
    // a chat that gets 300 messages between pauses is compacted once per pause
    const r = write(3_000, 300)
    expect(r.compactions).toBe(10)
    expect(r.maxRows).toBeLessThanOrEqual(301)
  })

  it('keeps the row count bounded for a document written forever without rest', () => {
    const r = write(50_000, 0)
    expect(r.maxRows).toBe(COMPACT_ROWS_HOT + 1)
    // each row is re-encoded about once per COMPACT_ROWS_HOT rows: the work stays proportional to the writes
    expect(r.rowsEncoded).toBeLessThan(50_000 * 1.01)
  })

  it('compacts a closed page once it has more than a few rows', () => {
    expect(compactionDue({ rows: COMPACT_ROWS + 1, closed: true, atRest: false })).toBe(true)
  })
})
