// The post composer's list and carousel posts, in real Chromium against the real server: the admin picks
// the kind, writes a list of two items (one with a link) and sees it in the preview before posting it,
// then a carousel of two cards (one with a button). A card button whose link is no web address is refused
// on the phone, with the card it is on named, and nothing is posted; once fixed, the carousel goes out.
// A list scheduled for later goes to the server's schedule. A follower whose device knew the channel
// before reads both posts with their items and cards.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import type { Channel } from '../../protocol/channels.ts'
import type { ScheduledPost } from '../../protocol/scheduled.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()
const SHOTS = process.env.SORI_SHOTS_DIR
const row = (page: Page) => page.locator('.channel-item', { hasText: 'Harbor Café' })

test('an admin composes a list and a carousel with a preview; a bad card is refused; a follower reads both', async () => {
  const ann = await signUp(app.server, 'ann.harbor', 'Ann')
  const ben = await signUp(app.server, 'ben.harbor', 'Ben')
  const ch = (
    await api<Channel>(app.server, ann.token, 'POST', '/api/channels', {
      handle: 'harborcafe',
      name: 'Harbor Café',
      category: 'food',
      langs: ['en'],
    })
  ).body
  expect((await api(app.server, ben.token, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)

  // the follower's device knows the channel before anything is posted
  const b = await phone(app.browser)
  await signInInUi(b.page, app.server.url, 'ben.harbor')
  await row(b.page).waitFor({ timeout: 20_000 })

  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.harbor')
  await a.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  const composer = a.page.locator('form', { has: a.page.getByText('Write a post') })
  const kind = (name: string) => composer.getByRole('group', { name: 'Kind of post' }).getByRole('button', { name, exact: true })
  const preview = composer.getByRole('region', { name: 'Preview' }).locator('.post')
  const feed = a.page.getByRole('feed', { name: 'Posts' }).locator('.post')
  await kind('Text').waitFor()
  expect(await kind('Text').getAttribute('aria-pressed')).toBe('true')

  // a list of two items, the second with a link: the preview shows it as it is written
  await kind('List').click()
  expect(await kind('List').getAttribute('aria-pressed')).toBe('true')
  await composer.getByLabel('Text', { exact: true }).fill('This week at the harbor')
  const item1 = composer.getByRole('group', { name: 'Item 1', exact: true })
  await item1.getByLabel('Title', { exact: true }).fill('Flat white')
  await item1.getByLabel('Description (optional)').fill('Oat milk at no extra cost')
  await composer.getByRole('button', { name: 'Add an item' }).click()
  const item2 = composer.getByRole('group', { name: 'Item 2', exact: true })
  await item2.getByLabel('Title', { exact: true }).fill('Opening hours')
  await item2.getByLabel('Link (optional)').fill('https://harbor.example/hours')
  await preview.getByRole('link', { name: 'Opening hours' }).waitFor()
  expect(await preview.locator('.post__text').textContent()).toBe('This week at the harbor')
  expect(await preview.locator('.post__list li').allTextContents()).toEqual([
    'Flat white Oat milk at no extra cost',
    'Opening hours',
  ])
  expect(await preview.getByRole('link', { name: 'Opening hours' }).getAttribute('href')).toBe('https://harbor.example/hours')
  await composer.getByRole('button', { name: 'Post', exact: true }).click()
  await composer.getByText('Posted.').waitFor({ timeout: 20_000 })
  await feed.filter({ hasText: 'This week at the harbor' }).getByRole('link', { name: 'Opening hours' }).waitFor()
  // the composer is back to an empty text post, with no preview open
  expect(await kind('Text').getAttribute('aria-pressed')).toBe('true')
  expect(await composer.getByLabel('Text', { exact: true }).inputValue()).toBe('')
  expect(await composer.locator('.post').count()).toBe(0)

  // a carousel of two cards; the first card's button opens no web page
  await kind('Carousel').click()
  await composer.getByLabel('Text', { exact: true }).fill('New beans in store')
  const card1 = composer.getByRole('group', { name: 'Card 1', exact: true })
  const card2 = composer.getByRole('group', { name: 'Card 2', exact: true })
  await card1.getByLabel('Title', { exact: true }).fill('Autumn blend')
  await card1.getByLabel('Description (optional)').fill('Dark chocolate and fig')
  await card1.getByRole('button', { name: 'Add a button' }).click()
  await card1.getByLabel('Button text').fill('Order')
  await card1.getByLabel('Link', { exact: true }).fill('javascript:alert(1)')
  await card2.getByLabel('Title', { exact: true }).fill('Winter blend')
  await expect
    .poll(() => preview.locator('.post__card strong').allTextContents(), { timeout: 20_000 })
    .toEqual(['Autumn blend', 'Winter blend'])
  expect(await preview.locator('.post__card').first().textContent()).toContain('Dark chocolate and fig')
  // the preview, as the feed, never shows a button that opens no web page
  expect(await preview.getByRole('link', { name: 'Order' }).count()).toBe(0)
  if (SHOTS) {
    await kind('Carousel').scrollIntoViewIfNeeded()
    await a.page.screenshot({ path: `${SHOTS}/composer-carousel.png` })
    await card1.getByLabel('Link', { exact: true }).scrollIntoViewIfNeeded()
    await a.page.screenshot({ path: `${SHOTS}/composer-carousel-card.png` })
    await preview.scrollIntoViewIfNeeded()
    await a.page.screenshot({ path: `${SHOTS}/composer-carousel-preview.png` })
  }

  await composer.getByRole('button', { name: 'Post', exact: true }).click()
  await composer.getByRole('alert').getByText('Card 1: A button’s link must start with http:// or https://.').waitFor()
  expect(await composer.getByRole('status').textContent()).toBe('')
  expect(await feed.count()).toBe(1)
  // a card without a title is refused too, named
  await card2.getByLabel('Title', { exact: true }).fill(' ')
  await card1.getByLabel('Link', { exact: true }).fill('https://harbor.example/autumn')
  await composer.getByRole('button', { name: 'Post', exact: true }).click()
  await composer.getByRole('alert').getByText('Card 2: A title needs 1 to 60 characters.').waitFor()
  expect(await feed.count()).toBe(1)

  await card2.getByLabel('Title', { exact: true }).fill('Winter blend')
  await preview.getByRole('link', { name: 'Order' }).waitFor()
  await composer.getByRole('button', { name: 'Post', exact: true }).click()
  await composer.getByText('Posted.').waitFor({ timeout: 20_000 })
  await feed.filter({ hasText: 'New beans in store' }).getByRole('link', { name: 'Order' }).waitFor()
  expect(await feed.count()).toBe(2)
  expect(await composer.locator('.form__error').textContent()).toBe('')

  // a list scheduled for later (an hour from now, as offered) goes to the server's schedule, checked alike
  await kind('List').click()
  await composer.getByRole('group', { name: 'Item 1', exact: true }).getByLabel('Title', { exact: true }).fill('Tasting night')
  await composer.getByLabel('Schedule for later').check()
  await composer.getByRole('button', { name: 'Schedule', exact: true }).click()
  await composer.getByText(/^Scheduled for /).waitFor()
  const listed = (await api<ScheduledPost[]>(app.server, ann.token, 'GET', `/api/channels/${ch.id}/scheduled`)).body
  expect(listed).toMatchObject([{ state: 'pending', post: { kind: 'list', items: [{ title: 'Tasting night' }] } }])
  expect(listed[0].post.text).toBeUndefined()
  expect(await feed.count()).toBe(2)

  // a photo post cannot wait, and the form says why rather than hiding the choice
  await kind('Photo').click()
  const later = composer.getByRole('checkbox', { name: 'Schedule for later' })
  expect(await later.isDisabled()).toBe(true)
  expect(await later.isChecked()).toBe(false)
  await composer.getByText('A post with a photo or video goes out as soon as you post it.').waitFor()
  await kind('Text').click()
  expect(await later.isDisabled()).toBe(false)

  // the follower: both posts, with their items and cards, and nothing of the refused drafts
  await b.page.reload()
  await expect.poll(() => row(b.page).locator('.badge').textContent(), { timeout: 20_000 }).toBe('2')
  await row(b.page).click()
  const posts = b.page.getByRole('feed', { name: 'Posts' }).locator('.post')
  const carousel = posts.filter({ hasText: 'New beans in store' })
  await carousel.waitFor({ timeout: 20_000 })
  expect(await posts.count()).toBe(2)
  expect(await carousel.locator('.post__card strong').allTextContents()).toEqual(['Autumn blend', 'Winter blend'])
  expect(await carousel.getByRole('link', { name: 'Order' }).getAttribute('href')).toBe('https://harbor.example/autumn')
  const list = posts.filter({ hasText: 'This week at the harbor' })
  expect(await list.locator('.post__list li').allTextContents()).toEqual([
    'Flat white Oat milk at no extra cost',
    'Opening hours',
  ])
  expect(await list.getByRole('link', { name: 'Opening hours' }).getAttribute('href')).toBe('https://harbor.example/hours')
  for (const d of [a, b]) await d.context.close()
})
