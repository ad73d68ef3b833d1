// Link messages (Sori Link) through the real sync server: a page's share ticket, then a `link` message
// carrying it, reaches the other member as a card with the app's name, and the chat list shows its title.
// The server decides what a card may say: a ticket is refused for a page whose origin is not the app's, and
// for a template that breaks the limits or leads outside the app's domains; a message is refused (closed
// with 4400, nothing applied) unless it repeats a live ticket of its sender's exactly, for at most ten chats.
import * as Y from 'yjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiError, Chat, DataExport } from '../../protocol/api.ts'
import { inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import { SHARE_TICKET_MAX_CHATS, type AppWithSecret, type LinkTemplate, type ShareTicket } from '../../protocol/link.ts'
import type { ChatMessage, InboxEntry } from '../../protocol/messages.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { PushState } from '../../protocol/push.ts'
import type { RunningServer } from '../../server/app.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { startPushService, type PushServiceFixture } from '../fixtures/push-service.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { api, signIn, signUp, startServerOn } from '../fixtures/server.ts'
import { connect, message, msgs, until, type SyncClient } from '../fixtures/sync-client.ts'

const ORIGIN = 'https://battle.example'
const invite: LinkTemplate = {
  type: 'feed',
  content: {
    title: 'Battle me!',
    description: 'Best of three',
    imageUrl: `${ORIGIN}/card.png`,
    link: { webUrl: `${ORIGIN}/b/42` },
  },
  buttons: [{ title: 'Play', link: { webUrl: `${ORIGIN}/b/42`, params: { battle: '42' } } }],
}
const feed = (content: Partial<Extract<LinkTemplate, { type: 'feed' }>['content']>, extra: object = {}): LinkTemplate =>
  ({ ...invite, content: { ...invite.content, ...content }, ...extra }) as LinkTemplate

/** Templates the server never lets through: refused for a ticket, and as a message. */
const BAD: Array<[string, unknown]> = [
  ['a javascript: URL', feed({ link: { webUrl: 'javascript:alert(document.cookie)' } })],
  ['a URL outside the app’s domains', feed({}, { buttons: [{ title: 'Play', link: { webUrl: 'https://evil.example/steal' } }] })],
  ['3 buttons', feed({}, { buttons: [1, 2, 3].map((i) => ({ title: `B${i}`, link: { webUrl: `${ORIGIN}/${i}` } })) })],
  ['a 201-character text', { type: 'text', text: 'x'.repeat(201), link: { webUrl: ORIGIN } }],
  // what would disguise a card or say nothing: a right-to-left override, a NUL, a title of a zero-width space
  ['a title turned around', feed({ title: '\u202Eexe.gnp' })],
  ['a title with a NUL', feed({ title: 'Play\u0000now' })],
  ['a title of nothing visible', feed({ title: '\u200B' })],
  ['a description with a bell', feed({ description: 'Ring\u0007' })],
  ['a button title turned around', feed({}, { buttons: [{ title: '\u202EPlay', link: { webUrl: ORIGIN } }] })],
  ['a link with an invisible character', feed({ link: { webUrl: `${ORIGIN}/\u202Egame` } })],
]

describe.each(backends())('link messages (%s)', (backend) => {
  const suite = serverSuite(backend)
  let n = 0
  const handle = (name: string) => `${name}${n++}_${backend.slice(0, 2)}`

  async function open(token: string, doc: string): Promise<SyncClient> {
    const c = await connect(suite.server, token, doc, { ack: true })
    suite.keep(c)
    return c
  }

  async function setup() {
    const ann = await signUp(suite.server, handle('ann'))
    const bob = await signUp(suite.server, handle('bob'))
    const dev = await signUp(suite.server, handle('dev'))
    const app = (
      await api<AppWithSecret>(suite.server, dev.token, 'POST', '/api/apps', {
        name: 'Battle',
        domains: [ORIGIN, 'http://127.0.0.1:5173'],
      })
    ).body
    const chat = (
      await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title: 'Players', userIds: [bob.user.id] })
    ).body
    return { ann, bob, dev, app, chat }
  }

  const ticket = (token: string, body: unknown) =>
    api<ShareTicket & ApiError>(suite.server, token, 'POST', '/api/share/tickets', body)

  async function goodTicket(token: string, appKey: string, template: unknown = invite): Promise<ShareTicket> {
    const r = await ticket(token, { appKey, origin: ORIGIN, template })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    return r.body
  }

  const linkMessage = (from: string, t: Pick<ShareTicket, 'id' | 'app' | 'template' | 'templateId'>): ChatMessage => {
    const link: ChatMessage['link'] = { ticket: t.id, app: t.app, template: t.template }
    if (t.templateId) link.templateId = t.templateId
    return { ...message(from, ''), kind: 'link', link }
  }

  /** Appends `m` from a fresh client and waits for the server's verdict: the close, or null once it is committed. */
  async function verdict(token: string, convId: string, m: ChatMessage): Promise<{ code: number; reason: string } | null> {
    const c = await open(token, pageDoc(convId, 0))
    msgs(c).push([m])
    const clock = Y.getState(c.doc.store, c.doc.clientID)
    await until(() => c.closes.length > 0 || c.ackedClock() >= clock, 'a verdict on the link message')
    c.destroy()
    return c.closes[0] ?? null
  }

  /** How many messages the server holds in the chat's first page, as a fresh reader gets them. */
  async function stored(token: string, convId: string): Promise<ChatMessage[]> {
    const c = await open(token, pageDoc(convId, 0))
    const all = msgs(c).toArray()
    c.destroy()
    return all
  }

  it('a ticket, then a link message: the other member gets the card with the app named; the chat list shows its title', async () => {
    const { ann, bob, app, chat } = await setup()
    const t = await goodTicket(ann.token, app.appKey)
    expect(t.id).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(t).toMatchObject({ app: { id: app.id, name: 'Battle', icon: null }, origin: ORIGIN, template: invite })
    expect(t.expires).toBeGreaterThan(Date.now())
    // its creator may read it again; nobody else learns it exists
    expect((await api<ShareTicket>(suite.server, ann.token, 'GET', `/api/share/tickets/${t.id}`)).body).toEqual(t)
    expect((await api(suite.server, bob.token, 'GET', `/api/share/tickets/${t.id}`)).status).toBe(404)

    const bobsPage = await open(bob.token, pageDoc(chat.id, 0))
    const bobsInbox = await open(bob.token, inboxDoc(bob.user.id))
    const m = linkMessage(ann.user.id, t)
    expect(await verdict(ann.token, chat.id, m)).toBeNull()
    await until(() => msgs(bobsPage).length === 1, 'bob receives the card')
    expect(msgs(bobsPage).get(0)).toEqual(m)
    expect(msgs(bobsPage).get(0).link?.app.name).toBe('Battle')
    const entry = () => bobsInbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(chat.id)
    await until(() => entry()?.preview === 'Battle me!', "bob's chat list shows the card's title")
    expect(entry()).toMatchObject({ from: ann.user.id, unread: 1 })
    // the sender's data export holds the card
    const exported = await api<DataExport>(suite.server, ann.token, 'GET', '/api/me/export')
    const inExport = exported.body.chats.find((c) => c.id === chat.id)?.messages.find((x) => x.id === m.id)
    expect(inExport).toMatchObject({ body: '', link: m.link })

    // the same ticket goes to another chat too (the share screen sends one card to several chats)
    const direct = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    expect(await verdict(ann.token, direct.id, linkMessage(ann.user.id, t))).toBeNull()

    // the card is the ticket's: its sender may take it back, not rewrite it
    const c = await open(ann.token, pageDoc(chat.id, 0))
    c.doc.getMap(ROOTS.page.edits).set(m.id, { body: 'Actually, send me money', ts: Date.now() })
    await until(() => c.closes.length > 0, 'the edit is refused')
    expect(c.closes[0]).toMatchObject({ code: CLOSE.REFUSED, reason: 'a link message cannot be edited' })
    const c2 = await open(ann.token, pageDoc(chat.id, 0))
    expect(c2.doc.getMap(ROOTS.page.edits).get(m.id)).toBeUndefined()
    c2.doc.getMap(ROOTS.page.edits).set(m.id, { retracted: true, ts: Date.now() })
    const clock = Y.getState(c2.doc.store, c2.doc.clientID)
    await until(() => c2.closes.length > 0 || c2.ackedClock() >= clock, 'the retraction is taken')
    expect(c2.closes).toEqual([])
  })

  it('a stored template is filled with the args and sent with its id', async () => {
    const { ann, bob, dev, app, chat } = await setup()
    const stored0 = feed({ title: 'Battle ${battle} is open', link: { webUrl: `${ORIGIN}/b/\${battle}` } })
    const made = await api<{ id: string }>(suite.server, dev.token, 'POST', `/api/apps/${app.id}/templates`, {
      template: stored0,
    })
    expect(made.status).toBe(201)
    const listed = await api<Array<{ id: string; template: LinkTemplate }>>(
      suite.server,
      dev.token,
      'GET',
      `/api/apps/${app.id}/templates`,
    )
    expect(listed.body.map((x) => x.template)).toEqual([stored0])
    const r = await ticket(ann.token, { appKey: app.appKey, origin: ORIGIN, templateId: made.body.id, args: { battle: '77' } })
    expect(r.status).toBe(201)
    expect(r.body).toMatchObject({ templateId: made.body.id, args: { battle: '77' } })
    expect(r.body.template).toMatchObject({ content: { title: 'Battle 77 is open', link: { webUrl: `${ORIGIN}/b/77` } } })
    // filled, it is checked again: an arg that makes the title too long, or breaks the URL, is refused
    const long = await ticket(ann.token, {
      appKey: app.appKey,
      origin: ORIGIN,
      templateId: made.body.id,
      args: { battle: 'x'.repeat(100) },
    })
    expect(long.status).toBe(400)
    expect(long.body.error.message).toBe("Content's title is over 100 characters.")
    const broken = await ticket(ann.token, {
      appKey: app.appKey,
      origin: ORIGIN,
      templateId: made.body.id,
      args: { battle: 'a b' },
    })
    expect(broken.status).toBe(400)
    const tooMany = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, 'v']))
    expect(
      (await ticket(ann.token, { appKey: app.appKey, origin: ORIGIN, templateId: made.body.id, args: tooMany })).status,
    ).toBe(400)
    expect((await ticket(ann.token, { appKey: app.appKey, origin: ORIGIN, templateId: 'nosuchtempla' })).status).toBe(404)

    const bobsPage = await open(bob.token, pageDoc(chat.id, 0))
    expect(await verdict(ann.token, chat.id, linkMessage(ann.user.id, r.body))).toBeNull()
    await until(() => msgs(bobsPage).length === 1, 'bob receives the card')
    expect(msgs(bobsPage).get(0).link?.templateId).toBe(made.body.id)
    // without the id it is not what the ticket says
    const again = await goodTicket(ann.token, app.appKey)
    const noId = linkMessage(ann.user.id, { ...again, templateId: made.body.id })
    expect(await verdict(ann.token, chat.id, noId)).toMatchObject({ code: CLOSE.REFUSED })
    expect(await stored(ann.token, chat.id)).toHaveLength(1)
  })

  it('refuses a ticket for an origin the app did not register, an unknown or disabled app, and bad templates', async () => {
    const { ann, dev, app } = await setup()
    const elsewhere = await ticket(ann.token, { appKey: app.appKey, origin: 'https://evil.example', template: invite })
    expect(elsewhere.status).toBe(403)
    expect(elsewhere.body.error).toEqual({
      code: 'origin_not_registered',
      message: "This page's origin is not registered for the app.",
    })
    // a port or scheme of its own is another origin
    expect((await ticket(ann.token, { appKey: app.appKey, origin: 'http://battle.example', template: invite })).status).toBe(403)
    expect((await ticket(ann.token, { appKey: app.appKey, origin: 'http://127.0.0.1:5174', template: invite })).status).toBe(403)
    expect((await ticket(ann.token, { appKey: 'AAAAAAAAAAAAAAAAAAAAAAAA', origin: ORIGIN, template: invite })).status).toBe(404)
    expect(
      (await api(suite.server, null, 'POST', '/api/share/tickets', { appKey: app.appKey, origin: ORIGIN, template: invite }))
        .status,
    ).toBe(401)
    for (const [what, template] of BAD) {
      const r = await ticket(ann.token, { appKey: app.appKey, origin: ORIGIN, template })
      expect(r.status, what).toBe(400)
      expect(r.body.error.message, what).toMatch(/\S/)
    }
    const text = await ticket(ann.token, { appKey: app.appKey, origin: ORIGIN, template: BAD[3][1] })
    expect(text.body.error.message).toBe("A text template's text is over 200 characters.")
    const outside = await ticket(ann.token, { appKey: app.appKey, origin: ORIGIN, template: BAD[1][1] })
    expect(outside.body.error.message).toContain("https://evil.example is outside the app's domains")
    await api(suite.server, dev.token, 'POST', `/api/apps/${app.id}/disable`)
    expect((await ticket(ann.token, { appKey: app.appKey, origin: ORIGIN, template: invite })).status).toBe(404)
  })

  it('refuses a ticket whose card would not arrive as written: a title cut through an emoji, a "__proto__" key', async () => {
    const { ann, bob, app, chat } = await setup()
    // the SDK's string bug: 'Battle me 😀'.slice(0, -1) leaves half of the emoji, which a message carries as U+FFFD
    const cut = await ticket(ann.token, {
      appKey: app.appKey,
      origin: ORIGIN,
      template: feed({ title: 'Battle me 😀'.slice(0, -1) }),
    })
    expect(cut.status).toBe(400)
    expect(cut.body.error.message).toContain('half of a character')
    // a key a message's decoding would turn into the object's prototype (sent as raw JSON: a literal can't hold it)
    const proto = JSON.stringify({ appKey: app.appKey, origin: ORIGIN, template: invite }).replace(
      '"params":{"battle":"42"}',
      '"params":{"battle":"42","__proto__":"x"}',
    )
    expect(proto).toContain('__proto__')
    const p = await api<ApiError>(suite.server, ann.token, 'POST', '/api/share/tickets', proto)
    expect(p.status).toBe(400)
    expect(p.body.error.message).toContain('__proto__')
    // a scheme and host in capitals are the same origin, as in a browser
    await goodTicket(ann.token, app.appKey, feed({ link: { webUrl: 'HTTPS://Battle.Example/b/42' } }))
    // a description may span lines
    await goodTicket(ann.token, app.appKey, feed({ description: 'Round one\nRound two' }))
    // a whole emoji is fine, and its card arrives
    const t = await goodTicket(ann.token, app.appKey, feed({ title: 'Battle me 😀' }))
    const a = await open(ann.token, pageDoc(chat.id, 0))
    const b = await open(bob.token, pageDoc(chat.id, 0))
    msgs(a).push([linkMessage(ann.user.id, t)])
    await until(() => msgs(b).length === 1, 'bob to get the card')
    expect(msgs(b).get(0).link?.template).toEqual(feed({ title: 'Battle me 😀' }))
  })

  it('refuses, applying nothing, a card that does not repeat a live ticket of its sender’s exactly', async () => {
    const { ann, bob, dev, app, chat } = await setup()
    const t = await goodTicket(ann.token, app.appKey)
    const bobs = await goodTicket(bob.token, app.appKey)
    const expiring = await goodTicket(ann.token, app.appKey)
    await suite.server.db.run('UPDATE share_tickets SET expires = ? WHERE id = ?', [Date.now() - 1, expiring.id])
    const made = () => linkMessage(ann.user.id, t)
    const mine = (link: Partial<NonNullable<ChatMessage['link']>>): ChatMessage => ({
      ...made(),
      link: { ticket: t.id, app: t.app, template: t.template, ...link },
    })
    const cases: Array<[string, ChatMessage, string | RegExp]> = [
      ['a forged app name', mine({ app: { ...t.app, name: 'Sori Security Team' } }), "link app differs from the ticket's"],
      ['a forged icon', mine({ app: { ...t.app, icon: '/api/users/x/photo' } }), "link app differs from the ticket's"],
      ['another app’s id', mine({ app: { ...t.app, id: 'aaaaaaaaaaaa' } }), "link app differs from the ticket's"],
      [
        'a template differing from the ticket',
        mine({ template: feed({ title: 'Free money' }) }),
        "link template differs from the ticket's",
      ],
      ['someone else’s ticket', linkMessage(ann.user.id, bobs), 'link ticket is not a share ticket of yours'],
      ['an expired ticket', linkMessage(ann.user.id, expiring), 'link ticket has expired'],
      ['a ticket nobody made', mine({ ticket: 'Z'.repeat(32) }), 'link ticket is not a share ticket of yours'],
      [
        // JSON.parse makes "__proto__" an own key, which Yjs encodes; decoded, it is the object's prototype:
        // fields that a comparison of own keys does not see, and that the app reads like any other
        'buttons hidden behind a "__proto__" key of the ticket’s template',
        mine({
          template: JSON.parse(
            JSON.stringify(t.template).replace(
              /^\{/,
              '{"__proto__":{"buttons":[{"title":"Claim","link":{"webUrl":"https://evil.example/"}}]},',
            ),
          ) as LinkTemplate,
        }),
        'value holds an object that is not plain',
      ],
      ['a body besides the card', { ...made(), body: 'hello' }, 'a link message carries no body'],
      ...BAD.map(([what, template]): [string, ChatMessage, RegExp] => [
        `${what} without a valid ticket`,
        mine({ ticket: 'Y'.repeat(32), template: template as LinkTemplate }),
        /./,
      ]),
      ...BAD.map(([what, template]): [string, ChatMessage, RegExp] => [
        `${what} with a valid ticket`,
        mine({ template: template as LinkTemplate }),
        /./,
      ]),
    ]
    for (const [what, m, reason] of cases) {
      const v = await verdict(ann.token, chat.id, m)
      expect(v?.code, what).toBe(CLOSE.REFUSED)
      expect(v?.reason, what).toMatch(reason)
    }
    expect(await stored(bob.token, chat.id)).toEqual([])
    // a disabled app's tickets are refused from then on
    await api(suite.server, dev.token, 'POST', `/api/apps/${app.id}/disable`)
    expect((await verdict(ann.token, chat.id, made()))?.code).toBe(CLOSE.REFUSED)
    await api(suite.server, dev.token, 'DELETE', `/api/apps/${app.id}/disable`)
    expect(await verdict(ann.token, chat.id, made())).toBeNull()
    expect(await stored(bob.token, chat.id)).toHaveLength(1)
  })

  it('a member who received a card forwards it with a ticket of their own', async () => {
    const { ann, bob, app, chat } = await setup()
    const carol = await signUp(suite.server, handle('carol'))
    const t = await goodTicket(ann.token, app.appKey)
    expect(await verdict(ann.token, chat.id, linkMessage(ann.user.id, t))).toBeNull()
    const direct = (await api<Chat>(suite.server, bob.token, 'POST', '/api/chats/direct', { userId: carol.user.id })).body
    // ann's ticket is not bob's to send
    expect((await verdict(bob.token, direct.id, linkMessage(bob.user.id, t)))?.code).toBe(CLOSE.REFUSED)
    const fwd = await api<ShareTicket>(suite.server, bob.token, 'POST', '/api/share/tickets/forward', {
      ticket: t.id,
      convId: chat.id,
    })
    expect(fwd.status).toBe(201)
    expect(fwd.body.id).not.toBe(t.id)
    expect(fwd.body).toMatchObject({ app: t.app, template: t.template, origin: ORIGIN })
    const carolsPage = await open(carol.token, pageDoc(direct.id, 0))
    expect(await verdict(bob.token, direct.id, linkMessage(bob.user.id, fwd.body))).toBeNull()
    await until(() => msgs(carolsPage).length === 1, 'carol receives the forwarded card')
    expect(msgs(carolsPage).get(0).link?.template).toEqual(invite)
    // only for a chat the card is in, and only for its members
    expect(
      (await api(suite.server, bob.token, 'POST', '/api/share/tickets/forward', { ticket: t.id, convId: direct.id })).status,
    ).toBe(404)
    expect(
      (await api(suite.server, carol.token, 'POST', '/api/share/tickets/forward', { ticket: t.id, convId: chat.id })).status,
    ).toBe(403)
  })

  it(`a ticket goes to at most ${SHARE_TICKET_MAX_CHATS} chats`, async () => {
    const { ann, bob, app } = await setup()
    const t = await goodTicket(ann.token, app.appKey)
    const chats: Chat[] = []
    for (let i = 0; i <= SHARE_TICKET_MAX_CHATS; i++)
      chats.push(
        (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/group', { title: `G${i}`, userIds: [bob.user.id] })).body,
      )
    for (const c of chats.slice(0, SHARE_TICKET_MAX_CHATS))
      expect(await verdict(ann.token, c.id, linkMessage(ann.user.id, t)), c.title).toBeNull()
    // one of those chats again is no new chat
    expect(await verdict(ann.token, chats[0].id, linkMessage(ann.user.id, t))).toBeNull()
    const over = await verdict(ann.token, chats[SHARE_TICKET_MAX_CHATS].id, linkMessage(ann.user.id, t))
    expect(over).toMatchObject({ code: CLOSE.REFUSED, reason: `a share ticket goes to at most ${SHARE_TICKET_MAX_CHATS} chats` })
    expect(await stored(bob.token, chats[SHARE_TICKET_MAX_CHATS].id)).toEqual([])
  })
})

