// Gives the memory of a burst back to the system once the process is quiet again.
//
// A burst (thousands of sockets connecting, their documents loaded, written, then frozen) leaves V8's
// old space as pages that are mostly holes: objects that lived through a few collections died there.
// V8's own full collections under load move the survivors of only a few such pages, and its memory
// reducer did not run on the idle server: 30 s after the burst of `npm run bench:memory`, 144 MB of heap
// was committed for 60 MB of live objects, and stayed so.
//
// So when the event loop has been nearly idle since the last look (and in the last half second), and
// enough garbage may be there to be worth it (old space grown since the last time, or documents frozen
// or dropped: their Y.Docs are garbage now), the compactor runs full collections in V8's
// optimize-for-memory mode, one at a time: each moves the survivors of the emptiest pages (a few MB at
// most, so RSS does not first grow by the live heap, as it does when every page is compacted at once)
// and gives those pages back.
// It goes on while the old space has that much free room and one of the last two collections freed
// pages, spaced so that collections take at most 5% of the time: each stops the process for as long as
// it marks the live heap (about 1–2 ms per MB here). As V8's own memory reducer would (it starts 8 s
// after a collection), it looks every 5 s.
//
// Garbage it is not told of can die after a series: objects that outlive a freeze by a few seconds, or
// whatever a quiet server drops on a timer. Only marking finds it, so, again as V8's memory reducer does,
// a series that gave pages back is followed by one more collection when the process is quiet a while
// later (followUpMs); that one starts a new series if it finds free room, up to MAX_FOLLOW_UPS in a row.
import v8 from 'node:v8'
import vm from 'node:vm'
import { performance } from 'node:perf_hooks'
import { logger } from './log.ts'

const log = logger('heap')

export interface HeapCompactorOptions {
  /** how often to look, ms */
  checkMs: number
  /** the event loop's utilization since the last look under which the process counts as quiet */
  quietUtilization: number
  /** free room in the old space (or growth and noted garbage since the last time) worth a collection, bytes */
  worthBytes: number
  /** how long after a series that gave pages back one more collection looks for garbage nobody noted, ms */
  followUpMs: number
}

const DEFAULTS: HeapCompactorOptions = {
  checkMs: 5_000,
  quietUtilization: 0.1,
  worthBytes: 8 * 2 ** 20,
  followUpMs: 5_000,
}
/** follow-up collections in a row, each after a series that gave pages back (V8's memory reducer does 3) */
const MAX_FOLLOW_UPS = 3
/** collections take at most 1/PAUSE_SHARE of the time, and are MIN_GAP_MS apart at least */
const PAUSE_SHARE = 20
const MIN_GAP_MS = 1_000
/** a look this soon after enough garbage is noted, rather than at the next period (a freeze sweep makes it in one go) */
const NOTED_LOOK_MS = 1_000
const CONFIRM_MS = 500

let onGarbage: ((bytes: number) => void) | null = null

/** Tells the compactor that about `bytes` of heap just became garbage (nothing happens when none runs). */
export function noteGarbage(bytes: number): void {
  onGarbage?.(bytes)
}

type Gc = () => void

/** V8's gc(): the one --expose-gc gave, or one from a context made after turning the flag on. */
function fullGc(): Gc {
  const given = (globalThis as { gc?: unknown }).gc
  if (typeof given === 'function') return given as Gc
  v8.setFlagsFromString('--expose-gc')
  return vm.runInNewContext('gc') as Gc
}

export function oldSpace(): { committed: number; used: number } {
  const s = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'old_space')
  return { committed: s?.space_size ?? 0, used: s?.space_used_size ?? 0 }
}

/**
 * One full collection that, as V8 does for a tab in the background, empties the emptiest pages. The flag
 * is on for this one synchronous collection only: no JavaScript runs until it is off again.
 */
export function collectForMemory(gc: Gc = fullGc()): void {
  v8.setFlagsFromString('--optimize-for-size')
  try {
    gc()
  } finally {
    v8.setFlagsFromString('--no-optimize-for-size')
  }
}

