// The strip that says the phone is offline sits above the chat and pushes it down while it shows: in every
// language it is one line on a 360 px phone (in German it took three, and the chat jumped as it came and went).
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import { LOCALES } from '../../web/i18n/locales.ts'
import { appHarness, phone } from './helpers.ts'

const app = appHarness()

test('the offline strip is one line on a 360 px phone in all twelve languages', async () => {
  const { context, page } = await phone(app.browser)
  await page.goto(app.server.url)
  await page.locator('form').first().waitFor()
  const texts = LOCALES.map((l) => {
    const bundle = JSON.parse(readFileSync(`locales/${l}.json`, 'utf8')) as { connection: { offline: string } }
    return [l, bundle.connection.offline] as const
  })
  // the strip as the app draws it, in the app's own styles and fonts, each text in its language
  const heights = await page.evaluate((all) => {
    const strip = document.createElement('div')
    strip.className = 'conn-strip conn-strip--offline conn-strip--on'
    document.body.append(strip)
    const out: [string, boolean, number][] = []
    for (const [lang, text] of all) {
      strip.lang = lang
      strip.textContent = 'x'
      const oneLine = strip.getBoundingClientRect().height
      strip.textContent = text
      out.push([lang, strip.getBoundingClientRect().height === oneLine, strip.getBoundingClientRect().width])
    }
    strip.remove()
    return out
  }, texts)
  for (const [lang, oneLine, width] of heights) expect([lang, oneLine, width]).toEqual([lang, true, 360])
  await context.close()
})
