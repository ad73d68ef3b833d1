// The twelve languages and search, in Chromium against the real server: detection on the first
// visit, switching without a reload (and the choice following the account), and search finding words
// inside Thai, Japanese and Chinese sentences and Turkish İ the Turkish way.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { Chat, Me, Session } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, phone, sendInUi, signUpInUi, tab } from './helpers.ts'

const app = appHarness()

const sessionOf = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('sori:session') ?? 'null') as Session)
/** In-app navigation (the chat screen hides the tab bar), the way a link would do it. */
const goTo = (page: Page, hash: string) =>
  page.evaluate((h) => {
    location.hash = h
  }, hash)
const pickLanguage = (page: Page, lng: string) => page.locator('.language-picker__select').first().selectOption(lng)

/** A signed-up user in the browser with a 1:1 chat open with a friend made through the API. */
async function userWithChat(page: Page, handle: string): Promise<{ token: string; conv: string }> {
  await signUpInUi(page, app.server.url, handle, handle)
  const { token } = await sessionOf(page)
  const friend = await signUp(app.server, `${handle}.f`, '친구')
  expect((await api(app.server, token, 'POST', '/api/friends', { userId: friend.user.id })).status).toBe(204)
  const chat = await api<Chat>(app.server, token, 'POST', '/api/chats/direct', { userId: friend.user.id })
  expect(chat.status).toBe(200)
  await page.goto(`${app.server.url}/#/chat/${chat.body.id}`)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
  return { token, conv: chat.body.id }
}

/**
 * Types the query once and waits for a result marking `word`. The message index is written a moment
 * after a message is sent; the results are a live query, so the hit appears when it is indexed.
 */
async function searchUntilMarked(page: Page, query: string, word: string): Promise<void> {
  const box = page.locator('.search-form input[type=search]')
  await box.fill(query)
  await page.locator('.search__hit mark', { hasText: word }).first().waitFor({ timeout: 20_000 })
}

test('the first visit speaks the browser language: zh-TW → Traditional Chinese, pt-BR → Portuguese', async () => {
  for (const [locale, lng, signIn] of [
    ['zh-TW', 'zh-Hant', '登入'],
    ['pt-BR', 'pt', 'Entrar'],
    ['nl-NL', 'en', 'Sign in'],
  ] as const) {
    const context = await app.browser.newContext({ locale, viewport: { width: 360, height: 640 } })
    const page = await context.newPage()
    await page.goto(app.server.url)
    await page.getByRole('tab', { name: signIn }).waitFor()
    expect(await page.evaluate(() => document.documentElement.lang)).toBe(lng)
    expect(await page.locator('.language-picker__select').inputValue()).toBe(lng)
    await context.close()
  }
})

test('switching the language changes the text on screen with no reload, and follows the account', async () => {
  const { context, page } = await phone(app.browser)
  await signUpInUi(page, app.server.url, 'lang.switch', 'Lang Switch')
  await tab(page, 'Settings').click()
  await page.getByRole('heading', { name: 'Settings' }).waitFor()
  // a reload would lose this
  await page.evaluate(() => {
    ;(window as unknown as { notReloaded: boolean }).notReloaded = true
  })

  await pickLanguage(page, 'ko')
  await page.getByRole('heading', { name: '설정' }).waitFor()
  await expect(tab(page, '친구').isVisible()).resolves.toBe(true)
  await pickLanguage(page, 'de')
  await page.getByRole('heading', { name: 'Einstellungen' }).waitFor()
  await expect(tab(page, 'Freunde').isVisible()).resolves.toBe(true)
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('de')
  // and what the phone shows of the app outside it (installing, the icon's shortcuts) is German too
  const cdp = await context.newCDPSession(page)
  await expect
    .poll(async () => {
      const m = JSON.parse((await cdp.send('Page.getAppManifest')).data ?? '{}') as {
        lang?: string
        description?: string
        shortcuts?: { name: string }[]
      }
      return [m.lang, m.description, m.shortcuts?.map((x) => x.name)]
    })
    .toEqual(['de', 'Chatte mit Freunden – online oder offline.', ['Neuer Gruppenchat', 'Freunde']])
  await cdp.detach()

  // the account has it (PATCH /api/me), so another device signs in in German
  const { token } = await sessionOf(page)
  await expect.poll(async () => (await api<Me>(app.server, token, 'GET', '/api/me')).body.lang, { timeout: 10_000 }).toBe('de')
  const other = await phone(app.browser)
  await other.page.goto(app.server.url)
  await other.page.getByRole('tab', { name: 'Sign in' }).click()
  await other.page.getByLabel('ID', { exact: true }).fill('lang.switch')
  await other.page.getByLabel('Password').fill('correct horse 1')
  await other.page.locator('#welcome-form button[type=submit]').click()
  await tab(other.page, 'Freunde').waitFor()
  await other.context.close()

  // and this device keeps it across a reload
  await page.reload()
  await tab(page, 'Einstellungen').waitFor()
  await context.close()
})

