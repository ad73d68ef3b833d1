// Rasterizes public/icons/*.svg into the PNG icons the web manifest names, with the system Chromium.
// Run: npx tsx bench/icons/make-icons.ts (re-run after editing an SVG; the PNGs are committed).
import { chromium } from 'playwright-core'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const dir = fileURLToPath(new URL('../../public/icons/', import.meta.url))
const jobs: Array<[svg: string, size: number, out: string]> = [
  ['icon.svg', 192, 'icon-192.png'],
  ['icon.svg', 512, 'icon-512.png'],
  ['maskable.svg', 512, 'maskable-512.png'],
  ['icon.svg', 180, 'apple-touch-icon.png'],
]

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] })
const page = await browser.newPage()
for (const [svg, size, out] of jobs) {
  const markup = readFileSync(dir + svg, 'utf8')
  await page.setViewportSize({ width: size, height: size })
  await page.setContent(
    `<html><body style="margin:0;background:transparent">${markup.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
  )
  await page.screenshot({ path: dir + out, omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } })
}
await browser.close()
console.log('wrote', jobs.map((j) => j[2]).join(', '))
