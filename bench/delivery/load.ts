// The delivery load generator: R chats × M members, split over a few worker threads (load-thread.ts), each
// with its share of the chats and of the offered rate. A thread that saturates its core shows its own
// event-loop stalls as delivery latency of whichever server is measured; on a machine with cores to spare,
// more threads keep the generator's loop delay out of the figures (on 2 cores one is best: bench/README.md).
// This side starts the threads, reads the server's CPU and memory from /proc over the window and merges
// the threads' samples. With --nodes (nodes.ts) it reads every node of a cluster, and its Redis, as one server.
import { setTimeout as sleep } from 'node:timers/promises'
import { Worker } from 'node:worker_threads'
import { readdirSync } from 'node:fs'
import { getPriority, setPriority } from 'node:os'
import { HOST, type ServerChild } from '../lib/servers.ts'
import { percentile } from '../lib/stats.ts'
import { cpuMicros, memory, cpuByPid, cpuDelta, machineBusyMicros } from '../lib/proc.ts'
import type { FromThread, ThreadInput, ThreadResult, ToThread } from './load-thread.ts'
import { startCapture, type Capture } from '../lib/capture.ts'
import { startPerf, type PerfPart, type PerfRecording } from '../lib/perf.ts'
import { readFrames } from '../lib/pcap.ts'
import { wireLatency, type WireLatency } from './wire.ts'
import { redisDelta, redisInfo, type RedisChild } from './nodes.ts'

export interface LoadOptions {
  members: number
  /** offered messages per second, over all chats */
  rate: number
  warmupS: number
  durationS: number
  /** after the window, how long to wait at most for the last deliveries and acks */
  drainS: number
  /**
   * Also connect every user to their inbox doc u:<userId>, as the app does: Sori then writes each
   * member's inbox entry (preview, unread count) as messages arrive. The stock server gets the same
   * sockets, but nobody writes those docs there.
   */
  inbox: boolean
  /** generator threads (chats are split between them; a chat lives in one thread) */
  threads: number
  /** Sori's clients ask for acknowledgements (ack=1), as the app does; --no-acks measures without them */
  acks: boolean
  /**
   * The generator's nice value (its threads, and once they are ready every thread of this process). The
   * clients stand in for phones on other machines; on the 2-core machine they share the cores with the
   * server under test, and with a nice value above 0 they take the CPU the server leaves instead of
   * competing with it for every slice.
   */
  nice: number
  /** also measure latency on the wire from a packet capture of the loopback (capture.ts, wire.ts) */
  capture: boolean
  /** also sample the server with Linux perf during the window, and split its CPU into parts (perf.ts) */
  perf: boolean
}

/** One chat as the generator needs it: its id and, per member, the user id and token to connect as. */
export interface ChatSpec {
  convId: string
  members: Array<{
    userId: string
    token: string
    /** --nodes: which node the member's socket connects to (an index into the window's servers); default 0 */
    node?: number
    /** whether the member takes turns writing; default true */
    writes?: boolean
  }>
  /** --nodes: the member whose socket opens (and syncs) before the chat's others, so that its node owns the chat */
  first?: number
}

/** --nodes: every Sori process of a cluster (the window's `server` is the first) and its Redis, measured as one server. */
export interface NodesWindow {
  servers: ServerChild[]
  redis: RedisChild
}

