// A chat this user cannot open (an address of a chat they were never in, or were removed from) says so,
// and its sockets stop: they were refused and opened again twice a second while the screen showed.
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()

test('a chat one is not in is shown as unavailable, and its sockets are not opened again and again', async () => {
  await signUp(app.server, 'ann.gone', 'Ann')
  const bo = await signUp(app.server, 'bo.gone', 'Bo')
  const cy = await signUp(app.server, 'cy.gone', 'Cy')
  await api(app.server, bo.token, 'POST', '/api/friends', { userId: cy.user.id })
  // a chat of Bo and Cy's: Ann was never in it
  const theirs = (await api<Chat>(app.server, bo.token, 'POST', '/api/chats/group', { title: 'Private', userIds: [cy.user.id] }))
    .body

  const { context, page } = await phone(app.browser)
  const sockets: string[] = []
  page.on('websocket', (ws) => {
    if (ws.url().includes(theirs.id)) sockets.push(ws.url())
  })
  await signInInUi(page, app.server.url, 'ann.gone')
  const refused = page.waitForResponse((r) => r.url().endsWith(`/api/chats/${theirs.id}`) && r.status() >= 400)
  await page.goto(`${app.server.url}/#/chat/${theirs.id}`)
  await page.getByRole('heading', { name: "This chat isn't available" }).waitFor()
  // once the server said so (and the page heard it), nothing tries again: none in the next few seconds
  // (the sockets retried every ~0.5–2.5 s before)
  await refused
  await page.waitForTimeout(2000)
  const seen = sockets.length
  await page.waitForTimeout(6000)
  expect(sockets.length).toBe(seen)
  await context.close()
})
