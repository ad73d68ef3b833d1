// A screen reader hears a new message from someone else through a hidden live region; a message its author
// deletes for everyone leaves that region too, so its words are nowhere on the page.
import { expect, test } from 'vitest'
import { send } from '../fixtures/sync-client.ts'
import { appHarness, friendWrote, message, phone, signInInUi } from './helpers.ts'

const app = appHarness()

test('a message deleted for everyone is no longer in what the screen reader was told', async () => {
  const { them: junho, theirPage } = await friendWrote(
    app.server,
    { handle: 'minji.ra', name: 'Minji' },
    { handle: 'junho.ra', name: 'Junho' },
    ['hello'],
  )

  const { page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'minji.ra')
  await page.locator('.chat-row', { hasText: 'Junho' }).click()
  await message(page, 'hello').waitFor()
  const live = page.locator('#app .visually-hidden[aria-live="polite"]')
  const oops = send(theirPage, junho.user.id, 'oops, wrong chat: the door code is 4821')
  await expect.poll(() => live.textContent(), { timeout: 10_000 }).toContain('4821')

  theirPage.doc.getMap('edits').set(oops.id, { retracted: true, ts: Date.now() })
  await page.getByText('This message was deleted.').waitFor({ timeout: 10_000 })
  await expect.poll(() => page.locator('#app').textContent(), { timeout: 10_000 }).not.toContain('4821')
  theirPage.destroy()
})
