// Talking to a channel: a user opens one chat with a channel (the same one every time) and writes; every
// admin of the channel finds it in the channel's chat list with the user's profile and an unread count,
// and answers in it, and has it in their own chat list with the user's name and an unread count all the
// admins share; the user's inbox shows the chat as the channel. An admin removed loses it at once, a
// stranger never has it, and a user who blocked the channel gets nothing more from its side and writes
// nothing more into it.
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { download, sendMedia, upload } from '../fixtures/media.ts'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { pushSuite } from '../fixtures/push-suite.ts'
import type { PushPayload } from '../../protocol/push.ts'
import { backends } from '../fixtures/databases.ts'
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
    // the user takes the latest back: the admins' list keeps nothing of it, and says so
    page.doc.getMap(ROOTS.page.edits).set(msgs(page).get(1).id, { retracted: true, ts: Date.now() })
    await expect
      .poll(async () => (await chats(ada, ch.id))[0], { timeout: 20_000 })
      .toMatchObject({ preview: '', from: uma.user.id, retracted: true, unread: 2 })
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
    // the chat is no longer the channel's to read: the admin's socket closes and the chat stays shut to them
    await until(() => annPage.closes.length > 0, "the admin's socket closes")
    expect(annPage.closes[0].code).toBe(CLOSE.FORBIDDEN)
    expect(await upgrade(ann, pageDoc(convId, 0))).toBe(403)
    expect(await upgrade(ann, headDoc(convId))).toBe(403)
    expect((await call(ann, 'GET', `/api/chats/${convId}`)).status).toBe(403)
    const fresh = await open(uma, pageDoc(convId, 0))
    expect(bodies(fresh)).toEqual(['Are you open on Sunday?'])
    // the user cannot open it again while blocking the channel, nor write in it: nobody would read it
    expect((await call(uma, 'POST', `/api/channels/${ch.id}/chat`)).status).toBe(403)
    send(page, uma.user.id, 'Never mind')
    await until(() => page.closes.length > 0, "the user's write is refused")
    expect(page.closes[0]).toMatchObject({ code: CLOSE.REFUSED, reason: 'you blocked this channel: unblock it to write to it' })
    // what they have stays theirs
    expect(bodies(await open(uma, pageDoc(convId, 0)))).toEqual(['Are you open on Sunday?'])

    // unblocked: the user writes again, the chat is back on the list and the channel answers again
    await call(uma, 'DELETE', `/api/channels/${ch.id}/block`)
    send(await open(uma, pageDoc(convId, 0)), uma.user.id, 'Never mind')
    await expect.poll(async () => (await chats(ann, ch.id)).map((c) => c.preview), { timeout: 20_000 }).toEqual(['Never mind'])
    const again = await open(ann, pageDoc(convId, 0))
    send(again, ann.user.id, 'Sunday 10 to 4')
    await until(() => bodies(fresh).length === 3, 'the answer arrives')
  })

  it("every admin's chat list holds the user's chat, under the user, with the unread count they share", async () => {
    const [ann, ada, abe, uma] = [await user('ann'), await user('ada'), await user('abe'), await user('uma')]
    const ch = await channel([ann, ada])
    const convId = (await call<Chat>(uma, 'POST', `/api/channels/${ch.id}/chat`)).body.id
    const annInbox = await open(ann, inboxDoc(ann.user.id))
    const adaInbox = await open(ada, inboxDoc(ada.user.id))
    const umaInbox = await open(uma, inboxDoc(uma.user.id))
    const entryOf = (c: SyncClient) => c.doc.getMap<InboxEntry>(ROOTS.inbox.chats).get(convId)
    // an empty chat is in nobody's list but the user's
    await expect.poll(() => entryOf(umaInbox)?.kind, { timeout: 20_000 }).toBe('channel')
    expect(entryOf(annInbox)).toBeUndefined()

    const page = await open(uma, pageDoc(convId, 0))
    send(page, uma.user.id, 'Do you deliver?')
    send(page, uma.user.id, 'To Mapo-gu')
    for (const inbox of [annInbox, adaInbox])
      await expect
        .poll(() => entryOf(inbox), { timeout: 20_000 })
        .toEqual({
          kind: 'channel',
          title: 'uma',
          peer: uma.user.id,
          channel: ch.id,
          asChannel: 'Corner Café',
          preview: 'To Mapo-gu',
          from: uma.user.id,
          ts: expect.any(Number),
          unread: 2,
          members: 1,
        })
    // the user's own entry is the channel's, never marked as answered for
    expect(entryOf(umaInbox)).toMatchObject({ title: 'Corner Café', preview: 'To Mapo-gu' })
    expect(entryOf(umaInbox)?.asChannel).toBeUndefined()
    expect(entryOf(umaInbox)?.peer).toBeUndefined()

    // one admin reads: it is read for every admin
    const adaHead = await open(ada, headDoc(convId))
    adaHead.doc.getMap(ROOTS.head.reads).set(ada.user.id, 2)
    await expect.poll(() => entryOf(annInbox)?.unread, { timeout: 20_000 }).toBe(0)
    expect(entryOf(adaInbox)?.unread).toBe(0)
    send(page, uma.user.id, 'Never mind, I will come by')
    await expect.poll(() => entryOf(annInbox)?.unread, { timeout: 20_000 }).toBe(1)

    // an admin added later finds it when their list loads; a rename reaches every admin's entry
    expect((await call(ann, 'POST', `/api/channels/${ch.id}/admins`, { handle: abe.user.handle })).status).toBe(200)
    const abeInbox = await open(abe, inboxDoc(abe.user.id))
    await expect.poll(() => entryOf(abeInbox)?.preview, { timeout: 20_000 }).toBe('Never mind, I will come by')
    expect((await call(ann, 'PATCH', `/api/channels/${ch.id}`, { name: 'Corner Bistro' })).status).toBe(200)
    await expect.poll(() => entryOf(annInbox)?.asChannel, { timeout: 20_000 }).toBe('Corner Bistro')

    // an admin removed loses it; a user who blocks the channel takes it from every admin
    expect((await call(ann, 'DELETE', `/api/channels/${ch.id}/admins/${ada.user.id}`)).status).toBe(200)
    await expect.poll(() => entryOf(adaInbox), { timeout: 20_000 }).toBeUndefined()
    expect((await call(uma, 'POST', `/api/channels/${ch.id}/block`)).status).toBe(200)
    await expect.poll(() => entryOf(annInbox), { timeout: 20_000 }).toBeUndefined()
    await expect.poll(() => entryOf(abeInbox), { timeout: 20_000 }).toBeUndefined()
    expect(entryOf(umaInbox)?.title).toBe('Corner Bistro')
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
  const suite = pushSuite(backend, { coalesceMs: 200, concurrency: 2, timeoutMs: 30_000, retryBaseMs: 200 })
  const server = () => suite.server
  let n = 0
  const user = (handle: string, name: string) => signUp(server(), `${handle}${n++}_${backend.slice(0, 2)}`, name)

  it("the user's devices get the channel's answer under the channel's name; every admin's devices get the user's words", async () => {
    const [ann, ada, uma] = [await user('ann', 'Ann Admin'), await user('ada', 'Ada Admin'), await user('uma', 'uma')]
    const annPhone = await suite.device(ann, `ann-phone-${backend}`)
    const adaPhone = await suite.device(ada, `ada-phone-${backend}`)
    const umaPhone = await suite.device(uma, `uma-phone-${backend}`)
    const ch = (
      await api<Channel>(server(), ann.token, 'POST', '/api/channels', {
        handle: `pushcafe${n++}`,
        name: 'Corner Café',
        category: 'food',
        langs: ['en'],
      })
    ).body
    expect((await api(server(), ann.token, 'POST', `/api/channels/${ch.id}/admins`, { handle: ada.user.handle })).status).toBe(
      200,
    )
    const convId = (await api<Chat>(server(), uma.token, 'POST', `/api/channels/${ch.id}/chat`)).body.id
    const umaPage = await connect(server(), uma.token, pageDoc(convId, 0))
    const annPage = await connect(server(), ann.token, pageDoc(convId, 0))
    suite.keep(umaPage, annPage)
    const question = send(umaPage, uma.user.id, 'A table for two?')
    await until(() => bodies(annPage).length === 1, 'the admin has the question')
    // each admin's phone is told who wrote to which of their channels
    for (const phone of [annPhone, adaPhone]) {
      await until(() => suite.service.delivered(phone.name).length >= 1, "an admin's push")
      expect(suite.service.delivered(phone.name)[0]).toMatchObject({
        v: 1,
        chat: convId,
        msg: question.id,
        kind: 'channel',
        title: 'uma in Corner Café',
        body: 'A table for two?',
        count: 1,
      } satisfies Partial<PushPayload>)
    }
    const answer = send(annPage, ann.user.id, 'Yes, at 8')
    await until(() => suite.service.delivered(umaPhone.name).length >= 1, "the user's push")
    // (its count holds the user's own question too: this client never marked it read)
    expect(suite.service.delivered(umaPhone.name)[0]).toMatchObject({
      v: 1,
      chat: convId,
      msg: answer.id,
      kind: 'channel',
      title: 'Corner Café',
      body: 'Yes, at 8',
    } satisfies Partial<PushPayload>)
    expect(JSON.stringify(suite.service.delivered(umaPhone.name))).not.toContain('Ann Admin')
    // the answer is the channel's: no admin is pushed it, not its author, not the other admin
    const later = send(umaPage, uma.user.id, 'Great, thanks')
    for (const phone of [annPhone, adaPhone])
      await until(() => suite.service.delivered(phone.name).some((p) => p.msg === later.id), "the user's next message")
    for (const phone of [annPhone, adaPhone])
      expect(suite.service.delivered(phone.name).map((p) => p.msg)).toEqual([question.id, later.id])
  })
})
