// One measured open of a chat: a fresh tab of the same browser context (same IndexedDB, service worker
// and HTTP cache), 4x CPU throttling through CDP, navigation straight to #/chat/<id>, and the time from
// the navigation's start (performance.timeOrigin) to the first message row in the DOM and to the next
// animation frame after it (what the user sees). A room's last look painted at start (web/boot/boot.js) counts
// as the first message; the frame after the room's own first message row (in #app, live) is timed apart.
// Then, after a settle time, the JS heap after GC.
import type { BrowserContext } from 'playwright-core'

/** Installed before any of the app's scripts: watches for the first `.msg` and counts long tasks. */
const PROBE = `(() => {
  const w = window
  w.__bench = { dom: 0, frame: 0, live: 0, longTasks: [] }
  try {
    new PerformanceObserver((l) => { for (const e of l.getEntries()) w.__bench.longTasks.push([e.startTime, e.duration]) })
      .observe({ type: 'longtask', buffered: true })
  } catch {}
  const seen = () => {
    if (w.__bench.dom || !document.querySelector('.msg')) return false
    w.__bench.dom = performance.now()
    requestAnimationFrame(() => { w.__bench.frame = performance.now() })
    return true
  }
  const live = () => {
    if (w.__bench.live || !document.querySelector('#app .msg')) return false
    requestAnimationFrame(() => { w.__bench.live = performance.now() })
    return true
  }
  new MutationObserver((_, obs) => { seen(); if (live()) obs.disconnect() }).observe(document, { childList: true, subtree: true })
})()`

export interface OpenResult {
  /** navigation start → first .msg element inserted */
  domMs: number
  /** navigation start → the animation frame after it */
  frameMs: number
  /** navigation start → the animation frame after the room's own first message row (not a painted last look) */
  liveMs: number
  /** long tasks (> 50 ms, throttled) between navigation start and the first message frame */
  longTasksBefore: number
  longTaskMsBefore: number
  /** long tasks in the settle time after the first message */
  longTasksAfter: number
  longestTaskMs: number
  heapUsed: number
  domNodes: number
  messagesInDom: number
  /** measured slowdown of a fixed JS loop, throttled vs not, in this tab after the navigation (checks the emulation held) */
  slowdown: number
  /** documents the tab opened a sync socket for (online runs) */
  sockets: string[]
}

/** ms for a fixed busy loop in the page */
const loop = `(() => { let best = Infinity, x = 0; for (let r = 0; r < 3; r++) { const t = performance.now(); for (let i = 0; i < 1e7; i++) x = (x * 31 + i) % 1000003; best = Math.min(best, performance.now() - t) } return [best, x] })()`

export async function installProbe(context: BrowserContext): Promise<void> {
  await context.addInitScript(PROBE)
}

export interface ProfileEntry {
  name: string
  selfMs: number
}
export interface OpenProfile {
  byFunction: ProfileEntry[]
  byScript: ProfileEntry[]
  totalMs: number
}

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
  columnNumber: number
}
interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[]
  samples?: number[]
  timeDeltas?: number[]
}

/** Maps a built file's position (0-based line and column) to its source (from the build's source maps). */
export type Resolve = (file: string, line: number, column: number) => { source: string; line: number; name: string | null } | null

/** Self time per function and per source file from a CDP CPU profile. */
function summarize(p: CpuProfile, resolve: Resolve | undefined): OpenProfile {
  const byId = new Map(p.nodes.map((n) => [n.id, n.callFrame]))
  const fn = new Map<string, number>()
  const script = new Map<string, number>()
  let total = 0
  const samples = p.samples ?? []
  const deltas = p.timeDeltas ?? []
  for (let i = 0; i < samples.length; i++) {
    const cf = byId.get(samples[i])
    const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000
    if (!cf) continue
    if (cf.functionName === '(idle)' || cf.functionName === '(program)') continue
    const built = cf.url ? cf.url.replace(/^https?:\/\/[^/]+\//, '') : ''
    const orig = built ? resolve?.(built, cf.lineNumber, cf.columnNumber) : null
    const file = orig ? orig.source : built ? built.replace(/^assets\//, '') : `(${cf.functionName || 'native'})`
    total += ms
    const key = orig
      ? `${orig.name || cf.functionName || '(anonymous)'} ${orig.source}:${orig.line}`
      : `${cf.functionName || '(anonymous)'} ${file}${cf.url ? `:${cf.lineNumber + 1}:${cf.columnNumber + 1}` : ''}`
    fn.set(key, (fn.get(key) ?? 0) + ms)
    script.set(file, (script.get(file) ?? 0) + ms)
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, selfMs]) => ({ name, selfMs }))
  return { byFunction: top(fn, 12), byScript: top(script, 8), totalMs: total }
}

