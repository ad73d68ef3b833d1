// Forwarding a message: picked from the message sheet, sent to another chat as a new message of the
// one who forwards it, once, and seen there by its members.
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, message, phone, signInInUi, writeMessages } from './helpers.ts'
import { storedBodies } from './offline-setup.ts'

const app = appHarness()

test('a message forwarded to another chat arrives there once, as a message of the forwarder', async () => {
  const ana = await signUp(app.server, 'ana.fwd', 'Ana')
  const ben = await signUp(app.server, 'ben.fwd', 'Ben')
  const cy = await signUp(app.server, 'cy.fwd', 'Cy')
  await api(app.server, ana.token, 'POST', '/api/friends', { userId: ben.user.id })
  await api(app.server, ana.token, 'POST', '/api/friends', { userId: cy.user.id })
  const withBen = (await api<Chat>(app.server, ana.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body
  const withCy = (await api<Chat>(app.server, ana.token, 'POST', '/api/chats/direct', { userId: cy.user.id })).body
  await writeMessages(app.server.url, cy.token, `c:${withCy.id}:0`, [
    { id: 'fwd-cy-000001', from: cy.user.id, ts: Date.now(), kind: 'text', body: 'Where do we meet?' },
  ])
  await writeMessages(app.server.url, ben.token, `c:${withBen.id}:0`, [
    { id: 'fwd-ben-00001', from: ben.user.id, ts: Date.now(), kind: 'text', body: 'Meet at 7 by the fountain' },
  ])

  const a = await phone(app.browser)
  const c = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ana.fwd')
  await signInInUi(c.page, app.server.url, 'cy.fwd')
  await c.page.locator('.chat-row', { hasText: 'Ana' }).click()
  await message(c.page, 'Where do we meet?').waitFor()

  await a.page.locator('.chat-row', { hasText: 'Ben' }).click()
  await a.page.locator('.msg__bubble', { hasText: 'Meet at 7' }).click()
  await a.page.getByRole('button', { name: 'Forward', exact: true }).click()
  const targets = a.page.getByRole('list', { name: 'Forward to' })
  // the chat it comes from is not offered
  expect(await targets.getByRole('button', { name: 'Ben' }).count()).toBe(0)
  // each chat with its picture, as in the chat list
  await expect.poll(() => targets.getByRole('button', { name: 'Cy' }).locator('.avatar').count()).toBe(1)
  await targets.getByRole('button', { name: 'Cy' }).click()
  // the room says where it went
  await a.page
    .getByRole('status')
    .filter({ hasText: /Forwarded to .*Cy/ })
    .waitFor()

  // Cy sees it in the open chat, from Ana
  const arrived = message(c.page, 'Meet at 7 by the fountain')
  await arrived.waitFor({ timeout: 20_000 })
  expect(await arrived.getAttribute('class')).toContain('msg--theirs')
  // stored once, after Cy's question; Ben's chat is unchanged
  await expect
    .poll(() => storedBodies(app.server.url, cy, withCy.id), { timeout: 20_000 })
    .toEqual(['Where do we meet?', 'Meet at 7 by the fountain'])
  expect(await storedBodies(app.server.url, ben, withBen.id)).toEqual(['Meet at 7 by the fountain'])
  // Ana's list has Cy's chat with it as the latest message
  await a.page.getByRole('button', { name: 'Back' }).click()
  await a.page.locator('.chat-row', { hasText: 'Cy' }).locator('.row__sub', { hasText: 'Meet at 7' }).waitFor({ timeout: 20_000 })

  // a friend Ana has no chat with yet is offered too: picking Dee starts their chat, with the message in it
  const dee = await signUp(app.server, 'dee.fwd', 'Dee')
  await api(app.server, ana.token, 'POST', '/api/friends', { userId: dee.user.id })
  await a.page.locator('.chat-row', { hasText: 'Ben' }).click()
  await a.page.locator('.msg__bubble', { hasText: 'Meet at 7' }).click()
  await a.page.getByRole('button', { name: 'Forward', exact: true }).click()
  const friends = a.page.getByRole('list', { name: 'Friends' })
  // (Cy has a chat: offered once, as a chat)
  expect(await friends.getByRole('button', { name: /Cy/ }).count()).toBe(0)
  await friends.getByRole('button', { name: /Dee/ }).click()
  await a.page
    .getByRole('status')
    .filter({ hasText: /Forwarded to .*Dee/ })
    .waitFor()
  const withDee = (await api<Chat[]>(app.server, dee.token, 'GET', '/api/chats')).body.find((c) => c.kind === 'direct')!
  await expect
    .poll(() => storedBodies(app.server.url, dee, withDee.id), { timeout: 20_000 })
    .toEqual(['Meet at 7 by the fountain'])

  await a.context.close()
  await c.context.close()
})
