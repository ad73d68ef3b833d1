// Who is typing, said as the language calls a person: "Ben님이 입력 중…" in Korean (님 on the name, no
// space before it), as the group's system lines do.
import { test } from 'vitest'
import { headDoc } from '../../protocol/docs.ts'
import { connect } from '../fixtures/sync-client.ts'
import { api, TEST_PASSWORD } from '../fixtures/server.ts'
import { appHarness, friendWrote, message } from './helpers.ts'

const app = appHarness()

test('a Korean reader sees "Ben님이 입력 중…"', async () => {
  const {
    me: ann,
    them: ben,
    chat,
    theirPage,
  } = await friendWrote(app.server, { handle: 'ko.ann', name: 'Ann' }, { handle: 'ko.ben', name: 'Ben' }, ['안녕하세요'])
  // (signed in, the app speaks the account's language)
  await api(app.server, ann.token, 'PATCH', '/api/me', { lang: 'ko' })
  const context = await app.browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'ko-KR', hasTouch: true })
  const page = await context.newPage()
  await page.goto(app.server.url)
  await page.getByRole('tab', { name: '로그인' }).click()
  await page.getByLabel('아이디', { exact: true }).fill('ko.ann')
  await page.getByLabel('비밀번호').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: '로그인', exact: true }).click()
  await page.locator('.chat-row', { hasText: 'Ben' }).click()
  await message(page, '안녕하세요').waitFor()
  // Ben types, on his phone: his awareness on the chat's head says so
  const head = await connect(app.server, ben.token, headDoc(chat.id))
  head.provider.awareness.setLocalStateField('user', { id: ben.user.id })
  head.provider.awareness.setLocalStateField('typing', true)
  // (the name is a bidi isolate: U+2068 … U+2069)
  await page.getByText(/^\u2068?Ben\u2069?님이 입력 중…$/).waitFor({ timeout: 20_000 })
  head.destroy()
  theirPage.destroy()
  await context.close()
})
