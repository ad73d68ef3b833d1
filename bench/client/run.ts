// `npm run bench:client`: what the PWA costs a phone. Bytes of the first screen, Lighthouse scores, and
// the time to open a chat with 100 vs 100,000 messages of local history, warm and offline, under 4x CPU
// throttling. Prints figures (never pass/fail) and writes the last run to bench/client/last-run.txt.
// See bench/client/README.md for what each figure means.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { chromium, type Browser } from 'playwright-core'
import type { Session } from '../../protocol/api.ts'
import { PAGE_SIZE } from '../../protocol/limits.ts'
import { startServer, type RunningServer } from '../../server/app.ts'
import { signUp } from '../../tests/fixtures/server.ts'
import { fmt, median, ratio } from '../lib/stats.ts'
import { ROOT } from '../lib/servers.ts'
import { initialBytes, kb, sizeOf, type ChunkSize } from './bytes.ts'
import { CHROMIUM_FLAGS, launchDebugChromium, runLighthouse, prepareOrigin, type LighthouseResult } from './lighthouse.ts'
import { appRowKeys, injectPages, localCount } from './local-history.ts'
import { installProbe, openChat, openFromList, type OpenResult } from './open-chat.ts'
import { createGroup, seedChat } from './seed.ts'
import { sourceMapResolver } from './sourcemaps.ts'

const { values: opt } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    pages: { type: 'string', default: '100' },
    tail: { type: 'string', default: '100' },
    settle: { type: 'string', default: '2000' },
    dist: { type: 'string' },
    'skip-lighthouse': { type: 'boolean', default: false },
    'skip-open': { type: 'boolean', default: false },
    'time-limit': { type: 'string', default: '900' },
  },
})
const RUNS = Number(opt.runs)
const FULL_PAGES = Number(opt.pages)
const TAIL = Number(opt.tail)
const SETTLE_MS = Number(opt.settle)
const CPU_RATE = 4
const SESSION_KEY = 'sori:session' // web/account/session.ts

const out: string[] = []
const log = (s = ''): void => {
  process.stdout.write(s + '\n')
  out.push(s)
}
const note = (s: string): void => console.error(s) // progress: stderr only, not part of the figures
// the in-process server logs with console.log/info: keep stdout for the figures, and count its refusals
const refusals = new Map<string, number>()
console.log = console.info = (...args: unknown[]): void => {
  const line = args.map(String).join(' ')
  const m = /"code":(\d+),"reason":"([^"]*)"/.exec(line)
  if (m) refusals.set(`${m[1]} ${m[2]}`, (refusals.get(`${m[1]} ${m[2]}`) ?? 0) + 1)
  console.error(line)
}

// everything stops by itself
const hardStop = setTimeout(
  () => {
    console.error(`time limit (${opt['time-limit']} s) reached`)
    process.exit(2)
  },
  Number(opt['time-limit']) * 1000,
)
hardStop.unref()

const pad = (s: string, n: number) => s.padEnd(n)
const num = (s: string, n: number) => s.padStart(n)

function buildDist(): string {
  if (opt.dist) return opt.dist
  // a private build (with Vite's manifest) so that the shared dist/ other work serves is not touched
  const dist = join(ROOT, '.tmp', 'bench-client', 'dist')
  note(`building the PWA into ${dist} ...`)
  execFileSync(
    'npx',
    ['vite', 'build', '--outDir', dist, '--emptyOutDir', '--manifest', '--sourcemap', 'hidden', '--logLevel', 'warn'],
    { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] },
  )
  return dist
}

