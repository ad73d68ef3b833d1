// The benchmark's statistics: the p50/p99 and medians that BENCHMARKS.md quotes come from these.
import { describe, it, expect } from 'vitest'
import { percentile, median, Samples, ratio, fmt } from '../../bench/lib/stats.ts'

describe('bench statistics', () => {
  it('takes nearest-rank percentiles of unsorted samples', () => {
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i) // 100..1, unsorted
    expect(percentile(xs, 50)).toBe(50)
    expect(percentile(xs, 99)).toBe(99)
    expect(percentile(xs, 100)).toBe(100)
    expect(percentile(xs, 0)).toBe(1)
    expect(percentile([7], 99)).toBe(7)
    expect(percentile([], 50)).toBeNaN()
  })

  it('sorts numerically, not as strings', () => {
    expect(percentile([10, 9, 100, 2], 50)).toBe(9)
    expect(percentile([10, 9, 100, 2], 100)).toBe(100)
  })

  it('takes medians of repetitions, ignoring missing figures', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([NaN, 5, NaN])).toBe(5)
    expect(median([])).toBeNaN()
  })

  it('keeps every sample as it grows', () => {
    const s = new Samples()
    for (let i = 0; i < 5000; i++) s.push(i)
    expect(s.length).toBe(5000)
    expect(s.values()[4999]).toBe(4999)
    expect(percentile(s.values(), 50)).toBe(2499)
  })

  it('prints ratios and missing figures plainly', () => {
    expect(ratio(50, 100)).toBe('0.50x')
    expect(ratio(1, 0)).toBe('-')
    expect(ratio(NaN, 1)).toBe('-')
    expect(fmt(NaN)).toBe('-')
    expect(fmt(1.234, 2)).toBe('1.23')
  })
})
