// Signing up with an ID and a password that are both refused says both at once, marks both fields and
// takes the focus to the first (a phone's form is taller than its screen: the answer was below it, one
// problem a try).
import { expect, test } from 'vitest'
import { appHarness, phone } from './helpers.ts'

const app = appHarness()

test('a sign-up with a bad ID and a short password says both, marks both, and takes the focus to the ID', async () => {
  const { context, page } = await phone(app.browser)
  await page.goto(app.server.url)
  await page.getByLabel('ID', { exact: true }).fill('A!')
  await page.getByLabel('Password').fill('short')
  await page.getByRole('button', { name: 'Create account' }).click()
  const alert = page.getByRole('alert').filter({ hasText: 'IDs are' })
  await alert.waitFor()
  // a line each
  expect(await alert.innerText()).toBe('IDs are 3–20 characters: a–z, 0–9, dot or underscore.\nThat password is too short.')
  const id = page.getByLabel('ID', { exact: true })
  const password = page.getByLabel('Password')
  expect([await id.getAttribute('aria-invalid'), await password.getAttribute('aria-invalid')]).toEqual(['true', 'true'])
  expect(await id.evaluate((el) => el === document.activeElement)).toBe(true)
  // fixed, the next try marks nothing but what is still wrong
  await id.fill('good.id')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect.poll(() => id.getAttribute('aria-invalid')).toBe(null)
  expect(await password.getAttribute('aria-invalid')).toBe('true')
  expect(await password.evaluate((el) => el === document.activeElement)).toBe(true)
  await context.close()
})

test('in Japanese the two errors are a line each, with no Latin space between the sentences', async () => {
  const context = await app.browser.newContext({ viewport: { width: 360, height: 640 }, locale: 'ja-JP', hasTouch: true })
  const page = await context.newPage()
  await page.goto(app.server.url)
  await page
    .getByRole('button', { name: '新規登録' })
    .or(page.getByRole('tab', { name: '新規登録' }))
    .first()
    .waitFor()
  await page.locator('input[autocomplete="username"]').fill('A!')
  await page.locator('input[type="password"]').fill('short')
  await page.locator('form button[type="submit"]').click()
  const alert = page.getByRole('alert').filter({ hasText: 'パスワードが短すぎます' })
  await alert.waitFor()
  expect(await alert.innerText()).toBe(
    'IDは3～20文字で、a–z、0–9、ピリオド、アンダースコアのみ使えます。\nパスワードが短すぎます。',
  )
  await context.close()
})
