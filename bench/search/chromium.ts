// Bundles page.ts with esbuild, serves it on 127.0.0.1 and runs it in headless Chromium, so that the
// benchmark measures the app's real Dexie code over IndexedDB.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { chromium } from 'playwright-core'

export async function runInChromium(count: number, rounds = 5): Promise<void> {
  const out = await build({
    entryPoints: [fileURLToPath(new URL('./page.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  })
  const js = out.outputFiles[0].text
  const server = createServer((req, res) => {
    if (req.url === '/page.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' })
      res.end(js)
      return
    }
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end('<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>')
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  try {
    const page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    await page.waitForFunction(() => 'benchSearch' in globalThis)
    const log = await page.evaluate(
      ([n, r]) => (globalThis as unknown as { benchSearch: (n: number, r: number) => Promise<string[]> }).benchSearch(n, r),
      [count, rounds] as const,
    )
    for (const line of log) console.log(line)
  } finally {
    await browser.close()
    server.close()
  }
}