export interface WindowResult {
  server: string
  offered: number
  /** messages written per second during the window */
  achieved: number
  /** messages the generator could not write on time (it fell > 100 ms behind the schedule) */
  skipped: number
  /** deliveries (one message arriving at one receiver) per second during the window */
  deliveriesPerS: number
  latP50: number
  latP99: number
  latMax: number
  ackP50: number
  ackP99: number
  lost: number
  duplicated: number
  unacked: number
  serverCpuUs: number
  cpuPerMessageUs: number
  cpuPerDeliveryUs: number
  /** server CPU as a share of one core over the window */
  serverCores: number
  rssMB: number
  peakRssMB: number
  genCores: number
  /** generator event-loop delay p99, ms: high values mean the generator, not the server, adds latency */
  genLoopP99: number
  /** postgres backends' CPU per message (0 unless the server runs on Postgres) */
  pgCpuPerMessageUs: number
  /** every other process on the machine (other jobs, the OS), cores */
  otherCores: number
  closed: number
  /** Sori: frame arrival → fan-out inside the server (GET /api/metrics), ms; NaN for stock */
  heldP50: number
  heldP99: number
  /** Sori's group commits over the window: per second, updates in each, ms each, and the share of the window inside them */
  commitsPerS: number
  updatesPerCommit: number
  commitMs: number
  commitShare: number
  /** the server's event-loop delay over the window (server-probe.cjs), ms: a frame waits in the kernel that long */
  serverLoopP99: number
  serverLoopMax: number
  /** the share of the window the server's event loop was running, and the share its thread was on a core */
  serverLoopBusy: number
  serverMainOnCpu: number
  /** the server's garbage collection pauses over the window: summed, and the longest, ms */
  serverGcMs: number
  serverGcMaxMs: number
  /** --capture: latency on the wire (wire.ts), ms, NaN without a capture */
  wireP50: number
  wireP99: number
  wireMax: number
  /** deliveries found in the capture, of those the messages written in the window should make */
  wireMatched: number
  wireExpected: number
  /** segments the kernel dropped from the capture, and streams cut short by a drop */
  captureDropped: number
  captureGaps: number
  /** --perf: the server's CPU per message by part (perf.ts), µs; null without it */
  perf: Record<PerfPart, number> | null
  /** Sori processes measured together (server CPU, RSS and commits are their sums) */
  nodes: number
  /** --nodes: the redis-server's CPU, its commands and its network bytes (in + out) per message; NaN without Redis */
  redisCpuPerMessageUs: number
  redisCallsPerMessage: number
  redisBytesPerMessage: number
  /** the commands that made most of the calls, per message */
  redisTop: string
}

interface SoriMetrics {
  held?: { p50: number; p99: number }
  commits?: { commits: number; updates: number; ms: number }
}

/** Sori's metrics since the last read (reading starts a new window); null when the server has none. */
async function readMetrics(server: ServerChild): Promise<SoriMetrics | null> {
  if (server.name !== 'sori') return null
  try {
    const res = await fetch(`http://${HOST}:${server.port}/api/metrics`)
    if (!res.ok) return null
    return (await res.json()) as SoriMetrics
  } catch {
    return null
  }
}

/**
 * Every thread of this process at `nice`, not only the generator threads: V8's GC and compiler helpers
 * and libuv's pool work for the generator too (Linux: setPriority on a thread id changes that thread).
 */
function niceWholeProcess(nice: number): void {
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      if (getPriority(Number(tid)) < nice) setPriority(Number(tid), nice)
    } catch {
      // a thread that ended meanwhile
    }
  }
}

