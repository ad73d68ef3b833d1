// The account through the real HTTP API: changing the password, the signed-in devices and signing one
// out, and the export of what the server holds about the user.
import { describe, expect, it } from 'vitest'
import type { ApiError, Chat, DataExport, DeviceSessions, Me, Session } from '../../protocol/api.ts'
import { inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import { download, mediaRef, sendMedia, upload } from '../fixtures/media.ts'
import { backends } from '../fixtures/databases.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { api, signIn, signUp, TEST_PASSWORD } from '../fixtures/server.ts'
import { bodies, connect, send, until, type SyncClient } from '../fixtures/sync-client.ts'

const NEW_PASSWORD = 'battery staple 2'

describe.each(backends())('account (%s)', (backend) => {
  const suite = serverSuite(backend)
  let n = 0
  const handle = (name: string) => `${name}${n++}_${backend.slice(0, 2)}`
  const open = async (s: Session, doc: string): Promise<SyncClient> => {
    const c = await connect(suite.server, s.token, doc)
    suite.keep(c)
    return c
  }
  const closedWith = (c: SyncClient) => until(() => c.closes.some((e) => e.code === 4401), 'the socket closes with 4401')
  const passOf = async (userId: string) =>
    (await suite.server.db.get<{ pass: string }>('SELECT pass FROM users WHERE id = ?', [userId]))!.pass

  it('refuses a wrong current password and changes nothing', async () => {
    const h = handle('wrongpw')
    const up = await signUp(suite.server, h)
    const other = await signIn(suite.server, h, TEST_PASSWORD, 'tablet')
    const before = await passOf(up.user.id)
    const r = await api<ApiError>(suite.server, up.token, 'POST', '/api/me/password', {
      current: 'not my password',
      password: NEW_PASSWORD,
    })
    expect(r.status).toBe(403)
    expect(r.body.error.code).toBe('wrong_credentials')
    expect(await passOf(up.user.id)).toBe(before)
    // both sessions still work, and the old password still signs in, the new one does not
    expect((await api(suite.server, up.token, 'GET', '/api/me')).status).toBe(200)
    expect((await api(suite.server, other.token, 'GET', '/api/me')).status).toBe(200)
    await signIn(suite.server, h, TEST_PASSWORD)
    expect((await api(suite.server, null, 'POST', '/api/signin', { handle: h, password: NEW_PASSWORD })).status).toBe(401)
    // a new password that breaks the rules is refused too
    const weak = await api<ApiError>(suite.server, up.token, 'POST', '/api/me/password', {
      current: TEST_PASSWORD,
      password: 'short',
    })
    expect(weak.status).toBe(400)
    expect(weak.body.error.code).toBe('password_weak')
    expect(await passOf(up.user.id)).toBe(before)
  })

  it('repeated wrong current passwords are slowed down like sign-ins', async () => {
    const up = await signUp(suite.server, handle('guess'))
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      const r = await api(suite.server, up.token, 'POST', '/api/me/password', { current: `guess ${i}xx`, password: NEW_PASSWORD })
      statuses.push(r.status)
    }
    expect(statuses.slice(0, 5)).toEqual([403, 403, 403, 403, 403])
    expect(statuses[5]).toBe(429)
    // the right password is refused too while locked, and the session is untouched
    const locked = await api(suite.server, up.token, 'POST', '/api/me/password', {
      current: TEST_PASSWORD,
      password: NEW_PASSWORD,
    })
    expect(locked.status).toBe(429)
    expect((await api(suite.server, up.token, 'GET', '/api/me')).status).toBe(200)
  })

  it('a new password works, the old does not, and every other device is signed out (sockets 4401)', async () => {
    const h = handle('newpw')
    const up = await signUp(suite.server, h)
    const other = await signIn(suite.server, h, TEST_PASSWORD, 'laptop')
    const mine = await open(up, inboxDoc(up.user.id))
    const theirs = await open(other, inboxDoc(up.user.id))
    const r = await api(suite.server, up.token, 'POST', '/api/me/password', { current: TEST_PASSWORD, password: NEW_PASSWORD })
    expect(r.status).toBe(204)
    await closedWith(theirs)
    expect((await api(suite.server, other.token, 'GET', '/api/me')).status).toBe(401)
    // this device stays signed in, its socket open
    expect((await api<Me>(suite.server, up.token, 'GET', '/api/me')).status).toBe(200)
    expect(mine.closes).toEqual([])
    expect((await signIn(suite.server, h, NEW_PASSWORD)).user.id).toBe(up.user.id)
    expect((await api(suite.server, null, 'POST', '/api/signin', { handle: h, password: TEST_PASSWORD })).status).toBe(401)
  })

  // A sign-in checks the password, then makes a session: a change of password that lands between the two
  // signs every other device out, and must sign that one out too (whoever knew the old password keeps no way in)
  it('a sign-in with the old password that ends after a change of password gets no lasting session', async () => {
    const outcomes: number[] = []
    for (const lead of [30, 50, 65, 80, 95, 110]) {
      const h = handle('pwrace')
      const up = await signUp(suite.server, h)
      const change = api(suite.server, up.token, 'POST', '/api/me/password', { current: TEST_PASSWORD, password: NEW_PASSWORD })
      await new Promise((r) => setTimeout(r, lead))
      const signin = await api<Session>(suite.server, null, 'POST', '/api/signin', { handle: h, password: TEST_PASSWORD })
      expect((await change).status).toBe(204)
      if (signin.status === 200) outcomes.push((await api(suite.server, signin.body.token, 'GET', '/api/me')).status)
      else expect(signin.status).toBe(401)
    }
    expect(outcomes.filter((s) => s !== 401)).toEqual([])
  })

  it('lists the devices with this one marked current; signing out another revokes its token and closes its sockets', async () => {
    const h = handle('devices')
    const phone = await signUp(suite.server, h)
    const laptop = await signIn(suite.server, h, TEST_PASSWORD, 'Laptop browser')
    const list = (await api<DeviceSessions>(suite.server, phone.token, 'GET', '/api/sessions')).body.sessions
    expect(list).toHaveLength(2)
    const current = list.filter((d) => d.current)
    expect(current).toHaveLength(1)
    const other = list.find((d) => !d.current)!
    expect(other.device).toBe('Laptop browser')
    // the ids are not the session ids the server keys sockets on
    const hashes = (await suite.server.db.all<{ token_hash: string }>('SELECT token_hash FROM sessions')).map((r) => r.token_hash)
    expect(hashes).not.toContain(other.id)
    // the same list from the laptop marks the laptop current
    const fromLaptop = (await api<DeviceSessions>(suite.server, laptop.token, 'GET', '/api/sessions')).body.sessions
    expect(fromLaptop.find((d) => d.current)!.id).toBe(other.id)

    const sock = await open(laptop, inboxDoc(laptop.user.id))
    // someone else cannot sign out this account's device
    const stranger = await signUp(suite.server, handle('stranger'))
    expect((await api(suite.server, stranger.token, 'DELETE', `/api/sessions/${other.id}`)).status).toBe(404)
    expect((await api(suite.server, laptop.token, 'GET', '/api/me')).status).toBe(200)

    expect((await api(suite.server, phone.token, 'DELETE', `/api/sessions/${other.id}`)).status).toBe(204)
    await closedWith(sock)
    expect((await api(suite.server, laptop.token, 'GET', '/api/me')).status).toBe(401)
    expect((await api(suite.server, phone.token, 'GET', '/api/me')).status).toBe(200)
    const after = (await api<DeviceSessions>(suite.server, phone.token, 'GET', '/api/sessions')).body.sessions
    expect(after.map((d) => d.current)).toEqual([true])
    expect((await api(suite.server, phone.token, 'DELETE', `/api/sessions/${other.id}`)).status).toBe(404)
  })

  it("a device label over 100 characters is cut to 100 (a browser's user agent often is), one with control characters dropped", async () => {
    const h = handle('label')
    await signUp(suite.server, h)
    const ua =
      'Mozilla/5.0 (Linux; Android 14; SM-A155F Build/UP1A.231005.007) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36'
    const long = await signIn(suite.server, h, TEST_PASSWORD, ua)
    const emoji = await signIn(suite.server, h, TEST_PASSWORD, `${'x'.repeat(99)}😀 more`)
    const bad = await signIn(suite.server, h, TEST_PASSWORD, 'tab\there')
    const label = async (s: Session) =>
      (await api<DeviceSessions>(suite.server, s.token, 'GET', '/api/sessions')).body.sessions.find((d) => d.current)!.device
    expect(await label(long)).toBe(ua.slice(0, 100))
    // never half of a character
    expect(await label(emoji)).toBe('x'.repeat(99))
    expect(await label(bad)).toBe('')
  })

  it("exports the user's data and nothing of chats they are not in", async () => {
    const [ann, bob, cat] = [
      await signUp(suite.server, handle('ann'), 'Ann'),
      await signUp(suite.server, handle('bob'), 'Bob'),
      await signUp(suite.server, handle('cat'), 'Cat'),
    ]
    await api(suite.server, ann.token, 'POST', '/api/friends', { userId: bob.user.id })
    const shared = (await api<Chat>(suite.server, ann.token, 'POST', '/api/chats/direct', { userId: bob.user.id })).body
    const elsewhere = (await api<Chat>(suite.server, bob.token, 'POST', '/api/chats/direct', { userId: cat.user.id })).body
    const a = await open(ann, pageDoc(shared.id, 0))
    const b = await open(bob, pageDoc(shared.id, 0))
    const c = await open(bob, pageDoc(elsewhere.id, 0))
    send(a, ann.user.id, 'ann writes this')
    const edited = send(a, ann.user.id, 'ann writes a typo')
    const retracted = send(a, ann.user.id, 'ann takes this back')
    send(b, bob.user.id, 'bob answers')
    send(c, bob.user.id, 'a secret for cat')
    a.doc.transact(() => {
      a.doc.getMap(ROOTS.page.edits).set(edited.id, { body: 'ann fixes the typo', ts: Date.now() })
      a.doc.getMap(ROOTS.page.edits).set(retracted.id, { retracted: true, ts: Date.now() })
    })
    await until(() => bodies(b).length === 4 && b.doc.getMap(ROOTS.page.edits).size === 2, 'bob has everything')
    const file = await upload(suite.server, ann.token, shared.id, 'file', Buffer.from('minutes of the meeting'), 'minutes.txt')
    const sent = await sendMedia(suite.server, ann, shared.id, file)
    const channel = (
      await api<{ id: string }>(suite.server, bob.token, 'POST', '/api/channels', {
        handle: handle('shop'),
        name: 'Corner shop',
        category: 'shopping',
        langs: ['en'],
      })
    ).body
    expect((await api(suite.server, ann.token, 'POST', `/api/channels/${channel.id}/follow`)).status).toBe(200)
    const r = await api<DataExport>(suite.server, ann.token, 'GET', '/api/me/export')
    expect(r.status).toBe(200)
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="sori-.*\.json"$/)
    const x = r.body
    expect(x.profile).toMatchObject({ id: ann.user.id, handle: ann.user.handle, name: 'Ann' })
    expect(x.friends.friends.map((p) => p.id)).toEqual([bob.user.id])
    expect(x.devices).toHaveLength(1)
    expect(x.chats.map((ch) => ch.id)).toEqual([shared.id])
    expect(x.chats[0].messages).toEqual([
      { id: expect.any(String), ts: expect.any(Number), body: 'ann writes this' },
      { id: edited.id, ts: edited.ts, body: 'ann fixes the typo', edited: true },
      { id: retracted.id, ts: retracted.ts, body: '', retracted: true },
      { id: sent.id, ts: sent.ts, body: '', media: mediaRef(file) },
    ])
    // what the export names, the user can fetch
    expect((await download(suite.server, ann.token, file.id)).bytes.toString()).toBe('minutes of the meeting')
    // the channels she follows (and runs: none), by name; nothing of bob's admin role
    expect(x.channels).toEqual({
      following: [{ id: channel.id, handle: expect.any(String), name: 'Corner shop', since: expect.any(Number) }],
      admin: [],
      couponsSaved: [],
    })
    const text = JSON.stringify(x)
    // others' messages, and what was taken back, are not in it
    expect(text).not.toContain('ann takes this back')
    expect(text).not.toContain('bob answers')
    expect(text).not.toContain(elsewhere.id)
    expect(text).not.toContain('a secret for cat')
    expect(text).not.toContain(cat.user.id)
    expect(text).not.toContain(await passOf(ann.user.id))
    expect(text).not.toContain(ann.token)
    const hashes = await suite.server.db.all<{ token_hash: string }>('SELECT token_hash FROM sessions WHERE user_id = ?', [
      ann.user.id,
    ])
    for (const { token_hash } of hashes) expect(text).not.toContain(token_hash)
  })
})
