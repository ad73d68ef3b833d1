// The chat list in all twelve languages → docs/screenshots/chats-<locale>.png. Besides the pictures
// (look at them), each locale is checked for English UI text left on screen and for labels that do
// not fit (tab labels and the title must not be cut; chat titles and previews may end in an ellipsis).
import { readFileSync } from 'node:fs'
import { expect, test } from 'vitest'
import type { Chat, Session } from '../../protocol/api.ts'
import { pageDoc } from '../../protocol/docs.ts'
import { LOCALES } from '../../web/i18n/locales.ts'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { connect, send, until } from '../fixtures/sync-client.ts'
import { appHarness, phone } from './helpers.ts'

const app = appHarness()

type Tree = { [k: string]: string | Tree }
const bundle = (lng: string) => JSON.parse(readFileSync(`locales/${lng}.json`, 'utf8')) as Tree
const flat = (o: Tree, p = ''): [string, string][] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [[p + k, v] as [string, string]] : flat(v, `${p}${k}.`)))

/** English fragments (placeholders cut out) of the strings the chat list can show, that `lng` says otherwise. */
function englishLeftovers(lng: string): string[] {
  const en = Object.fromEntries(flat(bundle('en')))
  const mine = Object.fromEntries(flat(bundle(lng)))
  const out: string[] = []
  for (const [k, v] of Object.entries(en)) {
    if (!/^(nav|chats|connection|update)\./.test(k)) continue
    const base = k.replace(/_(one|other)$/, '')
    const translated = Object.entries(mine)
      .filter(([mk]) => mk === k || mk.startsWith(`${base}_`))
      .map(([, mv]) => mv)
      .join('\n')
    for (const frag of v.split(/\{\{[^}]*\}\}/)) {
      const f = frag.trim()
      if ((f.match(/\p{L}/gu) ?? []).length >= 4 && !translated.includes(f)) out.push(f)
    }
  }
  return out
}

async function say(token: string, conv: Chat, from: string, body: string): Promise<void> {
  const c = await connect(app.server, token, pageDoc(conv.id, conv.page), { ack: true, noWait: true })
  try {
    await until(() => c.provider.synced, `sync of ${conv.kind} chat ${conv.id} by ${from}`)
    send(c, from, body)
    await until(() => c.ackedClock() > 0, 'ack')
  } catch (e) {
    throw new Error(`${String(e)}; closes: ${JSON.stringify(c.closes)}`, { cause: e })
  } finally {
    c.destroy()
  }
}

test('the chat list in twelve languages', async () => {
  // everything is written before the browser signs in: the stock y-websocket client echoes other
  // clients' awareness states, and the server closes it (4400) when it echoes the browser's
  const me = await signUp(app.server, 'mina', 'Mina Park')
  const people = await Promise.all([
    signUp(app.server, 'jun.seo', '서준'),
    signUp(app.server, 'somchai', 'สมชาย ใจดี'),
    signUp(app.server, 'yuki', '佐藤 ゆき'),
    signUp(app.server, 'juergen', 'Jürgen Großmann-Schönefeld'),
  ])
  const [jun, somchai, yuki, juergen] = people
  for (const p of people) {
    await api(app.server, me.token, 'POST', '/api/friends', { userId: p.user.id })
    await api(app.server, p.token, 'POST', '/api/friends', { userId: me.user.id })
  }
  const direct = async (p: Session) =>
    (await api<Chat>(app.server, me.token, 'POST', '/api/chats/direct', { userId: p.user.id })).body
  const group = async (title: string, ps: Session[]) =>
    (await api<Chat>(app.server, me.token, 'POST', '/api/chats/group', { title, userIds: ps.map((p) => p.user.id) })).body

  const trip = await group('Wochenende in Lissabon 🏖️', [yuki, juergen])
  await say(me.token, trip, me.user.id, 'Ich bringe den Kuchen mit 🎂')
  const untitled = await group('', [jun, somchai])
  await say(jun.token, untitled, jun.user.id, '我今天去北京出差了，周末见！')
  await say(somchai.token, untitled, somchai.user.id, 'ได้เลยครับ')
  await say(juergen.token, await direct(juergen), juergen.user.id, 'Donaudampfschifffahrtsgesellschaft – treffen wir uns morgen?')
  await say(yuki.token, await direct(yuki), yuki.user.id, '明日の会議は10時からです。よろしくお願いします')
  await say(somchai.token, await direct(somchai), somchai.user.id, 'พรุ่งนี้เจอกันที่ตลาดนะครับ')
  const junChat = await direct(jun)
  for (const text of ['네, 좋아요!', '12시에 만나요 🍜']) await say(jun.token, junChat, jun.user.id, text)

  const { context, page } = await phone(app.browser)
  await page.goto(app.server.url)
  await page.locator('#tab-signin').click()
  await page.getByLabel('ID', { exact: true }).fill('mina')
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.locator('#welcome-form button[type=submit]').click()
  await page.locator('.chat-row').nth(5).waitFor()
  const problems: string[] = []
  for (const lng of LOCALES) {
    await page.evaluate(() => {
      location.hash = '#/settings'
    })
    await page.locator('.language-picker__select').selectOption(lng)
    const title = (bundle(lng).chats as Tree).title as string
    await page.evaluate(() => {
      location.hash = '#/chats'
    })
    await page.getByRole('heading', { name: title, exact: true }).waitFor()
    await page.locator('.chat-row').nth(5).waitFor()
    await page.screenshot({ path: `docs/screenshots/chats-${lng}.png` })

    if (lng !== 'en') {
      const text = await page.locator('body').innerText()
      for (const f of englishLeftovers(lng)) {
        // as a word of its own: German "Gruppenchat" does not contain the English "Chat"
        const word = new RegExp(`(?<!\\p{L})${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?!\\p{L})`, 'u')
        if (word.test(text)) problems.push(`${lng}: English "${f}" on screen`)
      }
    }
    // tab labels and the screen title must fit; chat titles and previews may be cut with an ellipsis
    const cut = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.tabbar__label, .topbar__title, .row__time, .badge, .row__count')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1)
        .map((e) => e.textContent ?? ''),
    )
    for (const c of cut) problems.push(`${lng}: "${c}" does not fit`)
  }
  expect(problems).toEqual([])
  await context.close()
})
