// The operator's API: with SORI_OPERATOR_TOKEN, verify a channel (its mark shows to everyone, in the API
// and in its head), disable it (gone from the directory, its home and followers' lists; its admins can
// post no more) and enable it again, and read reports without who made them. A wrong or missing token
// is answered as if the routes did not exist.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { api, signUp } from '../fixtures/server.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { connect, until } from '../fixtures/sync-client.ts'
import { CHANNEL_ROOTS, channelHeadDoc, channelPageDoc, type Channel, type ChannelPost } from '../../protocol/channels.ts'

const TOKEN = 'operator-token-for-tests-0123456789'
beforeAll(() => {
  vi.stubEnv('SORI_OPERATOR_TOKEN', TOKEN)
})
afterAll(() => {
  vi.unstubAllEnvs()
})

async function as(server: { url: string }, token: string | null, method: string, path: string, body?: unknown) {
  const res = await fetch(server.url + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  })
  return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> }
}

describe.each(backends())('operator API (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)

  it('verifies, disables and enables a channel; lists reports without reporters', async () => {
    const [admin, fan] = [await signUp(suite.server, `oadm_${tag}`), await signUp(suite.server, `ofan_${tag}`)]
    const ch = (
      await api<Channel>(suite.server, admin.token, 'POST', '/api/channels', {
        handle: `oper_${tag}`,
        name: 'Oper',
        category: 'news',
        langs: ['en'],
      })
    ).body
    await api(suite.server, fan.token, 'POST', `/api/channels/${ch.id}/follow`)
    const head = await connect(suite.server, fan.token, channelHeadDoc(ch.id))
    suite.keep(head)
    const meta = head.doc.getMap(CHANNEL_ROOTS.head.meta)
    await until(() => meta.get('handle') === `oper_${tag}`, 'the head syncs')

    // nobody without the token learns the routes exist: a user's session, a wrong token, none
    for (const t of [null, fan.token, `${TOKEN}x`, 'short'])
      expect((await as(suite.server, t, 'POST', `/api/operator/channels/${ch.id}/verified`, { verified: true })).status).toBe(404)
    expect((await api<Channel>(suite.server, fan.token, 'GET', `/api/channels/${ch.id}`)).body.verified).toBe(false)

    // verified, by @handle: everyone sees the mark, in the API and the head
    const v = await as(suite.server, TOKEN, 'POST', `/api/operator/channels/@oper_${tag}/verified`, { verified: true })
    expect(v).toEqual({ status: 200, body: { id: ch.id, verified: true } })
    expect((await api<Channel>(suite.server, fan.token, 'GET', `/api/channels/${ch.id}`)).body.verified).toBe(true)
    await until(() => meta.get('verified') === true, 'the head shows the mark')
    expect((await as(suite.server, TOKEN, 'POST', `/api/operator/channels/${ch.id}/verified`, { verified: 'yes' })).status).toBe(
      400,
    )
    expect((await as(suite.server, TOKEN, 'POST', '/api/operator/channels/@nosuch/verified', { verified: true })).status).toBe(
      404,
    )

    // disabled: gone for its followers and the directory; its admin's post is refused, nothing applied
    const page = await connect(suite.server, admin.token, channelPageDoc(ch.id, 0))
    suite.keep(page)
    expect((await as(suite.server, TOKEN, 'POST', `/api/operator/channels/${ch.id}/disabled`, { disabled: true })).status).toBe(
      200,
    )
    expect((await api(suite.server, fan.token, 'GET', `/api/channels/${ch.id}`)).status).toBe(404)
    expect((await api<Channel[]>(suite.server, fan.token, 'GET', '/api/me/channels')).body.map((c) => c.id)).not.toContain(ch.id)
    const found = await api<{ channels: Channel[] }>(suite.server, fan.token, 'GET', `/api/channels?q=oper_${tag}`)
    expect(found.body.channels.map((c) => c.id)).not.toContain(ch.id)
    const post: ChannelPost = {
      id: `op${Date.now().toString(36)}x1`,
      from: admin.user.id,
      ts: Date.now(),
      kind: 'text',
      text: 'still here?',
    }
    page.doc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts).push([post])
    await until(() => page.closes.length > 0, 'the post is refused')
    expect(page.closes[0].code).toBe(4403)

    // enabled again: back for its follower, and the admin posts
    expect((await as(suite.server, TOKEN, 'POST', `/api/operator/channels/${ch.id}/disabled`, { disabled: false })).status).toBe(
      200,
    )
    expect((await api<Channel>(suite.server, fan.token, 'GET', `/api/channels/${ch.id}`)).body).toMatchObject({
      id: ch.id,
      following: true,
    })
    const again = await connect(suite.server, admin.token, channelPageDoc(ch.id, 0))
    suite.keep(again)
    again.doc
      .getArray<ChannelPost>(CHANNEL_ROOTS.page.posts)
      .push([{ ...post, id: `op${Date.now().toString(36)}x2`, text: 'back' }])
    await until(() => meta.get('count') === 1, 'the post after enabling counts')

    // reports: the channel, reason and note; never the reporter
    expect(
      (await api(suite.server, fan.token, 'POST', `/api/channels/${ch.id}/report`, { reason: 'spam', note: 'ads all day' }))
        .status,
    ).toBe(204)
    const reports = await as(suite.server, TOKEN, 'GET', '/api/operator/reports?reason=spam')
    expect(reports.status).toBe(200)
    const list = reports.body.reports as Array<Record<string, unknown>>
    expect(list.find((x) => (x.channel as { id: string }).id === ch.id)).toMatchObject({ reason: 'spam', note: 'ads all day' })
    const text = JSON.stringify(reports.body)
    expect(text).not.toContain(fan.user.id)
    expect(text).not.toContain(`ofan_${tag}`)
    expect((await as(suite.server, TOKEN, 'GET', '/api/operator/reports?reason=nope')).status).toBe(400)
    expect((await as(suite.server, fan.token, 'GET', '/api/operator/reports')).status).toBe(404)
  })
})
