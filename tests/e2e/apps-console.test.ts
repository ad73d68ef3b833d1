// My apps (Sori Link), as a developer uses them: registering an app from Settings, its secret shown once
// (gone after a reload), the public app key its pages carry, editing it, a new key (the old one finds
// nothing), turning it off and on, and details the server refuses, which change nothing.
import { expect, test } from 'vitest'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import type { AppPublic } from '../../protocol/link.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, phone, signInInUi, tab } from './helpers.ts'

const app = appHarness()

const byKey = (key: string) => api<AppPublic>(app.server, null, 'GET', `/api/apps/key/${encodeURIComponent(key)}`)

/** The app key as the app's screen shows it. */
const shownKey = (page: Page) => page.getByRole('region', { name: 'App key' }).locator('code').first().innerText()

/** Answers a confirmation sheet with its action. */
async function confirm(page: Page, action: string): Promise<void> {
  const sheet = page.getByRole('dialog')
  await sheet.getByRole('button', { name: action }).click()
  await sheet.waitFor({ state: 'detached' })
}

test('a developer registers an app, keeps its secret once, edits it, rotates its key and turns it off and on', async () => {
  await signUp(app.server, 'dev.ann', 'Ann')
  const { page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'dev.ann')

  // from Settings to My apps, and registering one with two domains
  await page.evaluate(() => (location.hash = '#/settings'))
  await page.getByRole('link', { name: 'My apps' }).click()
  await page.getByText('No apps yet.').waitFor()
  // the tab it was reached from stays the current one
  await expect(tab(page, 'Settings').getAttribute('aria-current')).resolves.toBe('page')
  expect(await page.locator('.tabbar [aria-current="page"]').count()).toBe(1)
  await page.getByRole('button', { name: 'Register an app' }).click()
  await page.getByLabel('App name').fill('Battle Cats')
  // each field is named by its label alone; its hint describes it
  const domains = page.getByLabel('Web domains', { exact: true })
  expect(await domains.getAttribute('aria-describedby')).toBe('app-domains-hint')
  await page.getByLabel('Launch URL (optional)', { exact: true }).waitFor()
  await page.getByLabel('Webhook URL (optional)', { exact: true }).waitFor()
  await domains.fill('https://battle.example\nhttp://localhost:5173')
  await page.getByRole('button', { name: 'Register', exact: true }).click()

  // its screen shows the secret, once
  const fresh = page.getByRole('region', { name: "Your app's secret" })
  await fresh.waitFor()
  await fresh.getByText('Copy it now: it will not be shown again.').waitFor()
  const secret = await fresh.locator('code').innerText()
  expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/)
  const key = await shownKey(page)
  expect(key).toMatch(/^[A-Za-z0-9_-]{24}$/)
  const snippet = await page.getByRole('region', { name: 'App key' }).locator('code').nth(1).innerText()
  expect(snippet).toBe(`<script src="${app.server.url}/sdk/v1/sori.js"></script><script>Sori.init('${key}')</script>`)

  // the key is public: anyone finds the app by it
  const found = await byKey(key)
  expect(found.status).toBe(200)
  expect(found.body).toMatchObject({ name: 'Battle Cats', domains: ['https://battle.example', 'http://localhost:5173'] })
  const appId = found.body.id

  // after a reload the secret is gone for good: only "New secret" remains
  await page.reload()
  await page.getByRole('region', { name: 'App key' }).locator('code').first().waitFor()
  expect(await shownKey(page)).toBe(key)
  await page.getByRole('button', { name: 'New secret' }).waitFor()
  expect(await page.getByRole('region', { name: "Your app's secret" }).count()).toBe(0)
  expect(await page.getByText(secret).count()).toBe(0)

  // the launch URL, edited and saved
  await page.getByLabel('Launch URL (optional)').fill('battle://open?{params}')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await page.getByText('Saved.').waitFor()
  expect((await byKey(key)).body.launchUrl).toBe('battle://open?{params}')

  // an icon: something that is no picture is refused; a photo becomes the icon every card shows
  const choose = async (button: string, file: { name: string; mimeType: string; buffer: Buffer }) => {
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: button }).click()])
    await chooser.setFiles([file])
  }
  await choose('Add an icon', { name: 'icon.png', mimeType: 'image/png', buffer: Buffer.from('<html>no icon</html>') })
  await page.getByText('That picture could not be read.').waitFor()
  expect((await byKey(key)).body.icon).toBeNull()
  const orange = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#e8663d' } })
    .jpeg()
    .toBuffer()
  await choose('Add an icon', { name: 'icon.jpg', mimeType: 'image/jpeg', buffer: orange })
  await page.getByRole('button', { name: 'Change icon' }).waitFor()
  const iconUrl = (await byKey(key)).body.icon
  expect(iconUrl).toMatch(new RegExp(`^/api/apps/${appId}/icon\\?v=`))
  const shown = page.locator('img.app-icon')
  await shown.waitFor()
  await expect
    .poll(() => shown.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]), { timeout: 20_000 })
    .toEqual([200, 200])

  // a new app key: the old one finds nothing, the new one the app
  await page.getByRole('button', { name: 'New app key' }).click()
  await page.getByRole('dialog').getByText('Pages that use the current key stop working').waitFor()
  await confirm(page, 'New app key')
  await expect.poll(() => shownKey(page), { timeout: 20_000 }).not.toBe(key)
  const key2 = await shownKey(page)
  expect((await byKey(key)).status).toBe(404)
  const again = await byKey(key2)
  expect(again.status).toBe(200)
  expect(again.body.id).toBe(appId)

  // a new secret: shown once, and not the old one
  await page.getByRole('button', { name: 'New secret' }).click()
  await confirm(page, 'New secret')
  const secret2 = await page.getByRole('region', { name: "Your app's secret" }).locator('code').innerText()
  expect(secret2).toMatch(/^[A-Za-z0-9_-]{43}$/)
  expect(secret2).not.toBe(secret)

  // disabled: its key finds nothing; enabled: found again
  await page.getByRole('button', { name: 'Disable app' }).click()
  await confirm(page, 'Disable app')
  await page.getByText('Off: its pages cannot share into Sori').waitFor()
  expect((await byKey(key2)).status).toBe(404)
  await page.getByRole('button', { name: 'Enable app' }).click()
  await confirm(page, 'Enable app')
  await page.getByText('On: its pages can share into Sori.').waitFor()
  expect((await byKey(key2)).status).toBe(200)

  // the list shows it
  await page.evaluate(() => (location.hash = '#/apps'))
  await page.getByRole('link', { name: /Battle Cats/ }).waitFor()
})

