import { describe, it, expect } from 'vitest'
import { powerOfTwoChunks, statementChunks } from '../../server/db/chunks.ts'

describe('powerOfTwoChunks', () => {
  it('keeps every row once, in order, in chunks of power-of-two sizes up to the limit', () => {
    for (const n of [0, 1, 2, 3, 37, 128, 129, 200, 1000]) {
      const rows = Array.from({ length: n }, (_, i) => i)
      const parts = [...powerOfTwoChunks(rows, 128)]
      expect(parts.flat()).toEqual(rows)
      for (const p of parts) {
        expect(p.length).toBeLessThanOrEqual(128)
        expect(Number.isInteger(Math.log2(p.length))).toBe(true)
      }
    }
  })

  it('makes few distinct statement sizes whatever the batch sizes', () => {
    const sizes = new Set<number>()
    for (let n = 1; n <= 1000; n++) for (const p of powerOfTwoChunks(Array.from({ length: n }), 128)) sizes.add(p.length)
    expect(sizes.size).toBe(8)
  })
})

describe('statementChunks', () => {
  it('uses powers of two on SQLite and the fewest statements on Postgres', () => {
    const rows = Array.from({ length: 37 }, (_, i) => i)
    expect([...statementChunks('sqlite', rows, 128)].map((p) => p.length)).toEqual([32, 4, 1])
    expect([...statementChunks('postgres', rows, 128)].map((p) => p.length)).toEqual([37])
    expect([...statementChunks('postgres', Array.from({ length: 300 }), 128)].map((p) => p.length)).toEqual([128, 128, 44])
  })
})
