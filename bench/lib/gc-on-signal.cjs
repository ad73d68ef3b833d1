// Preloaded into the servers under test by the memory benchmark (node --expose-gc --require this):
// on SIGUSR2, run a full garbage collection and print the process's memory use as one line, so that
// the benchmark compares live memory, not garbage that V8 has not collected yet.
'use strict'
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc()
  // BENCH_HEAP_SNAPSHOT_DIR=<dir>: also write a heap snapshot there (for finding what the memory holds)
  if (process.env.BENCH_HEAP_SNAPSHOT_DIR) require('node:v8').writeHeapSnapshot(require('node:path').join(process.env.BENCH_HEAP_SNAPSHOT_DIR, `${process.pid}-${Date.now()}.heapsnapshot`))
  const m = process.memoryUsage()
  process.stdout.write(`BENCH_MEM ${JSON.stringify({ rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers })}\n`)
})