export async function openChat(
  context: BrowserContext,
  url: string,
  opts: { cpuRate: number; settleMs: number; timeoutMs: number; profile?: boolean; resolve?: Resolve },
): Promise<OpenResult & { profile?: OpenProfile }> {
  const page = await context.newPage()
  try {
    const sockets: string[] = []
    page.on('websocket', (ws) => sockets.push(decodeURIComponent(new URL(ws.url()).pathname.replace(/^\/sync\//, ''))))
    const cdp = await context.newCDPSession(page)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: opts.cpuRate })
    await cdp.send('Performance.enable')
    if (opts.profile) {
      await cdp.send('Profiler.enable')
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 })
      await cdp.send('Profiler.start')
    }
    await page.goto(url, { waitUntil: 'commit', timeout: opts.timeoutMs })
    await page.waitForFunction(() => (window as unknown as { __bench: { live: number } }).__bench?.live > 0, null, {
      timeout: opts.timeoutMs,
      polling: 50,
    })
    const profile = opts.profile ? summarize((await cdp.send('Profiler.stop')).profile as CpuProfile, opts.resolve) : undefined
    await page.waitForTimeout(opts.settleMs)
    const b = await page.evaluate(
      () =>
        (window as unknown as { __bench: { dom: number; frame: number; live: number; longTasks: [number, number][] } }).__bench,
    )
    const before = b.longTasks.filter(([s]) => s < b.frame)
    const after = b.longTasks.filter(([s]) => s >= b.frame)
    await cdp.send('HeapProfiler.collectGarbage')
    const { metrics } = await cdp.send('Performance.getMetrics')
    const metric = (n: string) => metrics.find((m) => m.name === n)?.value ?? 0
    const messagesInDom = await page.locator('.msg').count()
    const slow = ((await page.evaluate(loop)) as [number, number])[0]
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 })
    const fast = ((await page.evaluate(loop)) as [number, number])[0]
    await cdp.detach()
    return {
      domMs: b.dom,
      frameMs: b.frame,
      liveMs: b.live,
      longTasksBefore: before.length,
      longTaskMsBefore: before.reduce((s, [, d]) => s + d, 0),
      longTasksAfter: after.length,
      longestTaskMs: Math.max(0, ...b.longTasks.map(([, d]) => d)),
      heapUsed: metric('JSHeapUsedSize'),
      domNodes: metric('Nodes'),
      messagesInDom,
      slowdown: slow / fast,
      profile,
      sockets: [...new Set(sockets)].sort(),
    }
  } finally {
    await page.close()
  }
}

/**
 * One measured tap on a chat in the list: the app is started at #/chats unthrottled and left to settle,
 * then, at `cpuRate`, the chat's row is clicked and the time runs from the click to the animation frame
 * after the first message row (what a user who opens a chat from the list waits for).
 */
export async function openFromList(
  context: BrowserContext,
  url: string,
  convId: string,
  opts: { cpuRate: number; settleMs: number; timeoutMs: number },
): Promise<{ domMs: number; frameMs: number }> {
  const page = await context.newPage()
  try {
    await page.goto(`${url}/#/chats`, { waitUntil: 'commit', timeout: opts.timeoutMs })
    const row = page.locator(`a.chat-row[href="#/chat/${convId}"]`)
    await row.waitFor({ timeout: opts.timeoutMs })
    await page.waitForTimeout(opts.settleMs)
    const cdp = await context.newCDPSession(page)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: opts.cpuRate })
    const t0 = await page.evaluate((id) => {
      const w = window as unknown as { __bench: { dom: number; frame: number }; __t0: number }
      w.__t0 = performance.now()
      document.querySelector<HTMLAnchorElement>(`a.chat-row[href="#/chat/${id}"]`)!.click()
      return w.__t0
    }, convId)
    await page.waitForFunction(() => (window as unknown as { __bench: { frame: number } }).__bench?.frame > 0, null, {
      timeout: opts.timeoutMs,
      polling: 50,
    })
    const b = await page.evaluate(() => (window as unknown as { __bench: { dom: number; frame: number } }).__bench)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 })
    await cdp.detach()
    return { domMs: b.dom - t0, frameMs: b.frame - t0 }
  } finally {
    await page.close()
  }
}