function printBytes(dist: string): void {
  const b = initialBytes(dist)
  log(`== 1. First screen bytes (${b.source}; gzip -9) ==`)
  const row = (c: ChunkSize) => log(`  ${pad(c.file, 44)} ${num(kb(c.raw), 8)} KB  ${num(kb(c.gzip), 7)} KB gzip`)
  log('  JS')
  for (const c of b.js) row(c)
  const jsRaw = b.js.reduce((s, c) => s + c.raw, 0)
  const jsGz = b.js.reduce((s, c) => s + c.gzip, 0)
  log(
    `  ${pad('JS total', 44)} ${num(kb(jsRaw), 8)} KB  ${num(kb(jsGz), 7)} KB gzip   budget ≤ 120 KB (target 100 KB): ${jsGz <= 120 * 1024 ? (jsGz <= 100 * 1024 ? 'within target' : 'within budget, over target') : 'OVER BUDGET'}`,
  )
  log('  CSS')
  for (const c of b.css) row(c)
  const cssGz = b.css.reduce((s, c) => s + c.gzip, 0)
  log(`  ${pad('CSS total', 44)} ${num(kb(b.css.reduce((s, c) => s + c.raw, 0)), 8)} KB  ${num(kb(cssGz), 7)} KB gzip`)
  log(`  ${pad('JS + CSS', 44)} ${num('', 8)}     ${num(kb(jsGz + cssGz), 7)} KB gzip`)
  for (const m of b.mismatch) log(`  note: ${m}`)
  log(`  Locale chunks (budget ≤ 12 KB gzip each; only the active one loads)`)
  for (const c of b.locales)
    log(`  ${pad(c.file, 44)} ${num(kb(c.raw), 8)} KB  ${num(kb(c.gzip), 7)} KB gzip${c.gzip > 12 * 1024 ? '  OVER BUDGET' : ''}`)
}

