// Photos picked together arrive as one album: a grid in one bubble with one unread count, for the sender
// and the receiver; each photo still opens full screen where it sits and has its own actions.
import sharp from 'sharp'
import { expect, test } from 'vitest'
import { appHarness, friendsWithChat, phone, signInInUi } from './helpers.ts'
import type { Page } from 'playwright-core'

const app = appHarness()

const colour = (i: number) =>
  sharp({ create: { width: 400, height: 300, channels: 3, background: { r: (i * 53) % 256, g: (i * 97) % 256, b: 120 } } })
    .jpeg()
    .toBuffer()

async function openChat(page: Page, id: string) {
  await page.evaluate((c) => (location.hash = `#/chat/${c}`), id)
  await page.getByRole('textbox', { name: 'Message' }).waitFor()
}

test('five photos picked at once are one album of rows of three and two, each its own message', async () => {
  const { chat } = await friendsWithChat(app.server, { handle: 'ivy.album', name: 'Ivy' }, { handle: 'jon.album', name: 'Jon' })
  const ivy = await phone(app.browser)
  const jon = await phone(app.browser)
  await signInInUi(ivy.page, app.server.url, 'ivy.album')
  await signInInUi(jon.page, app.server.url, 'jon.album')
  await openChat(ivy.page, chat.id)

  // the uploads wait until the test has seen them on their way
  let release = () => {}
  const held = new Promise<void>((r) => (release = r))
  await ivy.context.route(/\/api\/uploads\/[^/]+$/, async (route) => {
    if (route.request().method() === 'PATCH') await held
    return route.continue()
  })
  const files = await Promise.all(
    [1, 2, 3, 4, 5, 6].map(async (i) => ({ name: `IMG_000${i}.jpg`, mimeType: 'image/jpeg', buffer: await colour(i) })),
  )
  const [chooser] = await Promise.all([
    ivy.page.waitForEvent('filechooser'),
    ivy.page.getByRole('button', { name: 'Send a photo or file' }).click(),
  ])
  await chooser.setFiles(files)

  // on their way they are already the album they will be: six tiles, each with its progress and its Cancel
  const going = ivy.page.locator('#app .msg--out.msg--album')
  await expect.poll(() => going.locator('.album__tile').count(), { timeout: 30_000 }).toBe(6)
  expect(await going.locator('progress').count()).toBe(6)
  await ivy.page.screenshot({ path: '/tmp/ui/shots/media-album-sending.png' })
  // Ivy thinks better of the last one
  await going.getByRole('button', { name: 'Cancel sending', description: '6 of 6' }).click()
  await expect.poll(() => going.locator('.album__tile').count()).toBe(5)
  release()

  // Ivy: once all five are sent, one bubble of five, not read by Jon yet
  const mine = ivy.page.locator('#app .msg--mine.msg--album:not(.msg--out)')
  await expect.poll(() => mine.locator('.album__tile').count(), { timeout: 60_000 }).toBe(5)
  await mine.and(ivy.page.locator('[data-state="sent"]')).waitFor({ timeout: 30_000 })
  expect(await ivy.page.locator('#app .msg--out').count()).toBe(0)
  expect(await mine.count()).toBe(1)
  expect(await mine.locator('.album__tile').count()).toBe(5)
  expect(await ivy.page.locator('#app .msg--media').count()).toBe(1)
  await expect.poll(() => mine.locator('.msg__unread').textContent()).toBe('1')
  // (read out as what it is)
  await mine.getByRole('img', { name: 'Not read by 1 member' }).waitFor()

  // Jon's chat list says what came, as KakaoTalk does: five photos, not "Photo"
  await jon.page.locator('.chat-row', { hasText: 'Ivy' }).getByText('5 photos', { exact: true }).waitFor({ timeout: 30_000 })

  // Jon: the same album, named for a screen reader, rows of three and two
  await openChat(jon.page, chat.id)
  const theirs = jon.page.getByRole('group', { name: 'Ivy: 5 photos' })
  await theirs.waitFor()
  const tiles = theirs.locator('.album__tile')
  await expect.poll(() => theirs.locator('.media-photo__img.is-shown').count(), { timeout: 30_000 }).toBe(5)
  const boxes = await Promise.all([0, 1, 2, 3, 4].map(async (i) => (await tiles.nth(i).boundingBox())!))
  expect(new Set(boxes.slice(0, 3).map((b) => Math.round(b.y))).size).toBe(1)
  expect(new Set(boxes.slice(3).map((b) => Math.round(b.y))).size).toBe(1)
  expect(boxes[3].y).toBeGreaterThan(boxes[0].y + boxes[0].height - 1)
  expect(boxes[3].width).toBeGreaterThan(boxes[0].width * 1.3)
  await jon.page.screenshot({ path: '/tmp/ui/shots/media-album.png' })
  // Jon has read them: Ivy's count goes
  await mine.locator('.msg__unread').waitFor({ state: 'detached' })

  // a finger held on a photo opens its actions (iOS fires no contextmenu), and lifting it opens nothing else
  const cdpHold = await jon.context.newCDPSession(jon.page)
  const box = (await tiles.nth(0).boundingBox())!
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
  await cdpHold.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [at] })
  const sheet = jon.page.getByRole('dialog', { name: 'Message' })
  await sheet.waitFor()
  await cdpHold.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] })
  await sheet.getByRole('button', { name: 'Reply' }).waitFor()
  expect(await jon.page.locator('dialog.viewer').count()).toBe(0)
  await sheet.getByRole('button', { name: 'Close' }).click()
  await sheet.waitFor({ state: 'detached' })

  // a tap opens that photo full screen, among the chat's five
  await theirs.getByRole('button', { name: 'View photo, 4 of 5' }).click()
  const viewer = jon.page.locator('dialog.viewer')
  await viewer.getByText('4 of 5').waitFor()
  // a finger's swipe to the left shows the next one (the touch goes to the viewer, not to the browser's panning)
  const cdp = await jon.context.newCDPSession(jon.page)
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', x?: number) =>
    cdp.send('Input.dispatchTouchEvent', { type, touchPoints: x === undefined ? [] : [{ x, y: 320 }] })
  await touch('touchStart', 300)
  for (const x of [270, 220, 160, 100]) await touch('touchMove', x)
  await touch('touchEnd')
  await viewer.getByText('5 of 5').waitFor()
  // and a mouse dragged to the right the one before (the picture is not dragged away as an image)
  await jon.page.mouse.move(80, 320)
  await jon.page.mouse.down()
  await jon.page.mouse.move(300, 320, { steps: 5 })
  await jon.page.mouse.up()
  await viewer.getByText('4 of 5').waitFor()
  await viewer.getByRole('button', { name: 'Close' }).click()
  await viewer.waitFor({ state: 'detached' })

  // a long press gives that photo's own actions: Ivy takes back the second
  const second = await mine.locator('.album__tile').nth(1).getAttribute('data-msg-id')
  await mine.locator('.album__tile').nth(1).click({ button: 'right' })
  await ivy.page.getByRole('dialog', { name: 'Message' }).getByRole('button', { name: 'Delete for everyone' }).click()
  await ivy.page.getByRole('dialog', { name: 'Delete for everyone' }).getByRole('button', { name: 'Delete for everyone' }).click()
  // Jon's album closes over the gap: four photos, still one bubble, that one nowhere
  const jonAlbum = jon.page.locator('#app .msg--album')
  await expect.poll(() => jonAlbum.locator('.album__tile').count()).toBe(4)
  expect(await jonAlbum.count()).toBe(1)
  expect(await jon.page.locator(`#app [data-msg-id="${second}"]`).count()).toBe(0)
  expect(await jon.page.locator('#app .msg__retracted').count()).toBe(0)
  await jon.page.getByRole('group', { name: 'Ivy: 4 photos' }).waitFor()

  await ivy.context.close()
  await jon.context.close()
})
