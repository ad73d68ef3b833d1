// The delivery callback of Sori Link through the real server: when a link message is committed, the app's
// webhook (a real HTTP server here) gets a POST signed with the app's secret, which the test verifies as an
// app would; it tells the chat's type and a per-app hash of its id, never who is in it or who sent it; an
// answer of 500 is followed by the same call again; and two processes' ticks racing make the call once.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { Chat, Session } from '../../protocol/api.ts'
import { pageDoc } from '../../protocol/docs.ts'
import type { AppWithSecret, LinkTemplate, ShareTicket } from '../../protocol/link.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { LinkDeliveries } from '../../server/apps/webhook.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite, type ServerSuite } from '../fixtures/server-suite.ts'
import { api, signUp } from '../fixtures/server.ts'
import { connect, message, msgs, until } from '../fixtures/sync-client.ts'

const ORIGIN = 'https://battle.example'
const invite: LinkTemplate = {
  type: 'feed',
  content: { title: 'Battle me!', link: { webUrl: `${ORIGIN}/b/42` } },
  buttons: [{ title: 'Play', link: { params: { battle: '42' } } }],
}

interface Hit {
  headers: IncomingHttpHeaders
  raw: string
}

/** An app's webhook: records every call and answers each with the next of `statuses` (then 200). */
async function hookServer(statuses: number[]): Promise<{ url: string; hits: Hit[]; server: Server }> {
  const hits: Hit[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      hits.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(statuses.shift() ?? 200)
      res.end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sori-hook`, hits, server }
}

/** What the app's server does with a call: checks Sori-Signature with its secret; the parsed body, or throws. */
function verify(hit: Hit, secret: string): Record<string, unknown> {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(hit.headers['sori-signature']))
  if (!m) throw new Error(`no signature: ${String(hit.headers['sori-signature'])}`)
  const expected = createHmac('sha256', secret).update(`${m[1]}.${hit.raw}`).digest()
  if (!timingSafeEqual(expected, Buffer.from(m[2], 'hex'))) throw new Error('the signature does not match')
  if (Math.abs(Date.now() / 1000 - Number(m[1])) > 300) throw new Error('the signature is too old')
  return JSON.parse(hit.raw) as Record<string, unknown>
}

describe.each(backends())('link webhook (%s)', (backend) => {
  let n = 0
  const handle = (name: string) => `${name}${n++}_${backend.slice(0, 2)}`
  beforeAll(() => {
    // the webhooks of these tests listen on 127.0.0.1
    vi.stubEnv('SORI_LINK_PRIVATE', '1')
  })
  afterAll(() => {
    vi.unstubAllEnvs()
  })

  async function sendCard(suite: ServerSuite, hookUrl: string, args?: Record<string, string>) {
    const ann = await signUp(suite.server, handle('ann'))
    const bob = await signUp(suite.server, handle('bob'))
    const dev = await signUp(suite.server, handle('dev'))
    const app = (
      await api<AppWithSecret>(suite.server, dev.token, 'POST', '/api/apps', {
        name: 'Battle',
        domains: [ORIGIN],
        webhookUrl: hookUrl,
      })
    ).body
    expect(app.webhookUrl).toBe(hookUrl)
    const chat = (
      await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title: 'Players', userIds: [bob.user.id] })
    ).body
    const t = (
      await api<ShareTicket>(suite.server, ann.token, 'POST', '/api/share/tickets', {
        appKey: app.appKey,
        origin: ORIGIN,
        template: invite,
        args,
      })
    ).body
    const m = await post(suite, ann, chat.id, t)
    return { ann, bob, dev, app, chat, t, m }
  }

  async function post(suite: ServerSuite, from: Session, convId: string, t: ShareTicket): Promise<ChatMessage> {
    const c = await connect(suite.server, from.token, pageDoc(convId, 0), { ack: true })
    suite.keep(c)
    const m: ChatMessage = {
      ...message(from.user.id, ''),
      kind: 'link',
      link: { ticket: t.id, app: t.app, template: t.template },
    }
    msgs(c).push([m])
    const clock = Y.getState(c.doc.store, c.doc.clientID)
    await until(() => c.closes.length > 0 || c.ackedClock() >= clock, 'the link message is committed')
    expect(c.closes).toEqual([])
    c.destroy()
    return m
  }

  describe('delivered', () => {
    beforeAll(() => {
      vi.stubEnv('SORI_LINK_TICK_MS', '100')
    })
    const suite = serverSuite(backend)

    it('signs the call with the app’s secret, tells no member or user, and tries again after a 500', async () => {
      const hook = await hookServer([500])
      try {
        const { ann, bob, dev, app, chat, m } = await sendCard(suite, hook.url, { room: 'r-7' })
        await until(() => hook.hits.length >= 2, 'the call, and the call again after the 500')
        for (const hit of hook.hits) {
          expect(hit.headers['content-type']).toBe('application/json')
          expect(hit.headers.cookie).toBeUndefined()
          expect(hit.headers.authorization).toBeUndefined()
          const body = verify(hit, app.secret)
          expect(body).toEqual({
            appId: app.id,
            args: { room: 'r-7' },
            chatType: 'group',
            chatId: expect.stringMatching(/^[0-9a-f]{64}$/),
            messageId: m.id,
            ts: expect.any(Number),
          })
          // nothing that names the chat or a person: not the chat's id, no member's, not the sender's
          for (const id of [chat.id, ann.user.id, bob.user.id, dev.user.id]) expect(hit.raw).not.toContain(id)
        }
        expect(hook.hits[1].raw).toBe(hook.hits[0].raw)
        // a forged call does not pass the app's check
        expect(() => verify({ ...hook.hits[0], raw: hook.hits[0].raw.replace('group', 'direct') }, app.secret)).toThrow()

        // the same chat is the same id for this app; a direct chat says so
        const direct = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
        const t2 = (
          await api<ShareTicket>(suite.server, ann.token, 'POST', '/api/share/tickets', {
            appKey: app.appKey,
            origin: ORIGIN,
            template: invite,
          })
        ).body
        const m2 = await post(suite, ann, chat.id, t2)
        const m3 = await post(suite, ann, direct.id, t2)
        await until(() => hook.hits.length >= 4, 'the calls for the next two cards')
        // calls due together are made at once: they may arrive in either order
        const calls = hook.hits.map((h) => verify(h, app.secret))
        const of = (id: string) => calls.find((c) => c.messageId === id)
        const [first, again, inDirect] = [of(m.id), of(m2.id), of(m3.id)]
        expect(calls).toHaveLength(4)
        expect(again?.chatId).toBe(first?.chatId)
        expect(again).not.toHaveProperty('args')
        expect(inDirect?.chatType).toBe('direct')
        expect(inDirect?.chatId).not.toBe(first?.chatId)
      } finally {
        hook.server.close()
      }
    })

    it('a card forwarded keeps its args for the app, unseen by the forwarder', async () => {
      const hook = await hookServer([])
      try {
        const { bob, app, chat, t } = await sendCard(suite, hook.url, { room: 'r-9', seat: 'north' })
        await until(() => hook.hits.length >= 1, "the call for Ann's card")
        const fwd = await api<ShareTicket>(suite.server, bob.token, 'POST', '/api/share/tickets/forward', {
          ticket: t.id,
          convId: chat.id,
        })
        expect(fwd.status).toBe(201)
        expect(fwd.body).not.toHaveProperty('args')
        expect(JSON.stringify(fwd.body)).not.toContain('north')
        const read = await api<ShareTicket>(suite.server, bob.token, 'GET', `/api/share/tickets/${fwd.body.id}`)
        expect(read.status).toBe(200)
        expect(read.body).not.toHaveProperty('args')
        const m = await post(suite, bob, chat.id, fwd.body)
        await until(() => hook.hits.length >= 2, "the call for Bob's forwarded card")
        const call = hook.hits.map((h) => verify(h, app.secret)).find((c) => c.messageId === m.id)
        expect(call?.args).toEqual({ room: 'r-9', seat: 'north' })
      } finally {
        hook.server.close()
      }
    })

    it('a rotated secret signs the calls from then on; a 404 is not tried again', async () => {
      const hook = await hookServer([404])
      try {
        const { ann, dev, app, chat } = await sendCard(suite, hook.url)
        await until(() => hook.hits.length >= 1, 'the call')
        const rotated = (await api<AppWithSecret>(suite.server, dev.token, 'POST', `/api/apps/${app.id}/secret`)).body
        const t = (
          await api<ShareTicket>(suite.server, ann.token, 'POST', '/api/share/tickets', {
            appKey: app.appKey,
            origin: ORIGIN,
            template: invite,
          })
        ).body
        await post(suite, ann, chat.id, t)
        await until(() => hook.hits.length >= 2, 'the call for the second card')
        expect(() => verify(hook.hits[1], app.secret)).toThrow()
        expect(verify(hook.hits[1], rotated.secret).appId).toBe(app.id)
        // the 404 was given up: nothing more comes for the first card
        expect(JSON.parse(hook.hits[1].raw).messageId).not.toBe(JSON.parse(hook.hits[0].raw).messageId)
        const row = await suite.server.db.get<{ state: string }>('SELECT state FROM link_deliveries WHERE message_id = ?', [
          JSON.parse(hook.hits[0].raw).messageId,
        ])
        expect(row?.state).toBe('failed')
      } finally {
        hook.server.close()
      }
    })
  })

  describe('racing', () => {
    beforeAll(() => {
      // no ticker of the server's own: the two below are the only ones
      vi.stubEnv('SORI_LINK_TICK_MS', '0')
    })
    const suite = serverSuite(backend)

    it('two processes’ ticks racing make the call once', async () => {
      const hook = await hookServer([])
      try {
        const { app, m } = await sendCard(suite, hook.url)
        const a = new LinkDeliveries(suite.server.db, 0)
        const b = new LinkDeliveries(suite.server.db, 0)
        await Promise.all([a.tick(), b.tick()])
        expect(hook.hits).toHaveLength(1)
        expect(verify(hook.hits[0], app.secret).messageId).toBe(m.id)
        // done: later ticks have nothing to send
        await Promise.all([a.tick(), b.tick()])
        expect(hook.hits).toHaveLength(1)
      } finally {
        hook.server.close()
      }
    })
  })
})