export async function runWindow(
  server: ServerChild,
  specs: ChatSpec[],
  opts: LoadOptions,
  runTag: string,
  cluster?: NodesWindow,
): Promise<WindowResult> {
  const ack = server.name === 'sori' && opts.acks
  const all = cluster?.servers ?? [server]
  const n = Math.max(1, Math.min(opts.threads, specs.length))
  const parts: ChatSpec[][] = Array.from({ length: n }, () => [])
  specs.forEach((s, i) => parts[i % n].push(s))
  // each user's inbox socket goes to the thread of the user's first chat (and with --nodes to that member's node)
  const inboxOf: Array<Array<[string, string, number]>> = parts.map(() => [])
  if (opts.inbox) {
    const seen = new Set<string>()
    parts.forEach((p, t) => {
      for (const s of p)
        for (const m of s.members)
          if (!seen.has(m.userId)) {
            seen.add(m.userId)
            inboxOf[t].push([m.userId, m.token, m.node ?? 0])
          }
    })
  }
  const threads = parts.map((p, t) => {
    const input: ThreadInput = {
      ports: all.map((s) => s.port),
      ack,
      specs: p,
      inboxUsers: inboxOf[t],
      opts,
      rate: (opts.rate * p.length) / specs.length,
      runTag: `${runTag}${t}`,
      trace: !!process.env.BENCH_TRACE,
    }
    // the thread is TypeScript: it registers tsx's loader itself (execArgv's --import does not reach a worker's entry)
    const entry = JSON.stringify(new URL('./load-thread.ts', import.meta.url).href)
    const w = new Worker(`import('tsx/esm/api').then((m) => { m.register(); return import(${entry}) })`, {
      eval: true,
      workerData: input,
    })
    let onReady!: () => void
    const ready = new Promise<void>((r) => {
      onReady = r
    })
    const result = new Promise<ThreadResult>((resolve, reject) => {
      w.on('message', (m: FromThread) => {
        if (m.type === 'ready') onReady()
        else if (m.type === 'done') resolve(m.result)
        else reject(new Error(`generator thread ${t}: ${m.message}`))
      })
      w.on('error', reject)
    })
    // a thread that fails before it is ready fails the wait for it too
    return { w, ready: Promise.race([ready, result.then(() => {})]), result }
  })
  let capture: Capture | null = null
  let perf: PerfRecording | null = null
  try {
    await Promise.all(threads.map((t) => t.ready))
    if (opts.nice > 0) niceWholeProcess(opts.nice)
    // from before the first message, so that every stream starts at a frame's first byte
    if (opts.capture) capture = await startCapture(server.port)
    for (const t of threads) t.w.postMessage({ type: 'go' } satisfies ToThread)

    await sleep(opts.warmupS * 1000)
    const pgBefore = server.storage === 'postgres' ? cpuByPid('postgres') : null
    const cpu0 = sumOf(all, (s) => cpuMicros(s.pid))
    const redis0 = cluster ? { cpu: cpuMicros(cluster.redis.pid), info: await redisInfo(cluster.redis.port) } : null
    // process-wide: every generator thread
    const gen0 = process.cpuUsage()
    const box0 = machineBusyMicros()
    await Promise.all(all.map(readMetrics))
    await Promise.all(all.map((s) => s.pauses()))
    if (opts.perf) perf = await startPerf(server.pid)
    const t0 = performance.now()
    const wallFrom = Date.now()
    if (process.env.BENCH_STALLS) console.error(`BENCH_STALL window of ${server.label} from ${wallFrom}`)
    await sleep(opts.durationS * 1000)
    const cpu1 = sumOf(all, (s) => cpuMicros(s.pid))
    const perfDone = perf?.stop()
    perf = null
    const redis1 = cluster ? { cpu: cpuMicros(cluster.redis.pid), info: await redisInfo(cluster.redis.port) } : null
    const gen1 = process.cpuUsage(gen0)
    const box1 = machineBusyMicros()
    const pgAfter = pgBefore ? cpuByPid('postgres') : null
    const mems = all.map((s) => memory(s.pid))
    const mem = { rss: sumOf(mems, (m) => m.rss), peak: sumOf(mems, (m) => m.peak) }
    const windowS = (performance.now() - t0) / 1000
    const metrics = await Promise.all(all.map(readMetrics))
    // each node's own percentiles cannot be merged: the worst node's
    const held = metrics.some((m) => m?.held)
      ? { p50: maxOf(metrics, (m) => m?.held?.p50), p99: maxOf(metrics, (m) => m?.held?.p99) }
      : undefined
    const commits = metrics.some((m) => m?.commits)
      ? {
          commits: sumOf(metrics, (m) => m?.commits?.commits ?? 0),
          updates: sumOf(metrics, (m) => m?.commits?.updates ?? 0),
          ms: sumOf(metrics, (m) => m?.commits?.ms ?? 0),
        }
      : undefined
    const allPauses = await Promise.all(all.map((s) => s.pauses()))
    const pauses = {
      loopP99: maxOf(allPauses, (p) => p.loopP99),
      loopMax: maxOf(allPauses, (p) => p.loopMax),
      loopBusy: sumOf(allPauses, (p) => p.loopBusy) / all.length,
      mainOnCpu: sumOf(allPauses, (p) => p.mainOnCpu) / all.length,
      gc: { totalMs: sumOf(allPauses, (p) => p.gc.totalMs), maxMs: maxOf(allPauses, (p) => p.gc.maxMs) },
    }
    // BENCH_HEAP_SNAPSHOT_DIR=<dir>: a heap snapshot of the server at the window's end (server-probe.cjs)
    if (process.env.BENCH_HEAP_SNAPSHOT_DIR) for (const s of all) await s.liveMemory()

    const rs = await Promise.all(threads.map((t) => t.result))
    let wire: WireLatency | null = null
    let cap = { dropped: NaN, gaps: NaN }
    if (capture) {
      const { dropped } = await capture.stop()
      const { frames, stats } = readFrames(capture.file, server.port)
      wire = wireLatency(frames, wallFrom, wallFrom + opts.durationS * 1000, opts.members)
      cap = { dropped, gaps: stats.gaps }
    }
    const cat = (pick: (r: ThreadResult) => Float64Array) => {
      const all = new Float64Array(rs.reduce((s, r) => s + pick(r).length, 0))
      let o = 0
      for (const r of rs) {
        all.set(pick(r), o)
        o += pick(r).length
      }
      return all
    }
    const sum = (pick: (r: ThreadResult) => number) => rs.reduce((s, r) => s + pick(r), 0)
    const lat = cat((r) => r.lat)
    const ackLat = cat((r) => r.ackLat)
    if (rs[0].trace)
      printTrace(
        server.label,
        cat((r) => r.trace!),
      )
    const msgs = sum((r) => r.writtenInWindow)
    const deliveries = sum((r) => r.deliveriesInWindow)
    const threadWindowS = Math.max(...rs.map((r) => r.windowMs)) / 1000
    const serverCpuUs = cpu1 - cpu0
    const genUs = gen1.user + gen1.system
    const pgUs = pgBefore && pgAfter ? cpuDelta(pgBefore, pgAfter) : 0
    const redisUs = redis0 && redis1 ? redis1.cpu - redis0.cpu : 0
    const rd = redis0 && redis1 ? redisDelta(redis0.info, redis1.info) : null
    const perMsg = Math.max(1, msgs)
    const profile = perfDone ? await perfDone : null
    // perf recorded for its own span of the window: per message at the window's rate
    const perfPerMsg = profile
      ? (Object.fromEntries(
          Object.entries(profile.us).map(([k, us]) => [k, us / Math.max(1, (msgs / threadWindowS) * profile.recordedS)]),
        ) as Record<PerfPart, number>)
      : null
    return {
      server: cluster ? `sori × ${all.length} nodes (${server.storage} + redis)` : `${server.label} (${server.storage})`,
      offered: opts.rate,
      achieved: msgs / threadWindowS,
      skipped: sum((r) => r.skippedInWindow),
      deliveriesPerS: deliveries / threadWindowS,
      latP50: percentile(lat, 50),
      latP99: percentile(lat, 99),
      latMax: percentile(lat, 100),
      ackP50: ack ? percentile(ackLat, 50) : NaN,
      ackP99: ack ? percentile(ackLat, 99) : NaN,
      lost: sum((r) => r.missing),
      duplicated: sum((r) => r.dups),
      unacked: sum((r) => r.unacked),
      serverCpuUs,
      cpuPerMessageUs: serverCpuUs / Math.max(1, msgs),
      cpuPerDeliveryUs: serverCpuUs / Math.max(1, deliveries),
      serverCores: serverCpuUs / (windowS * 1e6),
      rssMB: mem.rss / 2 ** 20,
      peakRssMB: mem.peak / 2 ** 20,
      genCores: genUs / (windowS * 1e6),
      genLoopP99: Math.max(...rs.map((r) => r.loopP99Ms)),
      pgCpuPerMessageUs: pgUs / Math.max(1, msgs),
      otherCores: Math.max(0, box1 - box0 - serverCpuUs - genUs - pgUs - redisUs) / (windowS * 1e6),
      closed: sum((r) => r.closed),
      heldP50: held?.p50 ?? NaN,
      heldP99: held?.p99 ?? NaN,
      commitsPerS: commits ? commits.commits / windowS : NaN,
      updatesPerCommit: commits && commits.commits ? commits.updates / commits.commits : NaN,
      commitMs: commits && commits.commits ? commits.ms / commits.commits : NaN,
      // with several nodes: the mean over them
      commitShare: commits ? commits.ms / 1000 / windowS / all.length : NaN,
      serverLoopP99: pauses.loopP99,
      serverLoopMax: pauses.loopMax,
      serverLoopBusy: pauses.loopBusy,
      serverMainOnCpu: pauses.mainOnCpu,
      serverGcMs: pauses.gc.totalMs,
      serverGcMaxMs: pauses.gc.maxMs,
      wireP50: wire ? percentile(wire.samples, 50) : NaN,
      wireP99: wire ? percentile(wire.samples, 99) : NaN,
      wireMax: wire ? percentile(wire.samples, 100) : NaN,
      wireMatched: wire ? wire.matched : NaN,
      wireExpected: wire ? wire.expected : NaN,
      captureDropped: cap.dropped,
      captureGaps: cap.gaps,
      perf: perfPerMsg,
      nodes: all.length,
      redisCpuPerMessageUs: rd ? redisUs / perMsg : NaN,
      redisCallsPerMessage: rd ? rd.calls / perMsg : NaN,
      redisBytesPerMessage: rd ? rd.bytes / perMsg : NaN,
      redisTop: rd
        ? rd.byCommand
            .slice(0, 6)
            .map(([cmd, n]) => `${cmd} ${(n / perMsg).toFixed(3)}`)
            .join(', ')
        : '',
    }
  } finally {
    if (capture) {
      await capture.stop()
      capture.remove()
    }
    if (perf) await perf.stop().catch(() => {})
    await Promise.all(threads.map((t) => t.w.terminate()))
  }
}

const sumOf = <T>(xs: readonly T[], f: (x: T) => number): number => xs.reduce((s, x) => s + f(x), 0)
/** the largest defined value, NaN when there is none */
const maxOf = <T>(xs: readonly T[], f: (x: T) => number | undefined): number =>
  xs.reduce((m, x) => {
    const v = f(x)
    return v === undefined || Number.isNaN(v) ? m : Number.isNaN(m) ? v : Math.max(m, v)
  }, NaN)

/** BENCH_TRACE=1: when, in the window, the slow deliveries were written (to see stalls' rhythm). */
function printTrace(name: string, v: Float64Array): void {
  const worst = new Map<number, number>()
  for (let i = 0; i < v.length; i += 2) {
    const b = Math.floor(v[i] / 100)
    worst.set(b, Math.max(worst.get(b) ?? 0, v[i + 1]))
  }
  const slow = [...worst].filter(([, l]) => l > 50).sort((x, y) => x[0] - y[0])
  console.log(
    `  trace ${name}: 100 ms slots of the window whose worst latency > 50 ms: ${slow.map(([b, l]) => `${(b / 10).toFixed(1)}s:${l.toFixed(0)}ms`).join(' ')}`,
  )
}
