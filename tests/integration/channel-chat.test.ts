// Talking to a channel: a user opens one chat with a channel (the same one every time) and writes; every
// admin of the channel finds it in the channel's chat list with the user's profile and an unread count,
// and answers in it; the user's inbox shows the chat as the channel. An admin removed loses it at once, a
// stranger never has it, and a user who blocked the channel gets nothing more from its side.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { download, sendMedia, upload } from '../fixtures/media.ts'
import { api, signIn, signUp, TEST_PASSWORD, startServerOn } from '../fixtures/server.ts'
import type { RunningServer } from '../../server/app.ts'
import { startPushService, type PushServiceFixture } from '../fixtures/push-service.ts'
import type { PushPayload } from '../../protocol/push.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { bodies, connect, msgs, send, syncUrl, until, upgradeStatus, type SyncClient } from '../fixtures/sync-client.ts'
import { headDoc, inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { Chat, Session } from '../../protocol/api.ts'
import type { Channel, ChannelChatItem } from '../../protocol/channels.ts'
import type { InboxEntry } from '../../protocol/messages.ts'

const OPERATOR = 'operator-token-for-channel-chats-0123'
beforeAll(() => {
  vi.stubEnv('SORI_OPERATOR_TOKEN', OPERATOR)
})
afterAll(() => {
  vi.unstubAllEnvs()
})

describe.each(backends())('chat with a channel (%s)', (backend) => {
  const suite = serverSuite(backend)
  const tag = backend.slice(0, 2)
  let n = 0
  const user = (name: string) => signUp(suite.server, `${name}${n++}_${tag}`, name)
  const call = <T>(s: Session, method: string, path: string, body?: unknown) => api<T>(suite.server, s.token, method, path, body)
  const open = async (s: Session, doc: string) => {
    const c = await connect(suite.server, s.token, doc)
    suite.keep(c)
    return c
  }
  const upgrade = (s: Session, doc: string) => upgradeStatus(`${syncUrl(suite.server)}/${doc}?token=${s.token}`)

  /** A channel run by `admins` (the first creates it, the others are added). */
  async function channel(admins: Session[]): Promise<Channel> {
    const r = await call<Channel>(admins[0], 'POST', '/api/channels', {
      handle: `cafe${n++}_${tag}`,
      name: 'Corner Café',
      category: 'food',
      langs: ['en'],
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    for (const a of admins.slice(1))
      expect((await call(admins[0], 'POST', `/api/channels/${r.body.id}/admins`, { handle: a.user.handle })).status).toBe(200)
    return r.body
  }
  const chats = async (s: Session, channelId: string) => {
    const r = await call<ChannelChatItem[]>(s, 'GET', `/api/channels/${channelId}/chats`)
    expect(r.status, JSON.stringify(r.body)).toBe(200)
    return r.body
  }

  it('a user writes to a channel; every admin sees it with the user, answers as the channel; the user sees the channel', async () => {
    const [ann, ada, abe, uma] = [await user('ann'), await user('ada'), await user('abe'), await user('uma')]
    const ch = await channel([ann, ada])
    await call(abe, 'POST', `/api/channels/${ch.id}/follow`)

    const first = await call<Chat>(uma, 'POST', `/api/channels/${ch.id}/chat`)
    expect(first.status).toBe(201)
    expect(first.body).toMatchObject({ kind: 'channel', channel: { id: ch.id, name: 'Corner Café' } })
    expect(first.body.members.map((m) => m.id)).toEqual([uma.user.id])
    const again = await call<Chat>(uma, 'POST', `/api/channels/${ch.id}/chat`)
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(first.body.id)
    const convId = first.body.id
    // an admin answers for the channel; they do not open a chat with it
    expect((await call(ann, 'POST', `/api/channels/${ch.id}/chat`)).status).toBe(400)
    // an empty chat is nobody's business yet
    expect(await chats(ann, ch.id)).toEqual([])

    const inbox = await open(uma, inboxDoc(uma.user.id))
    const entry = () => inbox.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(convId)
    const page = await open(uma, pageDoc(convId, 0))
    send(page, uma.user.id, 'Do you have a table for four at 7?')
    send(page, uma.user.id, 'Outside if possible')

    for (const admin of [ann, ada])
      await expect
        .poll(() => chats(admin, ch.id), { timeout: 20_000 })
        .toEqual([
          {
            id: convId,
            user: { id: uma.user.id, name: 'uma', handle: uma.user.handle },
            preview: 'Outside if possible',
            from: uma.user.id,
            ts: expect.any(Number),
            unread: 2,
          },
        ])
    // nobody else may list them: not a follower, not the user
    expect((await call(abe, 'GET', `/api/channels/${ch.id}/chats`)).status).toBe(403)
    expect((await call(uma, 'GET', `/api/channels/${ch.id}/chats`)).status).toBe(403)

    // an admin opens the chat: its info names the user, the channel, and the messages are there
    const info = await call<Chat>(ann, 'GET', `/api/chats/${convId}`)
    expect(info.status).toBe(200)
    expect(info.body.members.map((m) => m.name)).toEqual(['uma'])
    const annPage = await open(ann, pageDoc(convId, 0))
    expect(bodies(annPage)).toEqual(['Do you have a table for four at 7?', 'Outside if possible'])
    // reading as the channel: one position for every admin of it
    const annHead = await open(ann, headDoc(convId))
    annHead.doc.getMap(ROOTS.head.reads).set(ann.user.id, 2)
    await expect.poll(async () => (await chats(ada, ch.id))[0]?.unread, { timeout: 20_000 }).toBe(0)
    expect(annHead.doc.getMap(ROOTS.head.meta).get('title')).toBe('Corner Café')

    send(annPage, ann.user.id, 'Yes, see you at 7!')
    await until(() => bodies(page).length === 3, 'uma gets the answer')
    expect(msgs(page).get(2).from).toBe(ann.user.id)
    // the user's inbox shows the channel, its latest message, and the answer as unread
    await expect
      .poll(() => entry(), { timeout: 20_000 })
      .toMatchObject({ kind: 'channel', title: 'Corner Café', channel: ch.id, preview: 'Yes, see you at 7!', unread: 3 })
    expect(entry()?.peer).toBeUndefined()
    const list = (await call<Chat[]>(uma, 'GET', '/api/chats')).body.find((c) => c.id === convId)
    expect(list?.channel?.name).toBe('Corner Café')

    // a stranger can neither read the chat nor its documents
    expect((await call(abe, 'GET', `/api/chats/${convId}`)).status).toBe(403)
    expect(await upgrade(abe, pageDoc(convId, 0))).toBe(403)
    expect(await upgrade(abe, headDoc(convId))).toBe(403)

    // the channel renamed: the user's inbox follows
    expect((await call(ann, 'PATCH', `/api/channels/${ch.id}`, { name: 'Corner Bistro' })).status).toBe(200)
    await expect.poll(() => entry()?.title, { timeout: 20_000 }).toBe('Corner Bistro')

    // ada stops being an admin: her sockets close, she can neither come back nor list the chats
    const adaPage = await open(ada, pageDoc(convId, 0))
    expect((await call(ann, 'DELETE', `/api/channels/${ch.id}/admins/${ada.user.id}`)).status).toBe(200)
    await until(() => adaPage.closes.length > 0, "ada's socket closes")
    expect(adaPage.closes[0].code).toBe(CLOSE.FORBIDDEN)
    expect(await upgrade(ada, pageDoc(convId, 0))).toBe(403)
    expect(await upgrade(ada, headDoc(convId))).toBe(403)
    expect((await call(ada, 'GET', `/api/chats/${convId}`)).status).toBe(403)
    expect((await call(ada, 'GET', `/api/channels/${ch.id}/chats`)).status).toBe(403)
    // what she writes now reaches nobody
    send(adaPage, ada.user.id, 'Sorry, we are full')
    const later = await open(uma, pageDoc(convId, 0))
    expect(bodies(later)).toEqual(['Do you have a table for four at 7?', 'Outside if possible', 'Yes, see you at 7!'])
  })

  it('a user who blocked the channel gets nothing more from its side, and leaves its list', async () => {
    const [ann, uma] = [await user('ann'), await user('uma')]
    const ch = await channel([ann])
    const convId = (await call<Chat>(uma, 'POST', `/api/channels/${ch.id}/chat`)).body.id
    const page = await open(uma, pageDoc(convId, 0))
    send(page, uma.user.id, 'Are you open on Sunday?')
    await expect.poll(async () => (await chats(ann, ch.id)).length, { timeout: 20_000 }).toBe(1)
    const annPage = await open(ann, pageDoc(convId, 0))
    expect(bodies(annPage)).toEqual(['Are you open on Sunday?'])

    expect((await call<Channel>(uma, 'POST', `/api/channels/${ch.id}/block`)).body.blocked).toBe(true)
    expect(await chats(ann, ch.id)).toEqual([])
    send(annPage, ann.user.id, 'We are! Come by')
    await until(() => annPage.closes.length > 0, "the admin's write is refused")
    expect(annPage.closes[0]).toMatchObject({ code: CLOSE.REFUSED, reason: 'this person blocked the channel' })
    // nothing of it was applied: not for the user, not for a fresh copy of the page
    const fresh = await open(uma, pageDoc(convId, 0))
    expect(bodies(fresh)).toEqual(['Are you open on Sunday?'])
    expect(bodies(page)).toEqual(['Are you open on Sunday?'])
    // the user cannot open it again while blocking the channel; what they have stays theirs
    expect((await call(uma, 'POST', `/api/channels/${ch.id}/chat`)).status).toBe(403)
    send(page, uma.user.id, 'Never mind')
    await until(() => bodies(fresh).length === 2, 'the user still writes in their own chat')

    // unblocked: the chat is back on the list and the channel answers again
    await call(uma, 'DELETE', `/api/channels/${ch.id}/block`)
    await expect.poll(async () => (await chats(ann, ch.id)).map((c) => c.preview), { timeout: 20_000 }).toEqual(['Never mind'])
    const again = await open(ann, pageDoc(convId, 0))
    send(again, ann.user.id, 'Sunday 10 to 4')
    await until(() => bodies(fresh).length === 3, 'the answer arrives')
  })

  it('a deleted account leaves the list; a disabled channel takes no chats and its admins write nothing', async () => {
    const [ann, uma, ivy] = [await user('ann'), await user('uma'), await user('ivy')]
    const ch = await channel([ann])
    const convs: string[] = []
    for (const u of [uma, ivy]) {
      const convId = (await call<Chat>(u, 'POST', `/api/channels/${ch.id}/chat`)).body.id
      convs.push(convId)
      send(await open(u, pageDoc(convId, 0)), u.user.id, `hello from ${u.user.name}`)
    }
    await expect.poll(async () => (await chats(ann, ch.id)).length, { timeout: 20_000 }).toBe(2)
    const annIvy = await open(ann, pageDoc(convs[1], 0))
    expect((await call(ivy, 'DELETE', '/api/me', { password: TEST_PASSWORD })).status).toBe(204)
    expect((await chats(ann, ch.id)).map((c) => c.user.id)).toEqual([uma.user.id])
    await until(() => annIvy.closes.length > 0, "the admin's socket to the deleted account's chat closes")
    expect(await upgrade(ann, pageDoc(convs[1], 0))).toBe(403)

    const annUma = await open(ann, pageDoc(convs[0], 0))
    const umaPage = await open(uma, pageDoc(convs[0], 0))
    const op = await fetch(`${suite.server.url}/api/operator/channels/${ch.id}/disabled`, {
      method: 'POST',
      headers: { authorization: `Bearer ${OPERATOR}`, 'content-type': 'application/json' },
      body: JSON.stringify({ disabled: true }),
    })
    expect(op.status).toBe(200)
    expect((await call(uma, 'POST', `/api/channels/${ch.id}/chat`)).status).toBe(404)
    expect((await call(ann, 'GET', `/api/channels/${ch.id}/chats`)).status).toBe(404)
    send(annUma, ann.user.id, 'still here?')
    await until(() => annUma.closes.length > 0, "the admin's write is refused")
    expect(annUma.closes[0]).toMatchObject({ code: CLOSE.REFUSED, reason: 'the channel is disabled' })
    expect(bodies(umaPage)).toEqual(['hello from uma'])
  })

  it("files go both ways: the user's to the channel's admins, an admin's to the user, nobody else's", async () => {
    const [ann, uma, abe] = [await user('ann'), await user('uma'), await user('abe')]
    const ch = await channel([ann])
    const convId = (await call<Chat>(uma, 'POST', `/api/channels/${ch.id}/chat`)).body.id
    const menu = await upload(suite.server, uma.token, convId, 'file', randomBytes(64), 'booking.bin')
    await sendMedia(suite.server, uma, convId, menu)
    const reply = await upload(suite.server, ann.token, convId, 'file', randomBytes(64), 'menu.bin')
    await sendMedia(suite.server, ann, convId, reply)
    expect((await download(suite.server, ann.token, menu.id)).status).toBe(200)
    expect((await download(suite.server, uma.token, reply.id)).status).toBe(200)
    expect((await download(suite.server, abe.token, menu.id)).status).toBe(404)
    // a stranger cannot upload into it
    expect((await api(suite.server, abe.token, 'POST', `/api/chats/${convId}/uploads`, { kind: 'file', size: 3 })).status).toBe(
      403,
    )
  })
})

describe.each(backends())('pushes of a chat with a channel (%s)', (backend) => {
  let server: RunningServer
  let service: PushServiceFixture
  const clients: SyncClient[] = []
  let n = 0
  beforeAll(async () => {
    service = await startPushService()
    server = await startServerOn(await freshDatabaseUrl(backend), {
      push: { allowHttp: true, coalesceMs: 200, concurrency: 2, timeoutMs: 30_000, retryBaseMs: 200 },
    })
  })
  afterAll(async () => {
    for (const c of clients.splice(0)) c.destroy()
    service?.release()
    await server?.close()
    await service?.close()
  })
  const user = (handle: string, name: string) => signUp(server, `${handle}${n++}_${backend.slice(0, 2)}`, name)
  const device = async (s: Session, name: string) => {
    const session = await signIn(server, s.user.handle, TEST_PASSWORD, name)
    const sub = service.subscription(name)
    expect((await api(server, session.token, 'PUT', '/api/push/subscription', sub.body('en', true))).status).toBe(200)
    return sub
  }

  it("the user's devices get the channel's answer under the channel's name; the admins get no push", async () => {
    const [ann, uma] = [await user('ann', 'Ann Admin'), await user('uma', 'uma')]
    const annPhone = await device(ann, `ann-phone-${backend}`)
    const umaPhone = await device(uma, `uma-phone-${backend}`)
    const ch = (
      await api<Channel>(server, ann.token, 'POST', '/api/channels', {
        handle: `pushcafe${n++}`,
        name: 'Corner Café',
        category: 'food',
        langs: ['en'],
      })
    ).body
    const convId = (await api<Chat>(server, uma.token, 'POST', `/api/channels/${ch.id}/chat`)).body.id
    const umaPage = await connect(server, uma.token, pageDoc(convId, 0))
    const annPage = await connect(server, ann.token, pageDoc(convId, 0))
    clients.push(umaPage, annPage)
    send(umaPage, uma.user.id, 'A table for two?')
    await until(() => bodies(annPage).length === 1, 'the admin has the question')
    const answer = send(annPage, ann.user.id, 'Yes, at 8')
    await until(() => service.delivered(umaPhone.name).length >= 1, "the user's push")
    // (its count holds the user's own question too: this client never marked it read)
    expect(service.delivered(umaPhone.name)[0]).toMatchObject({
      v: 1,
      chat: convId,
      msg: answer.id,
      kind: 'channel',
      title: 'Corner Café',
      body: 'Yes, at 8',
    } satisfies Partial<PushPayload>)
    expect(JSON.stringify(service.delivered(umaPhone.name))).not.toContain('Ann Admin')
    // the user's own question was pushed to nobody: the admins are not the chat's members
    expect(service.delivered(annPhone.name)).toEqual([])
  })
})
