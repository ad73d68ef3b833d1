// A channel's admin changes it in the app: its name, what it is about (a web address in it becomes a link
// that wraps on a phone), its category and the languages it posts in, which offers posts for some of them;
// and who runs it: a second admin added by Sori ID can post at once, and one removed can no longer edit it.
import { expect, test } from 'vitest'
import type { Channel } from '../../protocol/channels.ts'
import { api, signUp } from '../fixtures/server.ts'
import { appHarness, phone, signInInUi } from './helpers.ts'

const app = appHarness()

test("an admin edits the channel's name, about, languages and admins in the app", async () => {
  const ann = await signUp(app.server, 'ann.shop', 'Ann')
  await signUp(app.server, 'bea.staff', 'Bea')
  const ch = (
    await api<Channel>(app.server, ann.token, 'POST', '/api/channels', {
      handle: 'minabakery',
      name: 'Mina',
      description: '',
      category: 'other',
      langs: ['en'],
    })
  ).body
  const a = await phone(app.browser)
  await signInInUi(a.page, app.server.url, 'ann.shop')
  await a.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  await a.page.getByRole('button', { name: 'Edit channel' }).click()
  await a.page.getByRole('heading', { name: 'Edit channel' }).waitFor()
  const name = a.page.getByLabel('Name', { exact: true })
  await expect.poll(() => name.inputValue(), { timeout: 20_000 }).toBe('Mina')

  // nothing is saved without a name or a language, and it is said why
  await name.fill('')
  await a.page.getByRole('button', { name: 'Save', exact: true }).click()
  await a.page.getByText('Give the channel a name.').waitFor()
  await name.fill('Mina Bakery')
  await a.page.getByRole('checkbox', { name: 'English' }).uncheck()
  await a.page.getByRole('button', { name: 'Save', exact: true }).click()
  await a.page.getByText('Pick at least one language.').waitFor()
  expect((await api<Channel>(app.server, ann.token, 'GET', `/api/channels/${ch.id}`)).body.name).toBe('Mina')

  const address = 'https://smartstore.example/minabakery/products?NaPm=ct%3Dlx1k2j3h%7Cci%3Dshopn%7Ctr%3Dsls'
  await a.page.getByRole('checkbox', { name: 'English' }).check()
  await a.page.getByRole('checkbox', { name: '한국어' }).check()
  await a.page.getByLabel('About').fill(`Fresh bread daily. Order online: ${address}`)
  await a.page.getByLabel('Category').selectOption('shopping')
  await a.page.getByRole('button', { name: 'Save', exact: true }).click()
  await a.page.getByText('Saved.').waitFor()
  const saved = (await api<Channel>(app.server, ann.token, 'GET', `/api/channels/${ch.id}`)).body
  expect([saved.name, saved.category, saved.langs]).toEqual(['Mina Bakery', 'shopping', ['ko', 'en']])

  // a second admin, by Sori ID
  await a.page.getByLabel('Sori ID of a new admin').fill('@bea.staff')
  await a.page.getByRole('button', { name: 'Add', exact: true }).click()
  await a.page.locator('.card', { hasText: 'Admins' }).getByText('@bea.staff').waitFor()
  const bea = await phone(app.browser)
  await signInInUi(bea.page, app.server.url, 'bea.staff')
  await bea.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  await bea.page.getByText('You run this channel.').waitFor()

  // back on the channel's page: the new name, the address as a link within the phone's width, and posts
  // that may be for one of its two languages
  await a.page.evaluate((id) => (location.hash = `#/channel/${id}`), ch.id)
  await a.page.getByRole('heading', { name: 'Mina Bakery' }).waitFor()
  const link = a.page.locator('.channel-card__about').getByRole('link')
  expect(await link.getAttribute('href')).toBe(address)
  expect(await a.page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true)
  await a.page
    .getByRole('checkbox', { name: /한국어|Korean/ })
    .first()
    .waitFor()

  // Bea removed: her page of the channel is a follower's again, with no way to edit it
  await a.page.getByRole('button', { name: 'Edit channel' }).click()
  await a.page.getByRole('button', { name: /^Remove \W?Bea\W?$/ }).click()
  await a.page.getByRole('dialog').getByRole('button', { name: 'Remove', exact: true }).click()
  await expect.poll(() => a.page.locator('.card', { hasText: 'Admins' }).getByText('@bea.staff').count()).toBe(0)
  await bea.page.reload()
  await bea.page.getByRole('heading', { name: 'Mina Bakery' }).waitFor()
  await bea.page.getByRole('button', { name: 'Follow', exact: true }).waitFor()
  expect(await bea.page.getByRole('button', { name: 'Edit channel' }).count()).toBe(0)
  await a.context.close()
  await bea.context.close()
}, 120_000)
