// "Cancel sending": a message written offline can be taken back before it goes. It leaves the room, the
// chat list and search, never reaches the friend (not even its words), and the friend's next message
// still counts as unread. A withdrawal that comes too late (the message had reached the server, its
// acknowledgement lost on the way) leaves it in the chat as sent, and says so.
import { expect, test } from 'vitest'
import * as Y from 'yjs'
import { CLOSE, MSG_ACK, MSG_SYNC } from '../../protocol/wire.ts'
import { headDoc } from '../../protocol/docs.ts'
import { bodies, connect, send, until } from '../fixtures/sync-client.ts'
import { appHarness, friendWrote, message, phone, sendInUi, signInInUi } from './helpers.ts'

const app = appHarness()

const hasText = (doc: Y.Doc, text: string) => Buffer.from(Y.encodeStateAsUpdate(doc)).includes(Buffer.from(text))

test('a message written offline and cancelled never reaches the friend; the rest goes, and their reply counts as new', async () => {
  const { them: bo, theirPage } = await friendWrote(
    app.server,
    { handle: 'ann.withdraw', name: 'Ann' },
    { handle: 'bo.withdraw', name: 'Bo' },
    ['Are you coming tonight?'],
  )
  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'ann.withdraw')
  const row = page.locator('.chat-row', { hasText: 'Bo' })
  await row.click()
  await message(page, 'Are you coming tonight?').waitFor()
  await sendInUi(page, 'Yes!')
  await page.locator('.msg[data-state="sent"]', { hasText: 'Yes!' }).waitFor()
  const sheet = page.getByRole('dialog')
  // a message that was sent can be deleted for everyone, not cancelled
  await message(page, 'Yes!').locator('.msg__bubble').click()
  await sheet.getByRole('button', { name: 'Delete for everyone' }).waitFor()
  expect(await sheet.getByRole('button', { name: 'Cancel sending' }).count()).toBe(0)
  await page.keyboard.press('Escape')
  await sheet.waitFor({ state: 'detached' })

  await context.setOffline(true)
  await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ timeout: 20_000 })
  await sendInUi(page, 'See you at eight')
  await sendInUi(page, 'Sent to the wrong chat')
  await page.locator('.msg[data-state="waiting"]', { hasText: 'Sent to the wrong chat' }).waitFor()
  await message(page, 'Sent to the wrong chat').locator('.msg__bubble').click()
  // not there for anyone yet: neither deleted for everyone, nor edited, nor reacted to
  await sheet.getByRole('button', { name: 'Cancel sending' }).waitFor()
  for (const name of ['Delete for everyone', 'Delete on this device', 'Edit'])
    expect(await sheet.getByRole('button', { name }).count()).toBe(0)
  await sheet.getByRole('button', { name: 'Cancel sending' }).click()
  await expect.poll(() => message(page, 'Sent to the wrong chat').count()).toBe(0)
  await message(page, 'See you at eight').waitFor()

  // the chat list's latest is the message before it
  await page.getByRole('button', { name: 'Back' }).click()
  await row.locator('.row__sub', { hasText: 'See you at eight' }).waitFor({ timeout: 10_000 })

  // online again: what was not cancelled goes, once
  await context.setOffline(false)
  await row.getByLabel('Messages waiting to be sent').waitFor({ state: 'detached', timeout: 30_000 })
  await until(() => bodies(theirPage).includes('See you at eight'), 'Bo gets the message written with it')
  expect(bodies(theirPage)).toEqual(['Are you coming tonight?', 'Yes!', 'See you at eight'])
  expect(hasText(theirPage.doc, 'wrong chat')).toBe(false)
  // search, which reads this phone's own index, does not find it
  await page.evaluate(() => (location.hash = '#/search'))
  await page.locator('.search-form input[type=search]').fill('wrong chat')
  await page.getByText('Nothing found for “wrong chat”.').waitFor({ timeout: 10_000 })
  await page.locator('.search-form input[type=search]').fill('eight')
  await page.locator('.search__hit', { hasText: 'See you at eight' }).first().waitFor({ timeout: 10_000 })
  await page.evaluate(() => (location.hash = '#/chats'))

  // Ann had read up to her own messages; the one taken back no longer counts: Bo's answer is new to her
  send(theirPage, bo.user.id, 'Great, eight it is')
  await row.locator('.row__sub', { hasText: 'Great, eight it is' }).waitFor({ timeout: 20_000 })
  await expect.poll(() => row.locator('.badge').textContent(), { timeout: 20_000 }).toBe('1')
  theirPage.destroy()
  await context.close()
})

