// Sharing into and out of Sori, in real Chromium against the real server. In: another app's share sheet
// POSTs a photo, a text and a link to /share-target (the manifest's share_target); the service worker
// keeps them, the app asks which chat, and the picked chat gets the photo with the text as its caption,
// once. Out: a message goes to the phone's share sheet (navigator.share). And an app's card is forwarded
// as the app's, under a share ticket of the forwarder's own.
import sharp from 'sharp'
import { expect, test } from 'vitest'
import type { Chat } from '../../protocol/api.ts'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { AppWithSecret, ShareTicket } from '../../protocol/link.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, until } from '../fixtures/sync-client.ts'
import { sendMedia, upload } from '../fixtures/media.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'
import { serviceWorkerControls } from './offline-setup.ts'

const app = appHarness()

test('a photo, a text and a link shared from another app reach the chat picked, once', async () => {
  const ana = await signUp(app.server, 'ana.shin', 'Ana')
  const ben = await signUp(app.server, 'ben.shin', 'Ben')
  await api(app.server, ben.token, 'POST', '/api/friends', { userId: ana.user.id })
  const chat = (await api<Chat>(app.server, ben.token, 'POST', '/api/chats/direct', { userId: ana.user.id })).body
  const anas = await connect(app.server, ana.token, pageDoc(chat.id, 0))
  const msgs = () => anas.doc.getArray<ChatMessage>(ROOTS.page.msgs).toArray()
  const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#e84' } })
    .jpeg()
    .toBuffer()

  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ben.shin')
  await serviceWorkerControls(page)
  // what a phone's share sheet does: a multipart POST navigation to the share target
  await page.evaluate(
    ({ bytes }) => {
      const form = document.createElement('form')
      form.method = 'POST'
      form.action = '/share-target'
      form.enctype = 'multipart/form-data'
      for (const [name, value] of [
        ['title', 'Sunset'],
        ['text', 'Look at this'],
        ['url', 'https://photos.example/sunset'],
      ]) {
        const input = document.createElement('input')
        input.name = name
        input.value = value
        form.append(input)
      }
      const file = document.createElement('input')
      file.type = 'file'
      file.name = 'files'
      const dt = new DataTransfer()
      dt.items.add(new File([new Uint8Array(bytes)], 'sunset.jpg', { type: 'image/jpeg' }))
      file.files = dt.files
      form.append(file)
      document.body.append(form)
      form.submit()
    },
    { bytes: [...jpeg] },
  )
  await page.getByRole('heading', { name: 'Send to Sori' }).waitFor({ timeout: 20_000 })
  const id = /#\/share-in\/([A-Za-z0-9_-]+)$/.exec(page.url())?.[1]
  expect(id).toBeTruthy()
  await page.getByText('sunset.jpg').waitFor()
  await page.getByRole('list', { name: 'Send to' }).getByRole('button', { name: 'Ana' }).click()
  // the chat opens, and Ana gets the photo with the words as its caption
  await page.waitForURL(new RegExp(`#/chat/${chat.id}$`))
  await until(() => msgs().some((m) => m.kind === 'media'), 'the photo reaches Ana', 30_000)
  const sent = msgs().filter((m) => m.kind === 'media')
  expect(sent).toHaveLength(1)
  expect(sent[0].media?.kind).toBe('photo')
  expect(sent[0].body).toBe('Sunset\nLook at this\nhttps://photos.example/sunset')
  // it was sent once: the share is gone from the device
  await page.evaluate((i) => (location.hash = `#/share-in/${i}`), id!)
  await page.getByText('This share is no longer here. Share it again from the other app.').waitFor()
  expect(msgs().filter((m) => m.kind === 'media')).toHaveLength(1)
  anas.destroy()
  await context.close()
}, 120_000)

