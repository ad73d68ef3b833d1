// The phone's Back closes the sheet on top, as a native app's does, instead of leaving the screen under it;
// a sheet closed in the app leaves nothing behind in the history, so the next Back leaves the screen.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { appHarness, friendWrote, message, phone, signInInUi } from './helpers.ts'

const app = appHarness()

const inChat = (page: Page, id: string) => expect.poll(() => new URL(page.url()).hash).toBe(`#/chat/${id}`)

test('Back closes the open sheet (or the one it led to), then leaves the chat; a sheet closed by its button takes no Back', async () => {
  const { chat, theirPage } = await friendWrote(
    app.server,
    { handle: 'ann.back', name: 'Ann' },
    { handle: 'bo.back', name: 'Bo' },
    ['Back button check'],
  )

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ann.back')
  await page.locator('.chat-row', { hasText: 'Bo' }).click()
  await message(page, 'Back button check').waitFor()
  const sheet = page.getByRole('dialog')

  // a message's actions, then Back: the sheet closes, the chat stays
  await page.locator('.msg__bubble', { hasText: 'Back button check' }).click()
  await sheet.getByRole('button', { name: 'Reply' }).waitFor()
  await page.goBack()
  await sheet.waitFor({ state: 'detached' })
  await inChat(page, chat.id)
  await message(page, 'Back button check').waitFor()

  // the chat's details, the same way
  await page.getByRole('button', { name: 'Chat details' }).click()
  await sheet.getByText('Bo').first().waitFor()
  await page.goBack()
  await sheet.waitFor({ state: 'detached' })
  await inChat(page, chat.id)

  // a sheet that leads to another (Forward): one Back closes the one shown
  await page.locator('.msg__bubble', { hasText: 'Back button check' }).click()
  await sheet.getByRole('button', { name: 'Forward' }).click()
  await sheet.getByRole('heading', { name: 'Forward to' }).waitFor()
  await page.goBack()
  await sheet.waitFor({ state: 'detached' })
  await inChat(page, chat.id)

  // closed by its own button: the next Back leaves the chat at once
  await page.locator('.msg__bubble', { hasText: 'Back button check' }).click()
  await sheet.getByRole('button', { name: 'Close' }).click()
  await sheet.waitFor({ state: 'detached' })
  await page.goBack()
  await page.getByRole('heading', { name: 'Chats' }).waitFor()
  expect(await page.getByRole('dialog').count()).toBe(0)

  theirPage.destroy()
  await context.close()
})

test('a sheet closed as the app moves to another screen does not take the user back off that screen', async () => {
  const { theirPage } = await friendWrote(app.server, { handle: 'cy.back', name: 'Cy' }, { handle: 'di.back', name: 'Di' }, [
    'Moving on',
  ])

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'cy.back')
  await page.locator('.chat-row', { hasText: 'Di' }).click()
  await message(page, 'Moving on').waitFor()
  await page.locator('.msg__bubble', { hasText: 'Moving on' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Reply' }).waitFor()
  // the sheet closes, and the moment it is gone (its step back asked for, not yet taken) the app goes to Settings
  await page.evaluate(() => {
    const w = window as unknown as { pops: number }
    w.pops = 0
    addEventListener('popstate', () => w.pops++)
    const o = new MutationObserver(() => {
      if (document.querySelector('dialog.sheet')) return
      o.disconnect()
      location.hash = '#/settings'
    })
    o.observe(document.body, { childList: true, subtree: true })
    ;(document.querySelector('dialog.sheet') as HTMLDialogElement).close()
  })
  // the move's own popstate and the step back's have come: the app is on Settings, and stays there
  await page.waitForFunction(() => (window as unknown as { pops: number }).pops >= 2)
  await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/settings')
  await page.getByRole('heading', { name: 'Settings' }).waitFor()
  // and Back from there goes to the chat, as from any screen
  await page.goBack()
  await message(page, 'Moving on').waitFor()
  theirPage.destroy()
  await context.close()
})