test('a message cancelled after it had reached the server stays, as sent, and the room says so', async () => {
  const { theirPage } = await friendWrote(app.server, { handle: 'ann.late', name: 'Ann' }, { handle: 'bo.late', name: 'Bo' }, [
    'Did you send it?',
  ])
  const { context, page } = await phone(app.browser)
  // the server's acknowledgements are lost on the way, as on a network that drops out right after sending
  let dropAcks = false
  await page.routeWebSocket(/\/sync\//, (ws) => {
    const server = ws.connectToServer()
    server.onMessage((m) => {
      if (dropAcks && typeof m !== 'string' && m[0] === MSG_ACK) return
      ws.send(m)
    })
  })
  await signInInUi(page, app.server.url, 'ann.late')
  const row = page.locator('.chat-row', { hasText: 'Bo' })
  await row.click()
  await message(page, 'Did you send it?').waitFor()

  dropAcks = true
  await sendInUi(page, 'The report is attached')
  await until(() => bodies(theirPage).includes('The report is attached'), 'the server has it, and Bo')
  await page.locator('.msg[data-state="waiting"]', { hasText: 'The report is attached' }).waitFor()
  await context.setOffline(true)
  await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ timeout: 20_000 })
  await sendInUi(page, 'Written after it')
  await message(page, 'The report is attached').locator('.msg__bubble').click()
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel sending' }).click()
  await expect.poll(() => message(page, 'The report is attached').count()).toBe(0)

  dropAcks = false
  await context.setOffline(false)
  await page
    .getByRole('status')
    .filter({ hasText: 'Too late to cancel: the message had already been sent.' })
    .waitFor({ timeout: 30_000 })
  await page.locator('.msg[data-state="sent"]', { hasText: 'The report is attached' }).waitFor({ timeout: 30_000 })
  await page.locator('.msg[data-state="sent"]', { hasText: 'Written after it' }).waitFor({ timeout: 30_000 })
  await until(() => bodies(theirPage).includes('Written after it'), 'Bo gets the message written after it')
  expect(bodies(theirPage)).toEqual(['Did you send it?', 'The report is attached', 'Written after it'])
  expect(await message(page, 'The report is attached').count()).toBe(1)
  expect(await message(page, 'Written after it').count()).toBe(1)

  // where Ann read up to is the server's again: Bo's next message is new to her, and only that one
  await page.getByRole('button', { name: 'Back' }).click()
  send(theirPage, theirPage.doc.getArray<{ from: string }>('msgs').get(0).from, 'Got both, thanks')
  await row.locator('.row__sub', { hasText: 'Got both, thanks' }).waitFor({ timeout: 20_000 })
  await expect.poll(() => row.locator('.badge').textContent(), { timeout: 20_000 }).toBe('1')
  theirPage.destroy()
  await context.close()
})

test('a withdrawal the server took, after a read position it counted, leaves where the member read up to working', async () => {
  const {
    me: ann,
    them: bo,
    chat,
    theirPage,
  } = await friendWrote(app.server, { handle: 'ann.ahead', name: 'Ann' }, { handle: 'bo.ahead', name: 'Bo' }, ['Hi Ann'])
  const { context, page } = await phone(app.browser)
  // what Ann writes into the page is lost on the way, while where she read up to (the head) goes through
  // and its acknowledgement is lost: her phone cannot know the server counted the message in it
  let lossy = false
  let headRefused = false
  const at = (url: string) => decodeURIComponent(url).split('?')[0]
  await page.routeWebSocket(/\/sync\//, (ws) => {
    const server = ws.connectToServer()
    const isPage = at(ws.url()).endsWith(`${chat.id}:0`)
    const isHead = at(ws.url()).endsWith(headDoc(chat.id))
    ws.onMessage((m) => {
      // a sync step 2 or an update (a step 1 still goes: the socket opens)
      if (lossy && isPage && typeof m !== 'string' && m[0] === MSG_SYNC && m[1] !== 0) return
      server.send(m)
    })
    server.onMessage((m) => {
      if (lossy && isHead && typeof m !== 'string' && m[0] === MSG_ACK) return
      ws.send(m)
    })
    server.onClose((code, reason) => {
      if (isHead && code === CLOSE.REFUSED) headRefused = true
      void ws.close({ code, reason })
    })
  })
  await signInInUi(page, app.server.url, 'ann.ahead')
  await page.locator('.chat-row', { hasText: 'Bo' }).click()
  await message(page, 'Hi Ann').waitFor()
  const head = await connect(app.server, bo.token, headDoc(chat.id))
  const annRead = () => head.doc.getMap<number>('reads').get(ann.user.id) ?? 0
  await until(() => annRead() === 1, 'Ann has read the first message')

  lossy = true
  await sendInUi(page, 'Forget this')
  await until(() => annRead() === 2, 'the server has where Ann read up to, past her message it never got')
  await context.setOffline(true)
  await page.getByRole('status').filter({ hasText: 'Offline' }).waitFor({ timeout: 20_000 })
  await message(page, 'Forget this').locator('.msg__bubble').click()
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel sending' }).click()
  await expect.poll(() => message(page, 'Forget this').count()).toBe(0)
  lossy = false
  await context.setOffline(false)
  // her phone moved where she read up to back past the message, which the server had counted
  await until(() => headRefused, 'the server refuses the read position, lower than the one it holds')

  // Bo writes on while Ann has the chat open: she reads them, and the server learns it
  send(theirPage, bo.user.id, 'Still there?')
  send(theirPage, bo.user.id, 'Hello?')
  await message(page, 'Hello?').waitFor({ timeout: 20_000 })
  await until(() => annRead() === 3, 'where Ann read up to reaches the server again', 30_000)
  expect(bodies(theirPage)).toEqual(['Hi Ann', 'Still there?', 'Hello?'])
  head.destroy()
  theirPage.destroy()
  await context.close()
})