test('a message goes to the phone’s share sheet; an app’s card is forwarded under a ticket of the forwarder’s', async () => {
  const ann = await signUp(app.server, 'ann.shout', 'Ann')
  const ben = await signUp(app.server, 'ben.shout', 'Ben')
  const cy = await signUp(app.server, 'cy.shout', 'Cy')
  await api(app.server, ben.token, 'POST', '/api/friends', { userId: ann.user.id })
  await api(app.server, ben.token, 'POST', '/api/friends', { userId: cy.user.id })
  const withAnn = (await api<Chat>(app.server, ann.token, 'POST', '/api/chats/direct', { userId: ben.user.id })).body
  // Ben opened his chat with Cy (nobody wrote in it yet): it is on his list, to forward to
  const withCy = (await api<Chat>(app.server, ben.token, 'POST', '/api/chats/direct', { userId: cy.user.id })).body
  // Ann's game sent a card into her chat with Ben
  const game = (
    await api<AppWithSecret>(app.server, ann.token, 'POST', '/api/apps', { name: 'Battle', domains: ['https://game.example'] })
  ).body
  const template = {
    type: 'feed',
    content: { title: 'Battle me!', description: 'Round 1', link: { webUrl: 'https://game.example/b/7' } },
    buttons: [{ title: 'Play', link: { webUrl: 'https://game.example/b/7', params: { battle: '7' } } }],
  }
  const ticket = (
    await api<ShareTicket>(app.server, ann.token, 'POST', '/api/share/tickets', {
      appKey: game.appKey,
      origin: 'https://game.example',
      template,
    })
  ).body
  const annsPage = await connect(app.server, ann.token, pageDoc(withAnn.id, 0))
  annsPage.doc.getArray<ChatMessage>(ROOTS.page.msgs).push([
    {
      id: `card${Date.now().toString(36)}`,
      from: ann.user.id,
      ts: Date.now(),
      kind: 'link',
      body: '',
      link: { ticket: ticket.id, app: ticket.app, template: ticket.template },
    },
    { id: `text${Date.now().toString(36)}`, from: ann.user.id, ts: Date.now(), kind: 'text', body: 'Meet at six?' },
  ])
  const cys = await connect(app.server, cy.token, pageDoc(withCy.id, 0))
  const cyMsgs = () => cys.doc.getArray<ChatMessage>(ROOTS.page.msgs).toArray()

  const { context, page } = await phone(app.browser)
  await page.addInitScript(() => {
    const w = window as unknown as { shared: unknown[] }
    w.shared = []
    // (a phone's share sheet: what it was handed, files by name, type and size)
    navigator.canShare = () => true
    navigator.share = async (data?: ShareData) => {
      w.shared.push(data?.files ? { files: data.files.map((f) => [f.name, f.type, f.size]) } : data)
    }
  })
  await signInInUi(page, app.server.url, 'ben.shout')
  await page.evaluate((id) => (location.hash = `#/chat/${id}`), withAnn.id)
  // a text to the share sheet
  await page.locator('.msg__bubble', { hasText: 'Meet at six?' }).click()
  await page.getByRole('button', { name: 'Share…' }).click()
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { shared: unknown[] }).shared))
    .toEqual([{ text: 'Meet at six?' }])
  // a photo goes to the share sheet as the picture itself, not only its name
  const picture = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a6' } })
    .jpeg()
    .toBuffer()
  const blob = await upload(app.server, ann.token, withAnn.id, 'photo', picture)
  await sendMedia(app.server, ann, withAnn.id, blob)
  await page.locator('.msg--theirs .media-photo__img.is-shown').click({ button: 'right' })
  await page.getByRole('button', { name: 'Share…' }).click()
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { shared: unknown[] }).shared[1]))
    .toEqual({ files: [[`sori-${blob.id}.jpeg`, 'image/jpeg', blob.size]] })

  // the card, forwarded to Cy: the same app and template, a ticket of Ben's own
  await page.locator('.msg__bubble:has(.sori-link)').click({ button: 'right' })
  expect(await page.getByRole('button', { name: 'Edit' }).count()).toBe(0)
  // the sheet quotes the card by its title (it has no text of its own)
  expect(await page.locator('.sheet__quote').textContent()).toContain('Battle me!')
  await page.getByRole('button', { name: 'Forward', exact: true }).click()
  await page.getByRole('list', { name: 'Forward to' }).getByRole('button', { name: 'Cy' }).click()
  await until(() => cyMsgs().some((m) => m.kind === 'link'), 'the card reaches Cy', 30_000)
  const card = cyMsgs().find((m) => m.kind === 'link')!
  expect(card.from).toBe(ben.user.id)
  expect(card.link?.app).toEqual(ticket.app)
  expect(card.link?.template).toEqual(ticket.template)
  expect(card.link?.ticket).not.toBe(ticket.id)
  annsPage.destroy()
  cys.destroy()
  await context.close()
}, 120_000)
