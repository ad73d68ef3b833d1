// On a slow network the app's modules take seconds to come: until they run, the page shows Sori's logo
// (from index.html alone), not a blank page; the app's first screen then takes its place.
import type { Route } from 'playwright-core'
import { expect, test } from 'vitest'
import { appHarness, phone } from './helpers.ts'

const app = appHarness()

test("the logo shows while the app's modules are on their way, then the first screen replaces it", async () => {
  const { context, page } = await phone(app.browser)
  const held: Route[] = []
  let release = false
  await page.route(/\/assets\/.*\.js$/, (route) => void (release ? route.continue() : held.push(route)))
  await page.goto(app.server.url, { waitUntil: 'commit' })
  const logo = page.locator('#app .splash img')
  await logo.waitFor({ state: 'visible' })
  await expect(logo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).resolves.toBe(true)
  release = true
  for (const r of held) await r.continue()
  await page.locator('#welcome-form').waitFor()
  await expect(page.locator('#app .splash').count()).resolves.toBe(0)
  await context.close()
})
