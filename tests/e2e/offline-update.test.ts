// A new version is deployed while a tab runs the old one: the tab offers a reload, and a lazy chunk of
// the old version (gone from the server) still loads, from the service worker's runtime cache.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import { startServer, type RunningServer } from '../../server/app.ts'
import { freshDatabaseUrl } from '../fixtures/databases.ts'
import { buildApp, launch, serviceWorkerControls } from './offline-setup.ts'

let browser: Browser
let server: RunningServer
let site: string

beforeAll(async () => {
  // a deployment of our own that the test can change
  site = mkdtempSync(join(tmpdir(), 'sori-offline-site-'))
  cpSync(buildApp(), site, { recursive: true })
  server = await startServer({ port: 0, host: '127.0.0.1', databaseUrl: await freshDatabaseUrl('sqlite'), staticDir: site })
  browser = await launch()
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  if (site) rmSync(site, { recursive: true, force: true })
})

test('an old tab keeps its lazy chunks after a new version takes over', async () => {
  const page = await (await browser.newContext()).newPage()
  await page.goto(server.url + '/')
  await serviceWorkerControls(page)
  // a lazy route chunk the welcome screen has not loaded
  const chunk = readdirSync(join(site, 'assets')).find((n) => /^Room-.*\.js$/.test(n))
  expect(chunk).toBeTruthy()
  const original = readFileSync(join(site, 'assets', chunk!), 'utf8')

  // deploy "version 2": its service worker no longer lists the chunk, and the server no longer has it
  const sw = readFileSync(join(site, 'sw.js'), 'utf8')
  const entry = new RegExp(`,?\\{"revision":null,"url":"assets/${chunk!.replace(/[.]/g, '\\.')}"\\}`)
  expect(sw).toMatch(entry)
  writeFileSync(join(site, 'sw.js'), sw.replace(entry, '') + '\n// version 2\n')
  rmSync(join(site, 'assets', chunk!))
  expect((await fetch(`${server.url}/assets/${chunk}`)).status).toBe(404)

  // the tab notices the new version and offers a reload; accepting hands over to it
  await page.evaluate(async () => {
    await (await navigator.serviceWorker.getRegistration())?.update()
  })
  await page.getByRole('alert').filter({ hasText: 'A new version of Sori is ready.' }).waitFor({ timeout: 20_000 })
  await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Reload' }).click()])
  await serviceWorkerControls(page)
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/\/sw\.js$/)

  // the old version's chunk still loads (served by the service worker, not the server)
  const got = await page.evaluate(async (url) => {
    const r = await fetch(url)
    return { status: r.status, text: await r.text() }
  }, `/assets/${chunk}`)
  expect(got.status).toBe(200)
  expect(got.text).toBe(original)
  // from the runtime cache: the new version's precache no longer holds it
  const where = await page.evaluate(async (path) => {
    const out: string[] = []
    for (const name of await caches.keys()) {
      const c = await caches.open(name)
      if ((await c.keys()).some((r) => new URL(r.url).pathname === path)) out.push(name)
    }
    return out
  }, `/assets/${chunk}`)
  expect(where).toEqual(['sori-assets'])
})
