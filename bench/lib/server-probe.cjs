// Preloaded into the servers under test by the benchmarks (node --expose-gc --require this), Sori and
// stock alike, so that both are watched the same way:
// - on SIGUSR2, run a full garbage collection and print the process's memory use as one line, so that
//   the memory benchmark compares live memory, not garbage that V8 has not collected yet;
// - asked 'pauses' over the IPC channel, answer how long the event loop was held up since the last ask
//   (monitorEventLoopDelay) and how much of it was garbage collection (the 'gc' performance entries).
//   A frame that arrives while the loop is held waits in the kernel: no metric of the server's own
//   (like Sori's "held" latency, which starts at the frame's arrival in JavaScript) can see that wait.
'use strict'
const { monitorEventLoopDelay, PerformanceObserver, performance, constants } = require('node:perf_hooks')
const { readFileSync } = require('node:fs')

/** CPU seconds of this thread alone (Linux: /proc/thread-self/stat; utime + stime in clock ticks of 10 ms), or NaN. */
function threadCpuS() {
  try {
    const f = readFileSync('/proc/thread-self/stat', 'utf8')
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ')
    return (Number(rest[11]) + Number(rest[12])) / 100
  } catch {
    return NaN
  }
}

// BENCH_ALLOC_PROFILE_DIR=<dir>: a sampling profile of what the server allocates, garbage included (what
// --heap-prof leaves out: it keeps only what is alive at the end), written there when the process exits
if (process.env.BENCH_ALLOC_PROFILE_DIR) {
  const { Session } = require('node:inspector')
  const session = new Session()
  session.connect()
  session.post('HeapProfiler.startSampling', {
    samplingInterval: 16384,
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  })
  process.on('exit', () => {
    // the same thread's session answers synchronously, so this runs before the process is gone
    session.post('HeapProfiler.stopSampling', (err, res) => {
      if (err) return
      const dir = process.env.BENCH_ALLOC_PROFILE_DIR
      require('node:fs').mkdirSync(dir, { recursive: true })
      require('node:fs').writeFileSync(require('node:path').join(dir, `${process.pid}.heapprofile`), JSON.stringify(res.profile))
    })
  })
}

process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc()
  // BENCH_HEAP_SNAPSHOT_DIR=<dir>: also write a heap snapshot there (for finding what the memory holds)
  if (process.env.BENCH_HEAP_SNAPSHOT_DIR)
    require('node:v8').writeHeapSnapshot(
      require('node:path').join(process.env.BENCH_HEAP_SNAPSHOT_DIR, `${process.pid}-${Date.now()}.heapsnapshot`),
    )
  const m = process.memoryUsage()
  // each V8 space's committed and used bytes: which space holds committed pages that nothing lives in
  const spaces = {}
  for (const s of require('node:v8').getHeapSpaceStatistics()) spaces[s.space_name] = [s.space_size, s.space_used_size]
  process.stdout.write(
    `BENCH_MEM ${JSON.stringify({ rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers, spaces })}\n`,
  )
})

if (process.send) {
  // 2 ms: fine enough to see the few-millisecond stalls that make up a 25 ms budget, cheap enough not to matter
  const loop = monitorEventLoopDelay({ resolution: 2 })
  loop.enable()
  const fresh = () => ({ count: 0, totalMs: 0, maxMs: 0, majorCount: 0 })
  let gc = fresh()
  // the share of the window the event loop was not waiting for I/O, and the share its thread was on a core:
  // the difference is time the loop had work but waited for a core (run queue)
  let elu = performance.eventLoopUtilization()
  let cpu0 = threadCpuS()
  let t0 = performance.now()
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      gc.count++
      gc.totalMs += e.duration
      if (e.duration > gc.maxMs) gc.maxMs = e.duration
      // a full (mark-compact) collection, as against a scavenge of the young generation
      if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.majorCount++
    }
  }).observe({ entryTypes: ['gc'] })
  process.on('message', (m) => {
    if (m !== 'pauses') return
    // with BENCH_SERVER_OUT (servers.ts), a line between windows in the server's output: --trace-gc-nvp's
    // lines of one window are those between two of these
    if (process.env.BENCH_SERVER_OUT) process.stdout.write('BENCH_WINDOW_END\n')
    const ms = (ns) => ns / 1e6
    const busy = performance.eventLoopUtilization(elu).utilization
    const cpu1 = threadCpuS()
    const onCpu = (cpu1 - cpu0) / ((performance.now() - t0) / 1000)
    process.send({
      pauses: {
        loopP50: ms(loop.percentile(50)),
        loopP99: ms(loop.percentile(99)),
        loopMax: ms(loop.max),
        loopBusy: busy,
        mainOnCpu: onCpu,
        gc,
      },
    })
    loop.reset()
    gc = fresh()
    elu = performance.eventLoopUtilization()
    cpu0 = cpu1
    t0 = performance.now()
  })
  if (process.env.BENCH_STALLS) require('./stalls.cjs').watchStalls('')
  // the channel must not keep a server alive that was told to stop
  process.channel?.unref()
}