describe.each(backends())('link messages in notifications (%s)', (backend) => {
  let server: RunningServer
  let service: PushServiceFixture
  const clients: SyncClient[] = []
  beforeAll(async () => {
    service = await startPushService()
    server = await startServerOn(await freshDatabaseUrl(backend), {
      push: { allowHttp: true, coalesceMs: 200 },
    })
  })
  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy()
    await server?.close()
    await service?.close()
  })

  it("a card's push says its title", async () => {
    const tag = backend.slice(0, 2)
    const [ann, bob, dev] = [
      await signUp(server, `pann_${tag}`),
      await signUp(server, `pbob_${tag}`),
      await signUp(server, `pdev_${tag}`),
    ]
    const phone = await signIn(server, bob.user.handle, undefined, 'phone')
    const sub = service.subscription(`link-${tag}`)
    expect((await api<PushState>(server, phone.token, 'PUT', '/api/push/subscription', sub.body('en'))).status).toBe(200)
    const app = (await api<AppWithSecret>(server, dev.token, 'POST', '/api/apps', { name: 'Battle', domains: [ORIGIN] })).body
    const chat = (await api<Chat>(server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const t = (
      await api<ShareTicket>(server, ann.token, 'POST', '/api/share/tickets', {
        appKey: app.appKey,
        origin: ORIGIN,
        template: invite,
      })
    ).body
    const c = await connect(server, ann.token, pageDoc(chat.id, 0))
    clients.push(c)
    const m: ChatMessage = { ...message(ann.user.id, ''), kind: 'link', link: { ticket: t.id, app: t.app, template: t.template } }
    msgs(c).push([m])
    await until(() => service.delivered(sub.name).length > 0, "bob's phone gets the push")
    expect(service.delivered(sub.name)[0]).toMatchObject({ chat: chat.id, msg: m.id, body: 'Battle me!' })
  })
})
