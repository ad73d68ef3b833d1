// People: the profile sheet shows who someone is (name, handle, status); a person blocked is listed
// under "Blocked" and can be unblocked there; a friend can be removed (asked first, in the app's own
// sheet), and stays removed after a reload. A chat member's name opens the same profile.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, phone, signInInUi, tab } from './helpers.ts'

const app = appHarness()

const sheet = (page: Page) => page.getByRole('dialog')
const friendRow = (page: Page, name: string) => page.locator('.row--button', { hasText: name })
const region = (page: Page, name: RegExp) => page.getByRole('region', { name })

/** Fails the test on any native dialog (alert, confirm, prompt) the page opens. */
function noNativeDialogs(page: Page): string[] {
  const seen: string[] = []
  page.on('dialog', (d) => seen.push(`${d.type()}: ${d.message()}`))
  return seen
}

test('a profile shows the status; someone blocked is in the blocked list, and unblocked there they are back', async () => {
  const ann = await signUp(app.server, 'ann.people', 'Ann')
  const bo = await signUp(app.server, 'bo.people', 'Bo')
  await api(app.server, ann.token, 'POST', '/api/friends', { userId: bo.user.id })
  await api(app.server, bo.token, 'POST', '/api/friends', { userId: ann.user.id })
  await api(app.server, bo.token, 'PATCH', '/api/me', { status: 'Hiking in Jeju this week' })

  const { context, page } = await phone(app.browser)
  const dialogs = noNativeDialogs(page)
  await signInInUi(page, app.server.url, 'ann.people')
  await tab(page, 'Friends').click()

  await friendRow(page, 'Bo').click()
  await sheet(page).getByText('Hiking in Jeju this week').waitFor()
  await sheet(page).getByText('@bo.people').waitFor()
  await sheet(page).locator('.avatar').first().waitFor()
  await page.screenshot({ path: '/tmp/ui/shots/people-profile.png' })

  await sheet(page).getByRole('button', { name: 'Block', exact: true }).click()
  await sheet(page).getByRole('button', { name: 'Block', exact: true }).click()
  await sheet(page).waitFor({ state: 'detached' })
  await friendRow(page, 'Bo').waitFor({ state: 'detached' })

  const blocked = region(page, /^Blocked/)
  await blocked.getByText('Bo', { exact: true }).waitFor()
  await page.reload()
  await blocked.getByText('Bo', { exact: true }).waitFor()
  await page.screenshot({ path: '/tmp/ui/shots/people-blocked.png' })

  await blocked.getByRole('button', { name: 'Unblock Bo' }).click()
  await blocked.waitFor({ state: 'detached' })
  // Bo was Ann's friend before the block: unblocked, he is her friend again (not someone who added her)
  await friendRow(page, 'Bo').waitFor()
  await page.reload()
  await friendRow(page, 'Bo').waitFor()
  await expect(region(page, /^Blocked/).count()).resolves.toBe(0)
  await expect(region(page, /^Added me/).count()).resolves.toBe(0)
  expect(dialogs).toEqual([])
  await context.close()
})

test('unblocking from the profile of someone blocked', async () => {
  const eve = await signUp(app.server, 'eve.people', 'Eve')
  const fin = await signUp(app.server, 'fin.people', 'Fin')
  await api(app.server, eve.token, 'POST', `/api/friends/${fin.user.id}/block`)

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'eve.people')
  await tab(page, 'Friends').click()
  const blocked = region(page, /^Blocked/)
  await blocked.getByRole('button', { name: /^Fin/ }).click()
  await sheet(page).getByText('@fin.people').waitFor()
  await expect(sheet(page).getByRole('button', { name: 'Block', exact: true }).count()).resolves.toBe(0)
  await sheet(page).getByRole('button', { name: 'Unblock', exact: true }).click()
  await sheet(page).getByRole('button', { name: 'Block', exact: true }).waitFor()
  await page.keyboard.press('Escape')
  await blocked.waitFor({ state: 'detached' })
  await context.close()
})