/** JS and CSS files a real first visit fetches before `selector` shows (fresh context, no service worker). */
async function observedAssets(
  browser: Browser,
  dist: string,
  url: string,
  selector: string,
  session: Session | null,
): Promise<ChunkSize[]> {
  const origin = new URL(url).origin
  const context = await browser.newContext({
    viewport: { width: 360, height: 640 },
    deviceScaleFactor: 2,
    locale: 'en-US',
    hasTouch: true,
    serviceWorkers: 'block',
    storageState: session
      ? { cookies: [], origins: [{ origin, localStorage: [{ name: SESSION_KEY, value: JSON.stringify(session) }] }] }
      : undefined,
  })
  const seen = new Set<string>()
  context.on('request', (r) => {
    const p = new URL(r.url()).pathname
    if (r.url().startsWith(origin) && /\.(js|css)$/.test(p)) seen.add(p.replace(/^\//, ''))
  })
  const page = await context.newPage()
  await page.goto(url)
  await page.locator(selector).first().waitFor({ timeout: 30_000 })
  await context.close()
  return [...seen].map((f) => sizeOf(dist, f)).sort((a, b) => b.gzip - a.gzip)
}

function printObserved(title: string, files: ChunkSize[]): void {
  const js = files.filter((f) => f.file.endsWith('.js'))
  const css = files.filter((f) => f.file.endsWith('.css'))
  const gz = (xs: ChunkSize[]) => kb(xs.reduce((s, c) => s + c.gzip, 0))
  log(
    `  ${title}: JS ${gz(js)} KB gzip in ${js.length} files, CSS ${gz(css)} KB gzip — ${files.map((f) => `${f.file.replace(/^assets\//, '')} ${kb(f.gzip)}`).join(', ')}`,
  )
}

function printLighthouse(name: string, r: LighthouseResult): void {
  log(
    `  ${pad(name, 30)} performance ${num(String(r.performance), 3)}  accessibility ${num(String(r.accessibility), 3)}   ` +
      `FCP ${r.metrics['first-contentful-paint']}, LCP ${r.metrics['largest-contentful-paint']}, TBT ${r.metrics['total-blocking-time']}, ` +
      `SI ${r.metrics['speed-index']}, CLS ${r.metrics['cumulative-layout-shift']}, TTI ${r.metrics.interactive}`,
  )
  if (r.longTasks.length) log(`  ${pad('', 30)} longest tasks: ${r.longTasks.join('; ')}`)
  if (r.failedA11y.length) log(`  ${pad('', 30)} accessibility audits not passed: ${r.failedA11y.join(', ')}`)
  for (const w of r.warnings) log(`  ${pad('', 30)} warning: ${w}`)
}

interface Series {
  name: string
  runs: OpenResult[]
}

function printSeries(s: Series): void {
  const med = (f: (r: OpenResult) => number) => median(s.runs.map(f))
  log(
    `  ${pad(s.name, 26)} first message ${num(
      fmt(
        med((r) => r.frameMs),
        0,
      ),
      6,
    )} ms (DOM ${num(
      fmt(
        med((r) => r.domMs),
        0,
      ),
      5,
    )} ms; runs ${s.runs.map((r) => fmt(r.frameMs, 0)).join('/')}; drawn by the room ${fmt(
      med((r) => r.liveMs),
      0,
    )} ms)  ` +
      `heap ${num(fmt(med((r) => r.heapUsed) / 1048576, 1), 5)} MB  DOM nodes ${num(
        fmt(
          med((r) => r.domNodes),
          0,
        ),
        5,
      )}  .msg ${num(
        fmt(
          med((r) => r.messagesInDom),
          0,
        ),
        3,
      )}  ` +
      `long tasks before/after ${fmt(
        med((r) => r.longTasksBefore),
        0,
      )}/${fmt(
        med((r) => r.longTasksAfter),
        0,
      )} (${fmt(
        med((r) => r.longTaskMsBefore),
        0,
      )} ms before; longest ${fmt(
        med((r) => r.longestTaskMs),
        0,
      )} ms)  CPU ${fmt(
        med((r) => r.slowdown),
        1,
      )}x`,
  )
}

async function main(): Promise<void> {
  const started = Date.now()
  log(
    `Sori client benchmark — ${new Date().toISOString()}; ${cpus().length} cores (${cpus()[0]?.model.trim()}), load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; Chromium /usr/bin/chromium`,
  )
  const dist = buildDist()
  printBytes(dist)

  const work = mkdtempSync(join(tmpdir(), 'sori-bench-client-'))
  let server: RunningServer | null = await startServer({
    port: 0,
    host: '127.0.0.1',
    databaseUrl: join(work, 'sori.db'),
    staticDir: dist,
  })
  const url = server.url
  let browser: Browser | null = null
  try {
    // seed: a writer and a reader in two group chats
    note(`seeding through ${url} ...`)
    const writer = await signUp(server, 'writer', 'Writer')
    const reader = await signUp(server, 'reader', 'Reader')
    const small = await createGroup(url, writer, 'Short chat', [reader.user.id])
    const big = await createGroup(url, writer, 'Long chat', [reader.user.id])
    let t = Date.now()
    await seedChat(url, writer, small, 0, TAIL)
    const bigPages = await seedChat(url, writer, big, FULL_PAGES, TAIL, note)
    const seedMs = Date.now() - t
    const bigTotal = FULL_PAGES * PAGE_SIZE + TAIL

    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
    log('')
    log('== Observed: JS/CSS a first visit actually fetches (fresh profile, no service worker) ==')
    printObserved('sign-in screen', await observedAssets(browser, dist, url, '#welcome-handle', null))
    printObserved('chat list (signed in)', await observedAssets(browser, dist, url, '.chat-row', reader))
    printObserved('chat (signed in, #/chat)', await observedAssets(browser, dist, `${url}/#/chat/${small}`, '.msg', reader))

    if (!opt['skip-lighthouse']) {
      log('')
      note('lighthouse ...')
      const lh = await launchDebugChromium()
      try {
        const signIn = await runLighthouse(lh.port, url + '/', false)
        log(`== 2. Lighthouse ${signIn.throttling} ==`)
        printLighthouse('sign-in page (cold)', signIn)
        const session = { [SESSION_KEY]: JSON.stringify(reader) }
        await prepareOrigin(lh.port, url, session, true)
        printLighthouse('chat list (signed in, cold)', await runLighthouse(lh.port, url + '/', true))
        // the previous run left the app's service worker and its caches behind: a repeat visit
        await prepareOrigin(lh.port, url, session, false)
        printLighthouse('chat list (signed in, repeat)', await runLighthouse(lh.port, url + '/', true))
        // straight into a chat from a cold start: the shell, the signed-in chunk, the room and its newest page
        await prepareOrigin(lh.port, url, session, true)
        printLighthouse('chat room (signed in, cold)', await runLighthouse(lh.port, `${url}/#/chat/${small}`, true))
      } finally {
        await lh.stop()
      }
    }

    if (opt['skip-open']) return
    log('')
    note('opening chats ...')
    const origin = new URL(url).origin
    const context = await browser.newContext({
      viewport: { width: 360, height: 640 },
      deviceScaleFactor: 2,
      locale: 'en-US',
      hasTouch: true,
      storageState: { cookies: [], origins: [{ origin, localStorage: [{ name: SESSION_KEY, value: JSON.stringify(reader) }] }] },
    })
    await installProbe(context)
    const errors: string[] = []
    context.on('weberror', (e) => errors.push(e.error().message))

    // first (cold) visit: the app syncs both chats' heads and newest pages itself, and installs its worker
    const first = await context.newPage()
    t = Date.now()
    await first.goto(`${url}/#/chat/${small}`)
    await first.locator('.msg').first().waitFor({ timeout: 60_000 })
    const coldSmall = Date.now() - t
    t = Date.now()
    await first.goto(`${url}/#/chat/${big}`)
    await first.locator('.msg').first().waitFor({ timeout: 60_000 })
    const coldBig = Date.now() - t
    await first.evaluate(() => navigator.serviceWorker.ready.then(() => undefined))
    await first.waitForTimeout(1500) // the message index writes 300 ms after a change
    const dbName = `sori-${reader.user.id}`
    const keys = await appRowKeys(first, dbName, big)
    const ours = ['body', 'conv', 'from', 'id', 'index', 'page', 'retracted', 'tokens', 'ts']
    if (!keys || keys.join() !== ours.join())
      throw new Error(`the app's message rows have fields ${keys?.join()} (expected ${ours.join()}): update local-history.ts`)
    t = Date.now()
    await injectPages(first, dbName, big, bigPages.slice(0, FULL_PAGES))
    const injectMs = Date.now() - t
    const counts = { small: await localCount(first, dbName, small), big: await localCount(first, dbName, big) }
    await first.close()

    log(
      `== 3. Open a chat: navigation → first rendered message (4x CPU via CDP Emulation.setCPUThrottlingRate; median of ${RUNS}) ==`,
    )
    log(
      `  seeded on the server in ${(seedMs / 1000).toFixed(1)} s: "Short chat" ${TAIL} messages (page 0); "Long chat" ${bigTotal.toLocaleString('en')} messages ` +
        `(${FULL_PAGES} full pages of ${PAGE_SIZE} + ${TAIL} on page ${FULL_PAGES}, the newest)`,
    )
    log(
      `  local history (IndexedDB): Short chat ${counts.small.messages} message rows; Long chat ${counts.big.messages.toLocaleString('en')} message rows ` +
        `(pages 0–${FULL_PAGES - 1} stored in ${(injectMs / 1000).toFixed(1)} s, page ${FULL_PAGES} synced by the app); ${counts.big.updates} Yjs update rows in all`,
    )
    log(
      `  load average now ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    )
    log(
      `  first visit, unthrottled, online, synced from the server: Short chat ${coldSmall} ms (cold app start), then Long chat ${coldBig} ms (in-app navigation)`,
    )

    const opts = { cpuRate: CPU_RATE, settleMs: SETTLE_MS, timeoutMs: 60_000 }
    const warm: Series[] = [
      { name: `warm, ${TAIL} messages`, runs: [] },
      { name: `warm, ${bigTotal.toLocaleString('en')} messages`, runs: [] },
    ]
    const offline: Series[] = [
      { name: `offline, ${TAIL} messages`, runs: [] },
      { name: `offline, ${bigTotal.toLocaleString('en')} messages`, runs: [] },
    ]
    const chats = [small, big]
    for (let i = 0; i < RUNS; i++) {
      // alternate which chat goes first, so that drift on a shared machine hits both alike
      for (const k of i % 2 ? [1, 0] : [0, 1]) warm[k].runs.push(await openChat(context, `${url}/#/chat/${chats[k]}`, opts))
    }
    // the same chats opened by a tap in the chat list (the app already running, as a user opens a chat)
    const tapped: { name: string; runs: number[] }[] = [
      { name: `tap in the list, ${TAIL} messages`, runs: [] },
      { name: `tap in the list, ${bigTotal.toLocaleString('en')} messages`, runs: [] },
    ]
    for (let i = 0; i < RUNS; i++) {
      for (const k of i % 2 ? [1, 0] : [0, 1]) tapped[k].runs.push((await openFromList(context, url, chats[k], opts)).frameMs)
    }
    // one more warm open of the long chat under the sampling profiler (not counted: profiling slows it)
    const prof = (await openChat(context, `${url}/#/chat/${big}`, { ...opts, profile: true, resolve: sourceMapResolver(dist) }))
      .profile
    // offline: the server stops and the network is emulated offline; the shell comes from the service
    // worker's precache, the chat from IndexedDB
    await context.setOffline(true)
    await Promise.race([server.close(), new Promise((r) => setTimeout(r, 10_000))])
    server = null
    for (let i = 0; i < RUNS; i++) {
      for (const k of i % 2 ? [1, 0] : [0, 1]) offline[k].runs.push(await openChat(context, `${url}/#/chat/${chats[k]}`, opts))
    }
    for (const s of [...warm, ...offline]) printSeries(s)
    for (const s of tapped)
      log(
        `  ${pad(s.name, 26)} first message ${num(fmt(median(s.runs), 0), 6)} ms after the tap (runs ${s.runs.map((x) => fmt(x, 0)).join('/')})`,
      )
    const ids = new Map([
      [small, 'short'],
      [big, 'long'],
      [reader.user.id, 'reader'],
    ])
    const named = (d: string) => d.replace(/[a-z0-9]{12}/g, (id) => ids.get(id) ?? id)
    for (const s of warm)
      log(`  ${pad(s.name, 26)} sync sockets opened (first run): ${s.runs[0]?.sockets.map(named).join(' ') || 'none'}`)
    const r = (ss: Series[]) => ratio(median(ss[1].runs.map((x) => x.frameMs)), median(ss[0].runs.map((x) => x.frameMs)))
    const h = (ss: Series[]) => ratio(median(ss[1].runs.map((x) => x.heapUsed)), median(ss[0].runs.map((x) => x.heapUsed)))
    log(
      `  open(${bigTotal.toLocaleString('en')}) / open(${TAIL}): warm ${r(warm)}, offline ${r(offline)}   (budget: within 1.2x); heap ratio warm ${h(warm)}, offline ${h(offline)}`,
    )
    if (prof) {
      log(
        `  where the main thread goes, navigation → first message (one extra profiled warm open of the long chat, 4x CPU; ${fmt(prof.totalMs, 0)} ms of samples, self time):`,
      )
      log(`    by script: ${prof.byScript.map((e) => `${e.name} ${fmt(e.selfMs, 0)}`).join(', ')}`)
      log(`    by function:`)
      for (const e of prof.byFunction) log(`      ${num(fmt(e.selfMs, 1), 7)} ms  ${e.name}`)
    }
    if (refusals.size)
      log(`  server refused client updates while the app ran: ${[...refusals].map(([k, n]) => `${n}x ${k}`).join('; ')}`)
    if (errors.length) log(`  page errors: ${[...new Set(errors)].slice(0, 5).join(' | ')}`)
    await context.close()
    log('')
    log(`total ${((Date.now() - started) / 1000).toFixed(0)} s`)
  } finally {
    await browser?.close()
    await server?.close()
    rmSync(work, { recursive: true, force: true })
    writeFileSync(join(ROOT, 'bench', 'client', 'last-run.txt'), out.join('\n') + '\n')
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    writeFileSync(join(ROOT, 'bench', 'client', 'last-run.txt'), out.join('\n') + `\nFAILED: ${(e as Error).stack}\n`)
    process.exit(1)
  },
)
