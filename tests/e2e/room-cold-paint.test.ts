// A chat opened by its address at a cold start (a notification, a bookmark, a reload) shows its newest
// messages before the app's code has run: the room's last look, kept on the device, painted inert over
// the app, then replaced by the room itself. Nothing of it outlives the account on this device.
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, sendInUi, signInInUi } from './helpers.ts'

const app = appHarness()

test('a chat reopened by its address shows its last look at once, then the live room; sign-out forgets it', async () => {
  const ann = await signUp(app.server, 'ann.paint', 'Ann')
  const ben = await signUp(app.server, 'ben.paint', 'Ben')
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: ben.user.id })
  const chat = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body
  const other = (
    await api<Chat>(app.server, ann.token, 'POST', '/api/chats/group', { title: 'Quiet group', userIds: [ben.user.id] })
  ).body

  // requests for the app's code wait while `held` is set: what shows meanwhile comes from before the app
  const context = await app.browser.newContext({
    viewport: { width: 360, height: 640 },
    locale: 'en-US',
    serviceWorkers: 'block',
  })
  let release: () => void = () => {}
  let held: Promise<void> | null = null
  await context.route(/\/assets\/.*\.js$/, async (route) => {
    if (held) await held
    await route.continue()
  })
  const hold = () => (held = new Promise<void>((r) => (release = r)))
  const page = await context.newPage()
  page.on('pageerror', (e) => console.error('[page error]', e.message))
  await signInInUi(page, app.server.url, 'ann.paint')

  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await sendInUi(page, 'Soup at seven?')
  await message(page, 'Soup at seven?').waitFor()
  // the look is kept while the room is open (when the page is idle, and when it is hidden)
  await page.waitForFunction((id) => (localStorage.getItem(`sori:snap:${id}`) ?? '').includes('Soup at seven?'), ann.user.id, {
    polling: 100,
    timeout: 20_000,
  })

  hold()
  await page.reload({ waitUntil: 'commit' })
  const painted = page.locator('#boot .msg', { hasText: 'Soup at seven?' })
  await painted.waitFor()
  await page.screenshot({ path: '/tmp/ui/shots/room-cold-paint.png' })
  // the app has not drawn anything yet, and the paint takes no input (nothing in it can be focused)
  // (index.html's logo, under the paint, is all #app holds until then)
  await expect(page.locator('#app > :not(.splash)').count()).resolves.toBe(0)
  await expect(page.locator('#boot').getAttribute('inert')).resolves.toBe('')
  await expect(page.locator('#boot').getAttribute('aria-hidden')).resolves.toBe('true')
  await expect(page.locator('#boot [id]').count()).resolves.toBe(0)

  release()
  held = null
  // the room draws itself and the paint goes
  await page.locator('#app .msg', { hasText: 'Soup at seven?' }).waitFor()
  await page.locator('#boot').waitFor({ state: 'detached' })
  await page.getByRole('textbox', { name: 'Message' }).fill('and bread')
  await page.getByRole('button', { name: 'Send', exact: true }).click()
  await message(page, 'and bread').waitFor()

  // another chat's address paints nothing of this one
  hold()
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), other.id)
  await page.reload({ waitUntil: 'commit' })
  // parsed past the start script (module scripts, held, would keep domcontentloaded back); the group may
  // paint its own last look (the line of its creation), never this chat's messages
  await page.locator('noscript').waitFor({ state: 'attached' })
  await expect(page.locator('#boot', { hasText: 'Soup at seven?' }).count()).resolves.toBe(0)
  await expect(page.locator('#boot', { hasText: 'and bread' }).count()).resolves.toBe(0)
  release()
  held = null
  await page.getByRole('heading', { name: /^Quiet group/ }).waitFor()

  // signing out of this device forgets every kept look
  await page.evaluate(() => (location.hash = '#/settings'))
  await page.getByRole('button', { name: 'Sign out of this device' }).click()
  await page.getByLabel('ID', { exact: true }).waitFor()
  await expect(page.evaluate((id) => localStorage.getItem(`sori:snap:${id}`), ann.user.id)).resolves.toBeNull()
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  await page.reload({ waitUntil: 'domcontentloaded' })
  await expect(page.locator('#boot').count()).resolves.toBe(0)
  await context.close()
})