test('removing a friend asks first, and they are gone after a reload', async () => {
  const cy = await signUp(app.server, 'cy.people', 'Cy')
  const dee = await signUp(app.server, 'dee.people', 'Dee')
  await api(app.server, cy.token, 'POST', '/api/friends', { userId: dee.user.id })

  const { context, page } = await phone(app.browser)
  const dialogs = noNativeDialogs(page)
  await signInInUi(page, app.server.url, 'cy.people')
  await tab(page, 'Friends').click()

  await friendRow(page, 'Dee').click()
  await sheet(page).getByRole('button', { name: 'Remove friend' }).click()
  await sheet(page)
    .getByText(/Remove .?Dee.? from your friends\?/)
    .waitFor()
  await page.screenshot({ path: '/tmp/ui/shots/people-remove.png' })
  await sheet(page).getByRole('button', { name: 'Cancel' }).click()
  await sheet(page).getByRole('button', { name: '1:1 chat' }).waitFor()
  await page.keyboard.press('Escape')
  await sheet(page).waitFor({ state: 'detached' })
  // the closed sheet's history entry is gone (a reload during that step back would be cut short)
  await page.waitForFunction(() => !(history.state as { sori?: string } | null)?.sori)
  await page.reload()
  await friendRow(page, 'Dee').waitFor()

  await friendRow(page, 'Dee').click()
  await sheet(page).getByRole('button', { name: 'Remove friend' }).click()
  await sheet(page).getByRole('button', { name: 'Remove friend', exact: true }).click()
  await sheet(page).waitFor({ state: 'detached' })
  await friendRow(page, 'Dee').waitFor({ state: 'detached' })
  await page.reload()
  await page.getByText('No friends yet. Find them by their ID above.').waitFor()
  await expect(friendRow(page, 'Dee').count()).resolves.toBe(0)
  expect(dialogs).toEqual([])
  await context.close()
})

test("a chat member's name opens their profile, with their status", async () => {
  const gia = await signUp(app.server, 'gia.people', 'Gia')
  const hob = await signUp(app.server, 'hob.people', 'Hob')
  const ivy = await signUp(app.server, 'ivy.people', 'Ivy')
  await api(app.server, ivy.token, 'PATCH', '/api/me', { status: 'Back on Monday' })
  const group = (
    await api<Chat>(app.server, gia.token, 'POST', '/api/chats/group', { title: 'Hikers', userIds: [hob.user.id, ivy.user.id] })
  ).body

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'gia.people')
  await page.goto(`${app.server.url}/#/chat/${group.id}`)
  await page.getByRole('button', { name: 'Chat details' }).click()
  await sheet(page).getByRole('button', { name: /^Ivy/ }).click()
  await sheet(page).getByText('Back on Monday').waitFor()
  await sheet(page).getByText('@ivy.people').waitFor()
  // not a friend yet: the profile offers to add her, and to block her
  await sheet(page).getByRole('button', { name: 'Add friend' }).click()
  await sheet(page).getByRole('button', { name: 'Remove friend' }).waitFor()
  await sheet(page).getByRole('button', { name: 'Back' }).click()
  await sheet(page).getByText('3 members').waitFor()
  await context.close()
})

test('an answer of the ID search goes once the ID is typed again', async () => {
  await signUp(app.server, 'gus.people', 'Gus')
  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'gus.people')
  await tab(page, 'Friends').click()
  const box = page.getByLabel('Find a friend by ID')
  await box.fill('nobody.here.people')
  await page.getByRole('button', { name: 'Find', exact: true }).click()
  const answer = page.getByText('Nobody has that ID.')
  await answer.waitFor()
  // cleared, or another ID on its way: the answer was about what was typed before
  await box.fill('')
  await answer.waitFor({ state: 'detached' })
  await box.fill('nobody.here.peopl')
  await page.getByRole('button', { name: 'Find', exact: true }).click()
  await answer.waitFor()
  // a key that changes it (the caret put at the end first, as a finger does)
  await box.press('End')
  await box.press('Backspace')
  await expect(box.inputValue()).resolves.toBe('nobody.here.peop')
  await answer.waitFor({ state: 'detached' })
  await context.close()
})
