// BENCH_STALLS=1: prints, as they happen and with their wall-clock time, this thread's GC pauses over
// 10 ms and event-loop stalls over 25 ms, as `BENCH_STALL [who ]gc kind <k> <ms> ms at <epoch ms>` and
// `BENCH_STALL [who ]loop <ms> ms at <epoch ms>`. Plain JavaScript: server-probe.cjs loads it into the
// servers under test (which run no TypeScript loader), and the generator threads (load-thread.ts) too.
'use strict'
const { PerformanceObserver, performance } = require('node:perf_hooks')

/** Starts watching; `who` ('' for the servers) goes before what each line reports. */
function watchStalls(who) {
  const tag = who ? `${who} ` : ''
  const at = (t) => (performance.timeOrigin + t).toFixed(0)
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      if (e.duration > 10)
        console.error(`BENCH_STALL ${tag}gc kind ${e.detail?.kind} ${e.duration.toFixed(1)} ms at ${at(e.startTime)}`)
  }).observe({ entryTypes: ['gc'] })
  let last = performance.now()
  setInterval(() => {
    const now = performance.now()
    if (now - last > 25) console.error(`BENCH_STALL ${tag}loop ${(now - last).toFixed(1)} ms at ${at(last)}`)
    last = now
  }, 5).unref()
}

module.exports = { watchStalls }
