// Channels in real Chromium against the real server: a brand's admin creates a channel and writes a post
// with a button; a user finds it by a piece of its Korean name, follows it with one tap, sees it in the
// chat list like a chat (preview, unread count, live), reads it, and unfollows it with one tap. A button
// that is no web link is refused before anything is sent.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { appHarness, phone, signInInUi, tab } from './helpers.ts'

const app = appHarness()

const row = (page: Page, name: string) => page.locator('.channel-item', { hasText: name })

async function writePost(page: Page, text: string, button?: { label: string; url: string }): Promise<void> {
  await page.getByLabel('Text', { exact: true }).fill(text)
  if (button) {
    await page.getByRole('button', { name: 'Add a button' }).click()
    await page.getByLabel('Button text').fill(button.label)
    await page.getByLabel('Link', { exact: true }).fill(button.url)
  }
  await page.getByRole('button', { name: 'Post', exact: true }).click()
}

test('a channel is created and posts; a user finds it, follows it, reads it in the chat list, and unfollows it', async () => {
  await signUp(app.server, 'ann.brand', 'Ann')
  await signUp(app.server, 'ben.fan', 'Ben')
  const a = await phone(app.browser)
  const b = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.brand')
  await signInInUi(b.page, app.server.url, 'ben.fan')

  // Ann makes a channel from the Friends tab
  await tab(a.page, 'Friends').click()
  await a.page.getByRole('link', { name: 'Channels' }).click()
  // there are none yet: the directory says so, rather than that a search found nothing
  await a.page.getByText('No channels in your language yet.').waitFor()
  await a.page.getByLabel('In my language').uncheck()
  await a.page.getByText('No channels yet. Brands, shops and stars open theirs here.').waitFor()
  await a.page.getByLabel('Search').fill('music')
  await a.page.getByText('No channels found.').waitFor()
  await a.page.getByRole('link', { name: 'Create a channel' }).click()
  // what is missing is said in the app's words, not the browser's bubble
  await a.page.getByRole('button', { name: 'Create', exact: true }).click()
  await a.page.getByText('IDs are 3–20 characters: a–z, 0–9, dot or underscore.').waitFor()
  // the rules of an ID are there before anything is refused
  await a.page.getByText('3–20 letters a–z, digits, dots or underscores. People find the channel by it').waitFor()
  await a.page.getByLabel('Channel ID', { exact: true }).fill('starmusic')
  await a.page.getByRole('button', { name: 'Create', exact: true }).click()
  await a.page.getByText('Give the channel a name.').waitFor()
  await a.page.getByLabel('Name', { exact: true }).fill('스타뮤직 공식채널')
  await a.page.getByLabel('About').fill('New songs every Friday')
  await a.page.getByLabel('Category').selectOption('music')
  await a.page.getByRole('button', { name: 'Create', exact: true }).click()
  await a.page.getByText('You run this channel.').waitFor()
  await a.page.getByText('Fewer than 20 followers').waitFor()

  // a button that is no web link: refused on the phone, nothing posted
  await writePost(a.page, 'Click me', { label: 'Free', url: 'javascript:alert(1)' })
  await a.page.getByText('A button’s link must start with http:// or https://.').waitFor()
  await a.page.getByRole('button', { name: 'Remove button' }).click()
  expect(await a.page.locator('.post').count()).toBe(0)

  await writePost(a.page, 'New album out Friday', { label: 'Listen', url: 'https://music.example/album?id=7' })
  await a.page.getByText('Posted.').waitFor()
  const listen = a.page.locator('.post', { hasText: 'New album out Friday' }).getByRole('link', { name: 'Listen' })
  await listen.waitFor()
  expect(await listen.getAttribute('href')).toBe('https://music.example/album?id=7')
  expect(await listen.getAttribute('rel')).toBe('noopener noreferrer')

  // Ben finds it by a piece of its name and follows it with one tap
  await tab(b.page, 'Friends').click()
  await b.page.getByRole('link', { name: 'Channels' }).click()
  await b.page.getByLabel('Search channels').fill('뮤직')
  const found = b.page.getByRole('list', { name: 'Channels' }).locator('li', { hasText: '스타뮤직 공식채널' })
  await found.getByText('@starmusic').waitFor()
  // the small button takes a thumb's 44 px: a tap just above or below what it draws is its own (measured and
  // tapped in one go, so that a list still settling cannot move it in between)
  const followButton = found.getByRole('button', { name: 'Follow', exact: true })
  const edges = await followButton.evaluate((b) => {
    const r = b.getBoundingClientRect()
    const at = (y: number) => document.elementFromPoint(r.x + r.width / 2, y)?.closest('button') === b
    return { height: r.height, above: at(r.top - 3), below: at(r.bottom + 3) }
  })
  expect(edges.height).toBeLessThan(44)
  expect(edges).toMatchObject({ above: true, below: true })
  await followButton.click()
  await found.getByRole('button', { name: 'Unfollow' }).waitFor()

  // in his chat list like a chat: the latest post, nothing unread of what was there before he followed
  await b.page.evaluate(() => (location.hash = '#/chats'))
  await row(b.page, '스타뮤직 공식채널').getByText('New album out Friday').waitFor({ timeout: 20_000 })
  expect(await row(b.page, '스타뮤직 공식채널').locator('.badge').count()).toBe(0)

  // a new post: live in his list, unread 1
  await writePost(a.page, 'Tickets on sale now')
  await row(b.page, '스타뮤직 공식채널').getByText('Tickets on sale now').waitFor({ timeout: 20_000 })
  await expect.poll(() => row(b.page, '스타뮤직 공식채널').locator('.badge').textContent(), { timeout: 20_000 }).toBe('1')

  // reading it: both posts, newest first; back in the list nothing is unread
  await row(b.page, '스타뮤직 공식채널').getByRole('link').click()
  await b.page.getByRole('heading', { name: '스타뮤직 공식채널' }).waitFor()
  await expect
    .poll(() => b.page.locator('.post .post__text').allTextContents())
    .toEqual(['Tickets on sale now', 'New album out Friday'])
  await b.page.evaluate(() => (location.hash = '#/chats'))
  await row(b.page, '스타뮤직 공식채널').waitFor()
  expect(await row(b.page, '스타뮤직 공식채널').locator('.badge').count()).toBe(0)

  // muted with one tap on its home (its posts still come; only their pushes stop), and turned back on
  await row(b.page, '스타뮤직 공식채널').getByRole('link').click()
  // its actions: Unfollow across, the others two by two, of one width (long words made a ragged stack)
  const widths = await Promise.all(
    ['Unfollow', 'Chat', 'Mute', 'Block', 'Report'].map((name) =>
      b.page
        .getByRole('button', { name, exact: true })
        .boundingBox()
        .then((box) => Math.round(box!.width)),
    ),
  )
  expect(widths.slice(2).every((w) => w === widths[1])).toBe(true)
  expect(widths[0]).toBeGreaterThan(2 * widths[1])
  await b.page.getByRole('button', { name: 'Mute', exact: true }).click()
  // the chat list marks it muted, as it marks a muted chat
  await b.page.getByRole('button', { name: 'Unmute' }).waitFor()
  await b.page.evaluate(() => (location.hash = '#/chats'))
  await row(b.page, '스타뮤직 공식채널').getByRole('img', { name: 'Muted' }).waitFor()
  await row(b.page, '스타뮤직 공식채널').getByRole('link').click()
  await b.page.getByRole('button', { name: 'Unmute' }).click()
  await b.page.getByRole('button', { name: 'Mute', exact: true }).waitFor()
  await b.page.evaluate(() => (location.hash = '#/chats'))
  await row(b.page, '스타뮤직 공식채널').waitFor()
  await expect.poll(() => row(b.page, '스타뮤직 공식채널').getByRole('img', { name: 'Muted' }).count()).toBe(0)
  await row(b.page, '스타뮤직 공식채널').getByRole('link').click()

  // reported to Sori's team: a reason, a note, a thank-you; the operator has it, the channel never sees it
  await b.page.getByRole('button', { name: 'Report', exact: true }).click()
  const sheet = b.page.getByRole('dialog', { name: 'Report this channel' })
  await sheet.getByRole('radio', { name: 'A scam' }).check()
  await sheet.getByLabel('Anything to add (optional)').fill('asks for bank details')
  await sheet.getByRole('button', { name: 'Send report' }).click()
  await sheet.getByText('Sori’s team will look at it').waitFor()
  expect(await app.server.db.all('SELECT reason, note FROM channel_reports')).toEqual([
    { reason: 'scam', note: 'asks for bank details' },
  ])
  await b.page.keyboard.press('Escape')

  // unfollowed with one tap on its home: gone from the list
  await b.page.getByRole('button', { name: 'Unfollow' }).click()
  await b.page.getByRole('button', { name: 'Follow', exact: true }).waitFor()
  await b.page.evaluate(() => (location.hash = '#/chats'))
  await expect.poll(() => row(b.page, '스타뮤직 공식채널').count(), { timeout: 20_000 }).toBe(0)

  // a brand's "Add channel" button opens #/c/<its @ID>: signed out, it is where sign-in lands, one tap from following
  const c = await phone(app.browser)
  await signUp(app.server, 'cy.fan', 'Cy')
  await c.page.goto(`${app.server.url}/#/c/starmusic`)
  await c.page.getByRole('tab', { name: 'Sign in' }).click()
  await c.page.getByLabel('ID', { exact: true }).fill('cy.fan')
  await c.page.getByLabel('Password').fill(TEST_PASSWORD)
  await c.page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await c.page.getByRole('heading', { name: '스타뮤직 공식채널' }).waitFor()
  await c.page.getByRole('button', { name: 'Follow', exact: true }).click()
  await c.page.getByRole('button', { name: 'Unfollow' }).waitFor()
  // an @ID no channel has
  await c.page.evaluate(() => (location.hash = '#/c/nochannelhere'))
  await c.page.getByText('No channels found.').waitFor()

  // in German, where no channel posts yet, the directory is empty and offers every language
  await c.page.evaluate(() => (location.hash = '#/settings'))
  await c.page.locator('#language-picker').selectOption('de')
  await c.page.evaluate(() => (location.hash = '#/channels'))
  await c.page.getByText('Noch keine Kanäle in deiner Sprache.').waitFor()
  await c.page.getByRole('button', { name: 'Kanäle in allen Sprachen zeigen' }).click()
  await c.page.getByRole('list').getByText('스타뮤직 공식채널').waitFor()

  await a.context.close()
  await b.context.close()
  await c.context.close()
}, 120_000)