test('search finds a Thai, a Japanese and a Chinese word inside a sentence and opens the chat there', async () => {
  const { context, page } = await phone(app.browser)
  const { conv } = await userWithChat(page, 'search.cjk')
  const sentences = [
    'พรุ่งนี้ฉันจะไปตลาดกับแม่นะ',
    '昨日は東京で美味しい寿司を食べました',
    '我今天去北京出差了',
    'Frau Müller trinkt Kaffee im Café',
  ]
  for (const s of sentences) {
    await sendInUi(page, s)
    await message(page, s.slice(0, 6)).waitFor()
  }

  await goTo(page, '#/search')
  await page.locator('.search-form input[type=search]').waitFor()
  for (const [word, sentence] of [
    ['ตลาด', sentences[0]],
    ['寿司', sentences[1]],
    ['北京', sentences[2]],
  ]) {
    await searchUntilMarked(page, word, word)
    const hits = page.locator('.search__hit')
    await expect(hits.count()).resolves.toBe(1)
    await expect(hits.first().innerText()).resolves.toContain(sentence)
    await expect(page.locator('.search__chat').first().innerText()).resolves.toContain('친구')
  }
  // accents and case fold: 'cafe' finds 'Café'
  await searchUntilMarked(page, 'cafe', 'Café')

  await page.locator('.search__hit').first().click()
  await page.waitForURL(new RegExp(`#/chat/${conv}`))
  await message(page, 'Kaffee im Café').waitFor()
  await context.close()
})

test('a hit far up in a chat opens the chat scrolled to that message, marked', async () => {
  const { context, page } = await phone(app.browser)
  const { conv } = await userWithChat(page, 'search.jump')
  await sendInUi(page, 'พรุ่งนี้ฉันจะไปตลาดกับแม่นะ')
  // enough after it that it is scrolled out of sight (and out of the virtualized list)
  for (let i = 0; i < 30; i++) await sendInUi(page, `filler ${i}`)
  await message(page, 'filler 29').waitFor()
  await goTo(page, '#/search')
  await searchUntilMarked(page, 'ตลาด', 'ตลาด')
  await page.locator('.search__hit').first().click()
  await page.waitForURL(new RegExp(`#/chat/${conv}`))
  const target = page.locator('.msg--highlight', { hasText: 'ตลาด' })
  await target.waitFor({ timeout: 10_000 })
  await expect
    .poll(
      async () => {
        const box = await target.boundingBox()
        return box !== null && box.y >= 0 && box.y + box.height <= 640
      },
      { timeout: 5000 },
    )
    .toBe(true)
  await context.close()
})

test("Turkish: 'İSTANBUL' finds 'istanbul' with Turkish active", async () => {
  const { context, page } = await phone(app.browser)
  await userWithChat(page, 'search.tr')
  await sendInUi(page, 'yarın istanbul’a gidiyorum')
  await message(page, 'gidiyorum').waitFor()
  await goTo(page, '#/settings')
  await pickLanguage(page, 'tr')
  await tab(page, 'Ara').click()
  await searchUntilMarked(page, 'İSTANBUL', 'istanbul')
  await expect(page.locator('.search__status').first().innerText()).resolves.toBe('1 mesaj')
  await context.close()
})

test('offline, switching to another language and reloading still works (locale chunks are cached)', async () => {
  const context = await app.browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 640 } })
  const page = await context.newPage()
  await page.goto(app.server.url)
  await page.getByRole('tab', { name: 'Sign in' }).waitFor()
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, undefined, { timeout: 30_000 })
  await context.setOffline(true)
  await pickLanguage(page, 'th')
  await page.getByRole('tab', { name: 'เข้าสู่ระบบ' }).waitFor()
  await page.reload()
  await page.getByRole('tab', { name: 'เข้าสู่ระบบ' }).waitFor()
  await pickLanguage(page, 'zh-Hans')
  await page.getByRole('tab', { name: '登录' }).waitFor()
  await context.close()
})
