// How much of the machine's cores the host takes away from it, measured from inside: one thread per core
// spins on the clock and counts the gaps it sees. On the virtual 2-core machine the benches run on, the
// hypervisor sometimes runs other guests on our vCPUs; the guest's /proc/stat shows no steal time for
// that, yet a thread on such a vCPU stops for up to tens of milliseconds. A delivery latency's p99 over a
// 10 s window is about its 1,500 slowest deliveries, so a few such gaps decide it: the benches measure
// the host's noise next to their figures, so that a bad window can be told from a bad server.
import { Worker } from 'node:worker_threads'
import { availableParallelism } from 'node:os'

export interface HostNoise {
  /** share of the cores' time lost in gaps over 1 ms, over all cores */
  lostShare: number
  /** gaps over 5 ms, over all cores */
  over5ms: number
  /** longest gap on any core, ms */
  maxMs: number
}

/** What one spinning thread reports: ms lost in gaps over 1 ms, gaps over 5 ms, the longest gap in ms. */
interface Gaps {
  lost: number
  over5: number
  max: number
}

// Plain JavaScript, so the thread needs no loader: it spins for `ms` and reports its gaps.
const SPIN = `
const { parentPort, workerData } = require('node:worker_threads')
const end = performance.now() + workerData
let last = performance.now(), lost = 0, over5 = 0, max = 0
for (;;) {
  const t = performance.now()
  const gap = t - last
  if (gap > 1) { lost += gap; if (gap > 5) over5++; if (gap > max) max = gap }
  last = t
  if (t >= end) break
}
parentPort.postMessage({ lost, over5, max })
`

/** Spins one thread per core for `ms` and reports the gaps: run it while nothing else of ours is busy. */
export async function measureHostNoise(ms: number): Promise<HostNoise> {
  const n = availableParallelism()
  const parts = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Gaps>((resolve, reject) => {
          const w = new Worker(SPIN, { eval: true, workerData: ms })
          w.once('message', (m: Gaps) => {
            resolve(m)
            void w.terminate()
          })
          w.once('error', reject)
        }),
    ),
  )
  return {
    lostShare: parts.reduce((s, p) => s + p.lost, 0) / (n * ms),
    over5ms: parts.reduce((s, p) => s + p.over5, 0),
    maxMs: Math.max(...parts.map((p) => p.max)),
  }
}