test('details the server refuses are said and change nothing', async () => {
  await signUp(app.server, 'dev.ben', 'Ben')
  const { page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'dev.ben')
  await page.evaluate(() => (location.hash = '#/apps'))

  // registering with a script URL for a domain: refused, nothing registered
  await page.getByRole('button', { name: 'Register an app' }).click()
  await page.getByLabel('App name').fill('Maps')
  await page.getByLabel('Web domains').fill('javascript:alert(1)')
  await page.getByRole('button', { name: 'Register', exact: true }).click()
  const refusal = page.getByRole('alert').filter({ hasText: 'Each web domain is an origin like https://game.example' })
  await refusal.waitFor()
  const session = await page.evaluate(() => (JSON.parse(localStorage.getItem('sori:session')!) as { token: string }).token)
  expect((await api<unknown[]>(app.server, session, 'GET', '/api/apps')).body).toEqual([])

  await page.getByLabel('Web domains').fill('https://maps.example')
  await page.getByRole('button', { name: 'Register', exact: true }).click()
  await page.getByRole('region', { name: "Your app's secret" }).waitFor()
  const key = await shownKey(page)

  // a domain with a path, with a new launch URL in the same save: neither is kept
  await page.getByLabel('Web domains').fill('https://maps.example\nhttps://a.example/path')
  await page.getByLabel('Launch URL (optional)').fill('https://maps.example/open?{params}')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await refusal.waitFor()
  expect(await page.getByText('Saved.').count()).toBe(0)
  const now = await byKey(key)
  expect(now.body).toMatchObject({ domains: ['https://maps.example'], launchUrl: null })

  // a launch URL that would run script: refused with its own reason
  await page.getByLabel('Web domains').fill('https://maps.example')
  await page.getByLabel('Launch URL (optional)').fill('javascript:alert(1)//{params}')
  await page.getByRole('button', { name: 'Save', exact: true }).click()
  await page.getByRole('alert').filter({ hasText: 'The launch URL needs {params}' }).waitFor()
  expect((await byKey(key)).body.launchUrl).toBeNull()
})