const mb = (b: number) => +(b / 2 ** 20).toFixed(1)

export function startHeapCompactor(opts: Partial<HeapCompactorOptions> = {}): { stop(): void } {
  const o = { ...DEFAULTS, ...opts }
  const gc = fullGc()
  let reference = oldSpace().committed
  let noted = 0
  let lastAt = -Infinity
  let lastPauseMs = 0
  let elu = performance.eventLoopUtilization()
  let soon: NodeJS.Timeout | null = null
  let confirming: NodeJS.Timeout | null = null
  /** collections go on while there is free room and they free pages; how many in a row freed none */
  let inSeries = false
  let fruitless = 0
  /** whether this series gave pages back */
  let seriesFreed = false
  /** from then on a quiet look collects, worth it or not; follow-ups left in this chain */
  let followUpAt = Infinity
  let followUps = 0

  const lookIn = (ms: number): void => {
    if (soon) return
    soon = setTimeout(() => {
      soon = null
      look()
    }, ms)
    soon.unref()
  }

  const look = (): void => {
    const now = performance.eventLoopUtilization()
    const busy = performance.eventLoopUtilization(now, elu).utilization
    elu = now
    if (busy > o.quietUtilization || confirming) return
    const followUp = performance.now() >= followUpAt
    if (!inSeries && !followUp && oldSpace().committed - reference + noted < o.worthBytes) return
    const wait = lastAt + Math.max(MIN_GAP_MS, PAUSE_SHARE * lastPauseMs) - performance.now()
    if (wait > 0) return inSeries ? lookIn(wait) : undefined
    // quiet on average since the last look may still be busy right now (load that just began): the
    // last CONFIRM_MS must be quiet too
    confirming = setTimeout(() => {
      confirming = null
      const busyNow = performance.eventLoopUtilization(performance.eventLoopUtilization(), now).utilization
      if (busyNow <= o.quietUtilization) collect()
    }, CONFIRM_MS)
    confirming.unref()
  }

  const collect = (): void => {
    if (!inSeries) {
      // a series that garbage made worth it starts a new chain of follow-ups; a follow-up spends one
      if (performance.now() < followUpAt) followUps = MAX_FOLLOW_UPS
      followUpAt = Infinity
      seriesFreed = false
    }
    const before = oldSpace()
    const t0 = performance.now()
    collectForMemory(gc)
    lastAt = performance.now()
    lastPauseMs = lastAt - t0
    const after = oldSpace()
    // the next look judges the process's quiet, not this pause
    elu = performance.eventLoopUtilization()
    // the first collection after a burst often frees no page: V8 picks the pages to empty by what the
    // previous collection found alive on them, and that was before the burst's objects died
    const freed = after.committed < before.committed
    fruitless = freed ? 0 : fruitless + 1
    seriesFreed ||= freed
    noted = 0
    // right after a full collection, what is used is what lives: the rest is free room in committed pages
    inSeries = fruitless < 2 && after.committed - after.used >= o.worthBytes
    log.info('old space collected for memory', {
      committedMB: [mb(before.committed), mb(after.committed)],
      liveMB: mb(after.used),
      pauseMs: +lastPauseMs.toFixed(1),
      more: inSeries,
    })
    if (inSeries) return lookIn(PAUSE_SHARE * lastPauseMs)
    reference = after.committed
    fruitless = 0
    if (seriesFreed && followUps > 0) {
      followUps--
      followUpAt = lastAt + o.followUpMs
      lookIn(o.followUpMs)
    }
  }

  const timer = setInterval(look, o.checkMs)
  timer.unref()
  onGarbage = (bytes) => {
    noted += bytes
    if (noted < o.worthBytes) return
    // quiet from now on, not since the last look: what made the garbage (a freeze sweep) was busy
    elu = performance.eventLoopUtilization()
    lookIn(NOTED_LOOK_MS)
  }
  return {
    stop() {
      clearInterval(timer)
      if (soon) clearTimeout(soon)
      if (confirming) clearTimeout(confirming)
      onGarbage = null
    },
  }
}
