// The phone's side of media, in real Chromium against the real server (run by run.ts after the server
// figures, or alone with --client-only): two phones, each page at 4x CPU (CDP) on a 10/5 Mbit/s, 40 ms
// link. (1) Send → what the receiver sees: the time from the sender's pick of a 12-megapixel camera JPEG
// to the receiver's placeholder and to the full image, median of N. (2) Ten such photos picked at once:
// the sender's long tasks (main thread) while they are prepared (resized and hashed in a worker) and sent.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import type { Chat, Session } from '../../protocol/api.ts'
import { startServer } from '../../server/app.ts'
import { api, signUp } from '../../tests/fixtures/server.ts'
import { CHROMIUM_FLAGS } from '../client/lighthouse.ts'
import { ROOT } from '../lib/servers.ts'
import { fmt, median } from '../lib/stats.ts'

const CPU_RATE = 4
const NETWORK = { offline: false, latency: 40, downloadThroughput: (10e6 / 8) | 0, uploadThroughput: (5e6 / 8) | 0 }

/** A camera's photo: 4,000 × 3,000 (12 megapixels), gradients and grain, JPEG 90 (about 1 MB). */
async function cameraPhoto(seed: number): Promise<Buffer> {
  const w = 1000
  const h = 750
  const px = Buffer.alloc(w * h * 3)
  let x = seed
  for (let i = 0; i < px.length; i += 3) {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    const p = i / 3
    px[i] = ((p % w) * 255) / w + (x & 15)
    px[i + 1] = (Math.floor(p / w) * 255) / h + ((x >> 4) & 15)
    px[i + 2] = (seed * 40 + (x & 31)) & 255
  }
  return sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .resize(4000, 3000)
    .jpeg({ quality: 90 })
    .toBuffer()
}

/**
 * Watches the receiver's page: for each media message (by id, in the order they arrive), when its
 * placeholder and its picture were first on screen (Date.now()). The list is virtual: rows that scroll
 * out are not in the page, so each is judged while it is.
 */
const WATCH = `(() => {
  const w = window
  w.__media = {}
  w.__order = []
  new MutationObserver(() => {
    for (const row of document.querySelectorAll('#app .msg--theirs.msg--media')) {
      const id = row.getAttribute('data-msg-id')
      if (!id) continue
      let m = w.__media[id]
      if (!m) { m = w.__media[id] = { ph: 0, img: 0 }; w.__order.push(id) }
      if (!m.ph && row.querySelector('.media-photo__ph')) m.ph = Date.now()
      if (!m.img && row.querySelector('.media-photo__img.is-shown')) m.img = Date.now()
    }
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['class'] })
  w.__long = []
  new PerformanceObserver((l) => { for (const e of l.getEntries()) w.__long.push(e.duration) }).observe({ type: 'longtask' })
})()`

interface Watched {
  __media: Record<string, { ph: number; img: number }>
  __order: string[]
}

async function phonePage(context: BrowserContext, url: string, session: Session, convId: string): Promise<Page> {
  await context.addInitScript(WATCH)
  await context.addInitScript((s) => localStorage.setItem('sori:session', s), JSON.stringify(session))
  const page = await context.newPage()
  await page.goto(`${url}/#/chat/${convId}`)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
  const cdp = await context.newCDPSession(page)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_RATE })
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', NETWORK)
  return page
}

/** Picks files from disk, as a phone's picker hands them over (bytes passed as buffers would be decoded in the page's own thread). */
async function pick(page: Page, files: string[]): Promise<void> {
  const [chooser] = await Promise.all([
    page.waitForEvent('filechooser'),
    page.getByRole('button', { name: 'Send a photo or file' }).click(),
  ])
  await chooser.setFiles(files)
}

export async function runClient(log: (s: string) => void, runs: number): Promise<void> {
  const dist = join(ROOT, '.tmp', 'bench-media', 'dist')
  execFileSync('npx', ['vite', 'build', '--outDir', dist, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  })
  const work = mkdtempSync(join(tmpdir(), 'sori-bench-media-client-'))
  const server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: join(work, 'sori.db'), staticDir: dist })
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS })
  try {
    const ann = await signUp(server, 'ann', 'Ann')
    const ben = await signUp(server, 'ben', 'Ben')
    await api(server, ann.token, 'POST', '/api/friends', { userId: ben.user.id })
    const chat = (await api<Chat>(server, ann.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body
    const phone = () => browser.newContext({ viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, locale: 'en-US' })
    const a = await phonePage(await phone(), server.url, ann, chat.id)
    const b = await phonePage(await phone(), server.url, ben, chat.id)
    const bytes = await Promise.all(Array.from({ length: Math.max(runs, 10) }, (_, i) => cameraPhoto(i + 1)))
    const photos = bytes.map((b, i) => {
      const path = join(work, `IMG_${i}.jpg`)
      writeFileSync(path, b)
      return path
    })
    log('')
    log(
      `== Client: a ${(bytes[0].length / 1e6).toFixed(1)} MB, 4,000 × 3,000 JPEG from phone to phone (both at ${CPU_RATE}x CPU, 10/5 Mbit/s, 40 ms; median of ${runs}) ==`,
    )

    const ph: number[] = []
    const img: number[] = []
    for (let i = 0; i < runs; i++) {
      const t0 = Date.now()
      await pick(a, [photos[i]])
      await b.waitForFunction(
        (n) => (window as unknown as Watched).__media[(window as unknown as Watched).__order[n]]?.img > 0,
        i,
        {
          timeout: 120_000,
          polling: 50,
        },
      )
      const m = await b.evaluate((n) => (window as unknown as Watched).__media[(window as unknown as Watched).__order[n]], i)
      ph.push(m.ph - t0)
      img.push(m.img - t0)
    }
    log(`  pick → receiver's placeholder ${fmt(median(ph), 0)} ms (runs ${ph.map((x) => fmt(x, 0)).join('/')})`)
    log(`  pick → receiver's full image  ${fmt(median(img), 0)} ms (runs ${img.map((x) => fmt(x, 0)).join('/')})`)

    // ten at once: the sender's main thread while they are prepared and sent
    await a.evaluate(() => ((window as unknown as { __long: number[] }).__long = []))
    const t0 = Date.now()
    await pick(a, photos.slice(0, 10))
    // every one of them in the receiver's chat (its placeholder drawn), and the sender's outbox empty
    await b.waitForFunction((n) => (window as unknown as Watched).__order.length >= n, runs + 10, {
      timeout: 300_000,
      polling: 100,
    })
    const all = Date.now() - t0
    await a.locator('#app .msg--out').first().waitFor({ state: 'detached', timeout: 120_000 })
    const long = await a.evaluate(() => (window as unknown as { __long: number[] }).__long)
    log(
      `  10 photos picked at once: all 10 in the receiver's chat in ${fmt(all / 1000, 1)} s; the sender's long tasks meanwhile: ${long.length}, longest ${fmt(Math.max(0, ...long), 0)} ms, over 100 ms: ${long.filter((d) => d > 100).length}`,
    )
  } finally {
    await browser.close()
    await server.close()
    rmSync(work, { recursive: true, force: true })
  }
}
