// Preloaded into the servers under test by the memory benchmark (node --expose-gc --require this):
// on SIGUSR2, run a full garbage collection and print the process's memory use as one line, so that
// the benchmark compares live memory, not garbage that V8 has not collected yet.
'use strict'
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc()
  const m = process.memoryUsage()
  process.stdout.write(`BENCH_MEM ${JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers })}\n`)
})
