// Lighthouse 12 against Debian's Chromium, launched here with a DevTools port (headless=new, the
// project's usual flags), default mobile config: Moto G Power-sized screen, simulated throttling
// (Lantern: 150 ms RTT, 1.6 Mbps, 4x CPU slowdown), performance and accessibility only.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import lighthouse from 'lighthouse'
import { chromium } from 'playwright-core'

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export interface LighthouseResult {
  performance: number
  accessibility: number
  /** metric id → display value */
  metrics: Record<string, string>
  throttling: string
  failedA11y: string[]
  warnings: string[]
  /** the main thread's longest tasks (simulated durations), with the script they are attributed to */
  longTasks: string[]
}

export interface DebugChromium {
  port: number
  stop(): Promise<void>
}

export async function launchDebugChromium(): Promise<DebugChromium> {
  const dir = mkdtempSync(join(tmpdir(), 'sori-lh-'))
  const child: ChildProcess = spawn(
    '/usr/bin/chromium',
    [
      ...CHROMIUM_FLAGS,
      '--headless=new',
      '--remote-debugging-port=0',
      '--remote-debugging-address=127.0.0.1',
      `--user-data-dir=${dir}`,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const port = await new Promise<number>((resolve, reject) => {
    let err = ''
    const timer = setTimeout(() => reject(new Error(`chromium did not open a DevTools port:\n${err}`)), 30_000)
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString()
      const m = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(err)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`chromium exited (${code}):\n${err}`))
    })
  })
  return {
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r))
        child.kill('SIGTERM')
        const t = setTimeout(() => child.kill('SIGKILL'), 5_000)
        await exited
        clearTimeout(t)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Writes localStorage entries for the origin of `url` in the debug Chromium's profile and, with
 * `coldStart`, removes the app's service worker and caches (a signed-in first visit of this version).
 */
export async function prepareOrigin(
  port: number,
  url: string,
  entries: Record<string, string>,
  coldStart: boolean,
): Promise<void> {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`)
  try {
    const page = await browser.contexts()[0].newPage()
    // a static file of the same origin: localStorage is per origin, and the app does not start there
    await page.goto(new URL('/robots.txt', url).href)
    await page.evaluate(
      async ([e, cold]) => {
        for (const [k, v] of Object.entries(e)) localStorage.setItem(k, v)
        if (!cold) return
        for (const r of await navigator.serviceWorker.getRegistrations()) await r.unregister()
        for (const k of await caches.keys()) await caches.delete(k)
      },
      [entries, coldStart] as const,
    )
    if (coldStart) {
      // Lighthouse's own storage reset also empties the HTTP cache; do the same, keeping localStorage
      const cdp = await page.context().newCDPSession(page)
      await cdp.send('Network.clearBrowserCache')
      await cdp.detach()
    }
    await page.close()
  } finally {
    await browser.close()
  }
}

export async function runLighthouse(port: number, url: string, disableStorageReset: boolean): Promise<LighthouseResult> {
  const r = await lighthouse(url, {
    port,
    output: 'json',
    logLevel: 'error',
    onlyCategories: ['performance', 'accessibility'],
    disableStorageReset,
  })
  if (!r) throw new Error('lighthouse returned nothing')
  const lhr = r.lhr
  const pick = [
    'first-contentful-paint',
    'largest-contentful-paint',
    'total-blocking-time',
    'speed-index',
    'cumulative-layout-shift',
    'interactive',
  ]
  const metrics: Record<string, string> = {}
  for (const id of pick) metrics[id] = lhr.audits[id]?.displayValue ?? 'n/a'
  const t = lhr.configSettings.throttling
  const failedA11y = (lhr.categories.accessibility?.auditRefs ?? [])
    .filter((a) => a.weight > 0 && (lhr.audits[a.id]?.score ?? 1) < 1)
    .map((a) => {
      // the first offending element, so that the UI helper knows where to look
      const items = (lhr.audits[a.id]?.details as { items?: { node?: { snippet?: string } }[] } | undefined)?.items ?? []
      const snippet = items[0]?.node?.snippet
      return `${a.id} (${items.length} element${items.length === 1 ? '' : 's'}${snippet ? `, first: ${snippet.slice(0, 120)}` : ''})`
    })
  const tasks = (
    (lhr.audits['long-tasks']?.details as { items?: { url?: string; duration?: number; startTime?: number }[] } | undefined)
      ?.items ?? []
  )
    .slice(0, 3)
    .map(
      (i) =>
        `${Math.round(i.duration ?? 0)} ms at ${Math.round(i.startTime ?? 0)} ms (${(i.url ?? '?').replace(/^https?:\/\/[^/]+\//, '')})`,
    )
  return {
    longTasks: tasks,
    performance: Math.round((lhr.categories.performance?.score ?? 0) * 100),
    accessibility: Math.round((lhr.categories.accessibility?.score ?? 0) * 100),
    metrics,
    throttling: `${lhr.configSettings.formFactor}, ${lhr.configSettings.throttlingMethod} throttling (${t.cpuSlowdownMultiplier}x CPU, ${t.rttMs} ms RTT, ${Math.round(t.throughputKbps)} kbps)`,
    failedA11y,
    warnings: lhr.runWarnings,
  }
}
