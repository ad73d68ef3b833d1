// A channel's customer groups in real Chromium: the admin lists a follower's Sori ID (and one nobody has)
// in a new group on the groups screen, which shows its posts and says it tells nothing of who or how many
// of the listed people follow, then writes a post for the group from the composer. The follower in the group sees it, marked with the
// group's name, and counts it unread on the channel's chat-list row; a follower outside it sees neither.
// The admin then renames the group and deletes it.
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { CHANNEL_ROOTS, channelPageDoc, type Channel, type ChannelPost } from '../../protocol/channels.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, until } from '../fixtures/sync-client.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()
const row = (page: Page) => page.locator('.channel-item', { hasText: 'Harbor Coffee' })
const SHOTS = process.env.SORI_SHOTS_DIR

test('a post for a customer group reaches its people only, marked with the group; the admin renames and deletes the group', async () => {
  const admin = await signUp(app.server, 'ann.harbor', 'Ann')
  const mia = await signUp(app.server, 'mia.harbor', 'Mia')
  const otto = await signUp(app.server, 'otto.harbor', 'Otto')
  const ch = (
    await api<Channel>(app.server, admin.token, 'POST', '/api/channels', {
      handle: 'harborcoffee',
      name: 'Harbor Coffee',
      category: 'food',
      langs: ['en', 'ja'],
    })
  ).body
  for (const s of [mia, otto]) expect((await api(app.server, s.token, 'POST', `/api/channels/${ch.id}/follow`)).status).toBe(200)

  // the admin makes the group from the channel's home
  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.harbor')
  await a.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  await a.page.getByRole('button', { name: 'Customer groups' }).click()
  await a.page.getByRole('heading', { name: 'Customer groups' }).waitFor()
  await a.page.getByText('Sori tells you nothing about the people you list').waitFor()
  // and the group's name is no secret from its people
  await a.page.getByText('The people in a group see its name on its posts').first().waitFor()
  await a.page.getByText('No groups yet.').waitFor()
  await a.page.getByLabel('Group name').fill('VIP members')
  // something that cannot be an ID is named, and nothing is made
  await a.page.getByLabel('Sori IDs', { exact: true }).fill('@mia.harbor, mia/harbor')
  await a.page.getByRole('button', { name: 'Create group' }).click()
  await a.page.getByRole('alert').getByText('Not a Sori ID: mia/harbor').waitFor()
  await a.page.getByLabel('Sori IDs', { exact: true }).fill('@mia.harbor\nnobody.harbor')
  await a.page.getByRole('button', { name: 'Create group' }).click()
  const item = a.page.getByRole('listitem', { name: 'VIP members' })
  await item.waitFor()
  // its posts count, and nothing about the people listed
  expect(await item.locator('dd').allTextContents()).toEqual(['0'])
  if (SHOTS) await a.page.screenshot({ path: `${SHOTS}/channel-groups.png` })

  // the followers' devices know the channel (and Mia's its group) before anything is posted
  const m = await phone(app.browser)
  await signInInUi(m.page, app.server.url, 'mia.harbor')
  const o = await phone(app.browser)
  await signInInUi(o.page, app.server.url, 'otto.harbor')
  for (const d of [m, o]) await row(d.page).waitFor({ timeout: 20_000 })

  // the composer: a group takes the post out of the languages and of scheduling
  await a.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  const composer = a.page.locator('form', { has: a.page.getByText('Write a post') })
  await composer.getByLabel('Customer group').selectOption({ label: 'VIP members' })
  expect(await composer.getByRole('checkbox', { name: 'Japanese' }).isDisabled()).toBe(true)
  expect(await composer.getByRole('checkbox', { name: 'Schedule for later' }).isDisabled()).toBe(true)
  await composer.getByText(/^Only followers in this customer group see it/).waitFor()
  await composer.locator('textarea').first().fill('Tasting night for our regulars on Friday')
  if (SHOTS) {
    await composer.getByLabel('Customer group').scrollIntoViewIfNeeded()
    await a.page.screenshot({ path: `${SHOTS}/composer-group.png` })
  }
  await composer.getByRole('button', { name: 'Post', exact: true }).click()
  const mine = a.page.locator('.post', { hasText: 'Tasting night for our regulars on Friday' })
  await mine.waitFor({ timeout: 20_000 })
  expect(await mine.textContent()).toContain('For VIP members')
  // (the form is cleared once the post is stored, which may come a moment after it shows)
  await expect.poll(() => composer.getByLabel('Customer group').inputValue()).toBe('')

  // the server has it in Mia's group feed, and tells Otto of no group
  await expect
    .poll(
      async () =>
        (await api<Channel>(app.server, mia.token, 'GET', `/api/channels/${ch.id}`)).body.groups?.map((g) => g.latest.count),
      { timeout: 20_000 },
    )
    .toEqual([1])
  expect((await api<Channel>(app.server, otto.token, 'GET', `/api/channels/${ch.id}`)).body.groups).toBeUndefined()

  // the list asks for the channels' latest posts again every minute; a reload asks at once
  for (const d of [m, o]) await d.page.reload()
  await expect.poll(() => row(m.page).locator('.badge').textContent(), { timeout: 20_000 }).toBe('1')
  expect(await row(m.page).textContent()).toContain('Tasting night for our regulars on Friday')
  await row(m.page).click()
  const hers = m.page.locator('.post', { hasText: 'Tasting night for our regulars on Friday' })
  await hers.waitFor({ timeout: 20_000 })
  expect(await hers.textContent()).toContain('For VIP members')
  // opened: nothing unread any more
  await m.page.evaluate(() => (location.hash = '#/chats'))
  await row(m.page).waitFor()
  await expect.poll(() => row(m.page).locator('.badge').count(), { timeout: 20_000 }).toBe(0)

  // Otto is not in the group: no unread, no preview, and no post in the channel
  await row(o.page).waitFor({ timeout: 20_000 })
  expect(await row(o.page).locator('.badge').count()).toBe(0)
  expect(await row(o.page).textContent()).not.toContain('Tasting night')
  await row(o.page).click()
  await o.page.getByText('No posts yet.').waitFor({ timeout: 20_000 })
  expect(await o.page.locator('.post').count()).toBe(0)
  expect(await o.page.content()).not.toContain('Tasting night')

  // a post for everyone, and Mia on a new device, which has counted nothing yet: her app reports she saw
  // the channel's post, and never the group's, though both are on her screen
  const feed = await connect(app.server, admin.token, channelPageDoc(ch.id, 0), { ack: true })
  feed.doc
    .getArray<ChannelPost>(CHANNEL_ROOTS.page.posts)
    .push([{ id: 'publicpost01', from: admin.user.id, ts: Date.now(), kind: 'text', text: 'Open to all on Saturday' }])
  await until(() => feed.ackedClock() > 0, 'the post committed')
  const m2 = await phone(app.browser)
  const reported: string[] = []
  m2.page.on('request', (r) => {
    if (r.url().endsWith(`/api/channels/${ch.id}/insights`))
      reported.push(...((r.postDataJSON() as { views?: string[] }).views ?? []))
  })
  await signInInUi(m2.page, app.server.url, 'mia.harbor')
  await row(m2.page).click()
  await m2.page.locator('.post', { hasText: 'Open to all on Saturday' }).waitFor({ timeout: 20_000 })
  await m2.page.locator('.post', { hasText: 'Tasting night for our regulars on Friday' }).waitFor({ timeout: 20_000 })
  await expect.poll(() => reported, { timeout: 20_000 }).toContain('publicpost01')
  expect(reported.filter((id) => id !== 'publicpost01')).toEqual([])
  feed.destroy()
  await m2.context.close()

  // the admin renames the group (its list kept), then deletes it after saying so
  await a.page.getByRole('button', { name: 'Customer groups' }).click()
  const vip = a.page.getByRole('listitem', { name: 'VIP members' })
  await expect.poll(() => vip.locator('dd').allTextContents(), { timeout: 20_000 }).toEqual(['1'])
  await vip.getByRole('button', { name: 'Edit' }).click()
  await vip.getByLabel('Group name').fill('Regulars')
  await vip.getByRole('button', { name: 'Save' }).click()
  const regulars = a.page.getByRole('listitem', { name: 'Regulars' })
  await regulars.getByRole('button', { name: 'Delete group' }).click()
  await a.page.getByText('Delete the group “Regulars”? This cannot be undone.').waitFor()
  await a.page.getByRole('dialog').getByRole('button', { name: 'Delete group' }).click()
  await a.page.getByText('No groups yet.').waitFor()
  expect((await api<unknown[]>(app.server, admin.token, 'GET', `/api/channels/${ch.id}/groups`)).body).toEqual([])
  for (const d of [a, m, o]) await d.context.close()
})
