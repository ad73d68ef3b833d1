// How long the server holds an update: from its frame's arrival to its fan-out (validation, the wait
// for the group commit, the commit, the sends). The delivery benchmark asks for it to tell the server's
// share of delivery latency from the load generator's and the machine's (GET /api/metrics when
// SORI_METRICS=1).

/** Samples kept between two calls to read(); beyond that the oldest are overwritten (a window of the latest). */
const CAPACITY = 1 << 16

export interface LatencySummary {
  count: number
  p50: number
  p99: number
  max: number
}

/** Nearest-rank percentile (p in 0..100) of sorted samples; NaN when there are none (bench/ uses it too). */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length
  if (n === 0) return NaN
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))]
}

export class LatencyWindow {
  private samples = new Float64Array(CAPACITY)
  private count = 0

  record(ms: number): void {
    this.samples[this.count % CAPACITY] = ms
    this.count++
  }

  /** Percentiles of the samples since the last read, and a fresh window. */
  read(): LatencySummary {
    const n = Math.min(this.count, CAPACITY)
    const sorted = this.samples.slice(0, n).sort()
    const at = (p: number) => (n === 0 ? 0 : nearestRank(sorted, p))
    const out = { count: this.count, p50: at(50), p99: at(99), max: n ? sorted[n - 1] : 0 }
    this.count = 0
    return out
  }
}
