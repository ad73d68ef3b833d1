// A card whose app is turned off says so at a tap; once the app is on again, the next tap opens it, with no
// reload (the app's state is not kept for the whole page load).
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { AppWithSecret, ShareTicket } from '../../protocol/link.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect } from '../fixtures/sync-client.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()

test('a card of an app turned off says so; turned on again, the next tap opens it', async () => {
  const ann = await signUp(app.server, 'ann.onoff', 'Ann')
  const ben = await signUp(app.server, 'ben.onoff', 'Ben')
  await api(app.server, ben.token, 'POST', '/api/friends', { userId: ann.user.id })
  const chat = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body
  const game = (
    await api<AppWithSecret>(app.server, ann.token, 'POST', '/api/apps', {
      name: 'Battle',
      domains: ['https://game.example'],
      launchUrl: 'https://game.example/play?{params}',
    })
  ).body
  const template = {
    type: 'feed',
    content: { title: 'Battle me!', link: { webUrl: 'https://game.example/b/7' } },
    buttons: [{ title: 'Play', link: { webUrl: 'https://game.example/b/7', params: { battle: '7' } } }],
  }
  const ticket = (
    await api<ShareTicket>(app.server, ann.token, 'POST', '/api/share/tickets', {
      appKey: game.appKey,
      origin: 'https://game.example',
      template,
    })
  ).body
  const anns = await connect(app.server, ann.token, pageDoc(chat.id, 0))
  anns.doc.getArray<ChatMessage>(ROOTS.page.msgs).push([
    {
      id: `card${Date.now().toString(36)}`,
      from: ann.user.id,
      ts: Date.now(),
      kind: 'link',
      body: '',
      link: { ticket: ticket.id, app: ticket.app, template: ticket.template },
    },
  ])

  const { context, page } = await phone(app.browser)
  // what the tap opens (a new tab, which a test browser need not show)
  await page.addInitScript(() => {
    const w = window as unknown as { opened: string[] }
    w.opened = []
    window.open = (url?: string | URL) => {
      w.opened.push(String(url))
      return null
    }
  })
  const opened = () => page.evaluate(() => (window as unknown as { opened: string[] }).opened)
  await signInInUi(page, app.server.url, 'ben.onoff')
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), chat.id)
  const play = page.getByRole('button', { name: 'Play' })

  expect((await api(app.server, ann.token, 'POST', `/api/apps/${game.id}/disable`)).status).toBe(200)
  await play.click()
  await page
    .getByRole('status')
    .getByText(/^\u2068Battle\u2069 is no longer available\.$/)
    .waitFor()
  expect(await opened()).toEqual([])

  expect((await api(app.server, ann.token, 'DELETE', `/api/apps/${game.id}/disable`)).status).toBe(200)
  await play.click()
  await expect.poll(opened).toEqual(['https://game.example/play?battle=7'])
  await page
    .getByRole('status')
    .getByText(/no longer available/)
    .waitFor({ state: 'detached' })
  anns.destroy()
  await context.close()
})
