// Small statistics for benchmark figures: percentiles of latency samples, medians of repetitions.
import { nearestRank } from '../../server/sync/latency.ts'

/** Nearest-rank percentile (p in 0..100) of unsorted samples, as the server's own figures; NaN when there are none. */
export const percentile = (samples: ArrayLike<number>, p: number): number => nearestRank(Float64Array.from(samples).sort(), p)

export const median = (xs: readonly number[]): number => {
  const v = xs.filter((x) => !Number.isNaN(x))
  return v.length === 0 ? NaN : percentile(v, 50)
}

/** A growable Float64 buffer: latency samples arrive by the hundred thousand, a JS array of boxed numbers would weigh more. */
export class Samples {
  private buf = new Float64Array(1024)
  length = 0
  push(x: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2)
      next.set(this.buf)
      this.buf = next
    }
    this.buf[this.length++] = x
  }
  values(): Float64Array {
    return this.buf.subarray(0, this.length)
  }
}

/** Formats a number with a fixed count of decimals, or '-' for NaN. */
export const fmt = (x: number, decimals = 1): string => (Number.isFinite(x) ? x.toFixed(decimals) : '-')
/** a / b as "1.23x", or '-' when either is missing. */
export const ratio = (a: number, b: number): string =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '-'
