// Limits that keep one address or one account from using up the server, or from listing who is on it:
// sign-ups per address per hour (and sign-ups refused for a taken ID), ID lookups per account per hour,
// open sockets per user. Each refuses with 429 and changes nothing else.
import { describe, expect, it } from 'vitest'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, syncUrl, until, upgradeStatus, type SyncClient } from '../fixtures/sync-client.ts'
import { inboxDoc } from '../../protocol/docs.ts'

// read by the sync server when it starts
process.env.SORI_MAX_SOCKETS_PER_USER = '5'

describe.each(backends())('limits (%s)', (backend) => {
  const suite = serverSuite(backend, { signupsPerHour: 3, lookupsPerHour: 4, channelsPerHour: 2 })
  const tag = backend.slice(0, 2)

  it('an address may create a few accounts an hour; the next is refused with 429 and creates nothing', async () => {
    const body = (handle: string) => ({ handle, name: handle, password: TEST_PASSWORD })
    for (let i = 0; i < 3; i++)
      expect((await api(suite.server, null, 'POST', '/api/signup', body(`su${i}_${tag}`))).status).toBe(201)
    // a taken handle is answered as before and does not count
    expect((await api(suite.server, null, 'POST', '/api/signup', body(`su0_${tag}`))).status).toBe(409)
    const res = await fetch(`${suite.server.url}/api/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body(`su3_${tag}`)),
    })
    expect(res.status).toBe(429)
    const wait = Number(res.headers.get('retry-after'))
    expect(wait).toBeGreaterThan(3000)
    expect(wait).toBeLessThanOrEqual(3600)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('too_many_attempts')
    expect(await suite.server.db.get('SELECT 1 AS x FROM users WHERE handle = ?', [`su3_${tag}`])).toBeUndefined()
    // signing in is not a sign-up
    expect((await api(suite.server, null, 'POST', '/api/signin', { handle: `su1_${tag}`, password: TEST_PASSWORD })).status).toBe(
      200,
    )
  })

  it('an address may try only so many taken IDs an hour: a list of who is on Sori would cost nothing', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 62; i++)
      statuses.push(
        (await api(suite.server, null, 'POST', '/api/signup', { handle: `su1_${tag}`, name: 'x', password: TEST_PASSWORD }))
          .status,
      )
    // sixty an hour (the test before tried one already)
    expect(statuses.filter((st) => st === 409).length).toBeGreaterThanOrEqual(59)
    expect(statuses.filter((st) => st === 409).length).toBeLessThanOrEqual(60)
    expect(statuses.slice(statuses.indexOf(429))).toEqual(Array(statuses.length - statuses.indexOf(429)).fill(429))
  })

  it('an account may look up only so many IDs an hour, found or not; another account is not held back', async () => {
    await suite.server.db.run("DELETE FROM login_failures WHERE key LIKE 's:%'")
    const [ana, bo] = [await signUp(suite.server, `lk_ana_${tag}`), await signUp(suite.server, `lk_bo_${tag}`)]
    const look = (who: typeof ana, handle: string) =>
      api<{ error?: { code: string } }>(suite.server, who.token, 'GET', `/api/users/${handle}`)
    expect((await look(ana, `lk_bo_${tag}`)).status).toBe(200)
    expect((await look(ana, 'nobody_here')).status).toBe(404)
    expect((await look(ana, `lk_bo_${tag}`)).status).toBe(200)
    expect((await look(ana, `lk_bo_${tag}`)).status).toBe(200)
    const fifth = await look(ana, `lk_bo_${tag}`)
    expect(fifth.status).toBe(429)
    expect(fifth.body.error?.code).toBe('too_many_lookups')
    expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await look(bo, `lk_ana_${tag}`)).status).toBe(200)
  })

  it('a channel made with an ID and an admin added by ID are lookups too: no route lists who is on Sori for free', async () => {
    await suite.server.db.run("DELETE FROM login_failures WHERE key LIKE 's:%'")
    const cy = await signUp(suite.server, `lk_cy_${tag}`)
    await signUp(suite.server, `lk_dee_${tag}`)
    const channel = (handle: string) =>
      api<{ id: string; error?: { code: string } }>(suite.server, cy.token, 'POST', '/api/channels', {
        handle,
        name: 'Shop',
        category: 'shopping',
        langs: ['en'],
      })
    const mine = await channel(`lk_shop_${tag}`)
    expect(mine.status).toBe(201)
    // someone's ID: taken (a lookup's answer, and one of the four)
    expect((await channel(`lk_dee_${tag}`)).status).toBe(409)
    const admin = (handle: string) => api(suite.server, cy.token, 'POST', `/api/channels/${mine.body.id}/admins`, { handle })
    expect((await admin('nobody_here')).status).toBe(404)
    expect((await admin(`lk_dee_${tag}`)).status).toBe(200)
    // four spent: the fifth answer of any of them is refused
    const fifth = await admin(`lk_dee_${tag}`)
    expect(fifth.status).toBe(429)
    expect((fifth.body as { error?: { code: string } }).error?.code).toBe('too_many_lookups')
    expect((await channel(`lk_shop2_${tag}`)).status).toBe(429)
    expect((await api(suite.server, cy.token, 'GET', `/api/users/lk_dee_${tag}`)).status).toBe(429)
  })

  it('an account makes a few channels an hour (each keeps its ID from everyone); the next is refused and made nowhere', async () => {
    await suite.server.db.run("DELETE FROM login_failures WHERE key LIKE 's:%'")
    const eli = await signUp(suite.server, `ch_eli_${tag}`)
    const make = (handle: string) =>
      api<{ error?: { code: string } }>(suite.server, eli.token, 'POST', '/api/channels', {
        handle,
        name: 'Stall',
        category: 'shopping',
        langs: ['en'],
      })
    expect((await make(`ch_one_${tag}`)).status).toBe(201)
    expect((await make(`ch_two_${tag}`)).status).toBe(201)
    const third = await make(`ch_three_${tag}`)
    expect(third.status).toBe(429)
    expect(third.body.error?.code).toBe('too_many_channels')
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(await suite.server.db.get('SELECT 1 AS x FROM channels WHERE handle = ?', [`ch_three_${tag}`])).toBeUndefined()
  })

  it('nobody is made an admin of a channel by someone they blocked', async () => {
    await suite.server.db.run("DELETE FROM login_failures WHERE key LIKE 's:%'")
    const [fox, gil] = [await signUp(suite.server, `bl_fox_${tag}`), await signUp(suite.server, `bl_gil_${tag}`)]
    const ch = await api<{ id: string }>(suite.server, fox.token, 'POST', '/api/channels', {
      handle: `bl_shop_${tag}`,
      name: 'Deals',
      category: 'shopping',
      langs: ['en'],
    })
    expect(ch.status).toBe(201)
    expect((await api(suite.server, gil.token, 'POST', `/api/friends/${fox.user.id}/block`)).status).toBe(204)
    const r = await api<{ error?: { code: string } }>(suite.server, fox.token, 'POST', `/api/channels/${ch.body.id}/admins`, {
      handle: `bl_gil_${tag}`,
    })
    expect(r.status).toBe(403)
    expect(r.body.error?.code).toBe('blocked')
    const admins = await api<{ id: string }[]>(suite.server, fox.token, 'GET', `/api/channels/${ch.body.id}/admins`)
    expect(admins.body.map((a) => a.id)).toEqual([fox.user.id])
  })

  it('one user may hold a bounded number of sockets; more are refused at the upgrade, others are not', async () => {
    // the sign-up limit above is per address: these users are made directly
    await suite.server.db.run("DELETE FROM login_failures WHERE key LIKE 's:%'")
    const [kim, lee] = [await signUp(suite.server, `cap_kim_${tag}`), await signUp(suite.server, `cap_lee_${tag}`)]
    const mine: SyncClient[] = []
    for (let i = 0; i < 5; i++) mine.push(await connect(suite.server, kim.token, inboxDoc(kim.user.id)))
    suite.keep(...mine)
    expect(await upgradeStatus(`${syncUrl(suite.server)}/${inboxDoc(kim.user.id)}?token=${kim.token}`)).toBe(429)
    const other = await connect(suite.server, lee.token, inboxDoc(lee.user.id))
    suite.keep(other)
    // a closed socket frees its place
    mine[0].destroy()
    await until(
      async () => (await upgradeStatus(`${syncUrl(suite.server)}/${inboxDoc(kim.user.id)}?token=${kim.token}`)) === 101,
      'a place for kim again',
    )
  })
})