test('in French, a followed channel keeps its name whole and its follower count readable beside a narrow Unfollow', async () => {
  const shop = await signUp(app.server, 'dupont.shop', 'Dupont')
  await signUp(app.server, 'eve.fr', 'Ève')
  await api(app.server, shop.token, 'POST', '/api/channels', {
    handle: 'boulangerie.dupont',
    name: 'Boulangerie Dupont',
    category: 'food',
    langs: ['fr'],
  })
  const { context, page } = await phone(app.browser)
  await signInInUi(page, app.server.url, 'eve.fr')
  await page.evaluate(() => (location.hash = '#/settings'))
  await page.locator('#language-picker').selectOption('fr')
  await page.evaluate(() => (location.hash = '#/channels'))
  const item = page.getByRole('list', { name: 'Chaînes' }).locator('li', { hasText: 'Boulangerie Dupont' })
  await item.getByRole('button', { name: 'S’abonner', exact: true }).click()
  const unfollow = item.getByRole('button', { name: 'Se désabonner', exact: true })
  await unfollow.waitFor()

  // the button stays narrow (its label on two lines) rather than taking a third of a 360 px row
  expect((await unfollow.boundingBox())!.width).toBeLessThanOrEqual(104)
  // "Boulangerie" is on one line: the name breaks between its words, never inside one
  const wordLines = await item.locator('.row__title').evaluate((el) => {
    const text = el.firstChild!
    const range = document.createRange()
    const at = (text.textContent ?? '').indexOf('Boulangerie')
    range.setStart(text, at)
    range.setEnd(text, at + 'Boulangerie'.length)
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size
  })
  expect(wordLines).toBe(1)
  // the follower count is shown whole, not cut to "Moins de 20 …"
  const count = item.getByText('Moins de 20 abonnés', { exact: true })
  expect(await count.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
  await context.close()
})
