// `npm run demo` on a fresh embedded install: it fills it with sample channels and their posts, each
// saying it is a sample; a newcomer then finds them under Friends → Channels, follows one, and reads
// it. Running the demo again adds nothing. Takes docs/screenshots/channels.png for the README.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Browser } from 'playwright-core'
import type { ChannelList } from '../../protocol/channels.ts'
import { startServer, type RunningServer } from '../../server/app.ts'
import { api, signUp, testDist } from '../fixtures/server.ts'
import { ensureBuilt, launch, phone, signInInUi, tab } from './helpers.ts'

const dir = mkdtempSync(join(tmpdir(), 'sori-demo-'))
const databaseUrl = join(dir, 'sori.db')
const demo = () =>
  execFileSync('npx', ['tsx', 'scripts/demo.ts'], { env: { ...process.env, DATABASE_URL: databaseUrl }, encoding: 'utf8' })

let server: RunningServer | undefined
let browser: Browser | undefined
let firstRun = ''
beforeAll(async () => {
  ensureBuilt()
  firstRun = demo()
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    databaseUrl,
    staticDir: existsSync(join(testDist(), 'index.html')) ? testDist() : null,
    signupsPerHour: 0,
  })
  browser = await launch()
}, 120_000)
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

test('the demo fills a fresh install with sample channels a newcomer finds, follows and reads', async () => {
  expect(firstRun).toMatch(/Sample account: @sori\.samples/)
  const s = server!
  const me = await signUp(s, 'newcomer', 'Newcomer')
  const listed = (await api<ChannelList>(s, me.token, 'GET', '/api/channels?q=sample')).body.channels
  expect(listed.map((c) => c.handle).sort()).toEqual(['sample.cinema', 'sample.kitchen', 'sample.music'])
  // each one says it is a sample, in its name and its description
  for (const c of listed) {
    expect(c.name).toContain('(sample)')
    expect(c.description).toContain('sample channel')
  }

  const { context, page } = await phone(browser!)
  await signInInUi(page, s.url, 'newcomer')
  await tab(page, 'Friends').click()
  await page.getByRole('link', { name: 'Channels' }).click()
  const music = page.getByRole('list', { name: 'Channels' }).locator('li', { hasText: 'Starlight Records' })
  await music.getByRole('button', { name: 'Follow', exact: true }).click()
  await music.getByRole('button', { name: 'Unfollow' }).waitFor()
  await music.getByRole('link').click()
  await expect.poll(() => page.locator('.post').count(), { timeout: 20_000 }).toBe(3)
  await page.getByRole('link', { name: 'Listen' }).waitFor()
  await page.screenshot({ path: 'docs/screenshots/channels.png' })
  await context.close()

  // again (with Sori stopped, as the README says): nothing added
  await s.close()
  server = undefined
  expect(demo()).toMatch(/nothing to add/)
}, 180_000)
