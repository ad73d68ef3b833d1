// Accounts and sessions through the real HTTP API: sign up, sign in on several devices, sign out,
// handle rules, profiles, and the slowing down of repeated wrong passwords.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { ApiError, Me, Profile, Session } from '../../protocol/api.ts'
import { backends } from '../fixtures/databases.ts'
import { MAX_SESSIONS } from '../../server/auth/sessions.ts'
import { api, signIn, signUp, startTestServer, TEST_PASSWORD, type RunningServer } from '../fixtures/server.ts'

describe.each(backends())('accounts (%s)', (backend) => {
  let s: RunningServer
  beforeAll(async () => {
    s = await startTestServer(backend)
  })
  afterAll(async () => {
    await s?.close()
  })

  it('signs in on two devices with separate sessions; signing out one keeps the other; sign out all ends both', async () => {
    const up = await signUp(s, 'mina', '민아')
    expect(up.user).toMatchObject({ handle: 'mina', name: '민아', status: '', lang: 'en' })
    const phone = await signIn(s, 'mina', TEST_PASSWORD, 'phone')
    const laptop = await signIn(s, 'MINA', TEST_PASSWORD, 'laptop')
    expect(new Set([up.token, phone.token, laptop.token]).size).toBe(3)
    expect(phone.user.id).toBe(up.user.id)

    expect((await api<Me>(s, phone.token, 'GET', '/api/me')).body.handle).toBe('mina')
    expect((await api(s, phone.token, 'POST', '/api/signout')).status).toBe(204)
    expect((await api<ApiError>(s, phone.token, 'GET', '/api/me')).status).toBe(401)
    expect((await api<Me>(s, laptop.token, 'GET', '/api/me')).status).toBe(200)

    expect((await api(s, laptop.token, 'POST', '/api/signout-all')).status).toBe(204)
    expect((await api(s, laptop.token, 'GET', '/api/me')).status).toBe(401)
    expect((await api(s, up.token, 'GET', '/api/me')).status).toBe(401)
    // the account itself is fine: a new sign-in works
    expect((await signIn(s, 'mina')).user.id).toBe(up.user.id)
  })

  it("signing out closes that device's sync sockets (4401) and refuses the token at the next upgrade (401)", async () => {
    const up = await signUp(s, 'socketuser')
    const other = await signIn(s, 'socketuser', TEST_PASSWORD, 'tablet')
    const wsUrl = (token: string) => `${s.url.replace('http', 'ws')}/sync/u:${up.user.id}?token=${token}`
    const open = (token: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(wsUrl(token))
        ws.once('open', () => resolve(ws))
        ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
        ws.once('error', reject)
      })
    const closed = (ws: WebSocket) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    const mine = await open(up.token)
    const theirs = await open(other.token)
    const mineClosed = closed(mine)
    await api(s, up.token, 'POST', '/api/signout')
    expect(await mineClosed).toBe(4401)
    await expect(open(up.token)).rejects.toThrow('HTTP 401')
    // the other device's socket is still open until it too is signed out
    expect(theirs.readyState).toBe(WebSocket.OPEN)
    const theirsClosed = closed(theirs)
    await api(s, other.token, 'POST', '/api/signout-all')
    expect(await theirsClosed).toBe(4401)
  })

  it(`an account is signed in on ${MAX_SESSIONS} devices at most: one more signs out the one used longest ago`, async () => {
    const first = await signUp(s, 'many.devices')
    // the first device is in use; the second is not
    const second = await signIn(s, 'many.devices', TEST_PASSWORD, 'old tablet')
    await s.db.run('UPDATE sessions SET seen = seen + 60000 WHERE user_id = ? AND device <> ?', [first.user.id, 'old tablet'])
    const later: Session[] = []
    for (let i = 0; i < MAX_SESSIONS - 1; i++) later.push(await signIn(s, 'many.devices', TEST_PASSWORD, `device ${i}`))
    expect((await api(s, second.token, 'GET', '/api/me')).status).toBe(401)
    for (const t of [first.token, later[0].token, later.at(-1)!.token])
      expect((await api(s, t, 'GET', '/api/me')).status).toBe(200)
    expect((await api<{ sessions: unknown[] }>(s, first.token, 'GET', '/api/sessions')).body.sessions).toHaveLength(MAX_SESSIONS)
  })

  it('stores only a hash of the token, and the sync server authenticates the same sessions', async () => {
    const u = await signUp(s, 'hash.check')
    const rows = await s.db.all<{ token_hash: string }>('SELECT token_hash FROM sessions WHERE user_id = ?', [u.user.id])
    expect(rows).toHaveLength(1)
    expect(rows[0].token_hash).not.toBe(u.token)
    expect(JSON.stringify(await s.db.all('SELECT * FROM sessions'))).not.toContain(u.token)
    const { createAuthenticate } = await import('../../server/auth/sessions.ts')
    const auth = createAuthenticate(s.db)
    expect(await auth(u.token)).toEqual({ userId: u.user.id, sessionId: rows[0].token_hash })
    expect(await auth('x'.repeat(43))).toBeNull()
    await api(s, u.token, 'POST', '/api/signout')
    expect(await auth(u.token)).toBeNull()
  })

  it('enforces handle rules and case-insensitive uniqueness', async () => {
    const bad = ['ab', 'a'.repeat(21), 'has space', 'dash-no', 'émile', '', 'semi;colon']
    for (const handle of bad) {
      const r = await api<ApiError>(s, null, 'POST', '/api/signup', { handle, name: 'X', password: TEST_PASSWORD })
      expect(r.status, handle).toBe(400)
      expect(r.body.error.code, handle).toBe('handle_invalid')
    }
    const first = await signUp(s, 'Jun.Lee_7')
    expect(first.user.handle).toBe('jun.lee_7')
    for (const handle of ['jun.lee_7', 'JUN.LEE_7', 'Jun.lee_7']) {
      const r = await api<ApiError>(s, null, 'POST', '/api/signup', { handle, name: 'Other', password: TEST_PASSWORD })
      expect(r.status).toBe(409)
      expect(r.body.error.code).toBe('handle_taken')
    }
    const count = await s.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE handle = 'jun.lee_7'")
    expect(Number(count?.n)).toBe(1)
    // two sign-ups racing for one handle: exactly one wins
    const race = await Promise.all(
      [0, 1, 2].map(() => api(s, null, 'POST', '/api/signup', { handle: 'racer', name: 'R', password: TEST_PASSWORD })),
    )
    expect(race.map((r) => r.status).sort()).toEqual([201, 409, 409])
  })

  it('checks names and passwords, keeps names in any script', async () => {
    const weak = await api<ApiError>(s, null, 'POST', '/api/signup', { handle: 'shortpw', name: 'S', password: 'short' })
    expect(weak.body.error.code).toBe('password_weak')
    // nor a name that shows nothing (zero-width characters, Hangul fillers): it would pass for a deleted account's
    // (and the other characters Unicode says may be drawn as nothing, and marks with nothing to go on)
    const invisible = [
      '\u200B',
      '\u2060\u2060',
      '\u3164',
      '\uFFA0\u115F',
      '\u00AD',
      '\u034F',
      '\u17B4',
      '\uFE0F',
      '\uFE00'.repeat(3),
      '\u0301',
    ]
    // half a character: it would be stored as U+FFFD, three bytes each, past the length that was checked
    const halves = ['\uD800'.repeat(40), 'Ann\uDC00']
    for (const name of ['', '   ', 'a\u0000b', 'line\nbreak', 'x'.repeat(41), 'evil\u202Egnp.exe', ...invisible, ...halves]) {
      const r = await api<ApiError>(s, null, 'POST', '/api/signup', { handle: 'namecheck', name, password: TEST_PASSWORD })
      expect(r.body.error.code, JSON.stringify(name)).toBe('name_invalid')
    }
    expect((await api(s, null, 'POST', '/api/signin', { handle: 'namecheck', password: TEST_PASSWORD })).status).toBe(401)
    // NFD input is stored NFC, surrounding spaces are trimmed
    const up = await signUp(s, 'namecheck', '  Jose\u0301 山田 สมชาย  ')
    expect(up.user.name).toBe('José 山田 สมชาย')
    const lang = await api<ApiError>(s, null, 'POST', '/api/signup', {
      handle: 'langcheck',
      name: 'L',
      password: TEST_PASSWORD,
      lang: 'xx',
    })
    expect(lang.status).toBe(400)
    const ko = await api<Session>(s, null, 'POST', '/api/signup', {
      handle: 'langcheck',
      name: 'L',
      password: TEST_PASSWORD,
      lang: 'ko',
    })
    expect(ko.body.user.lang).toBe('ko')
  })

  it('updates the profile and finds people by exact handle', async () => {
    const a = await signUp(s, 'profile.a', 'Ana')
    const b = await signUp(s, 'profile.b', 'Ben')
    const patched = await api<Me>(s, a.token, 'PATCH', '/api/me', {
      name: ' Ana María ',
      status: 'at the beach',
      lang: 'zh-Hant',
    })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ name: 'Ana María', status: 'at the beach', lang: 'zh-Hant' })
    expect((await api<Me>(s, a.token, 'GET', '/api/me')).body.status).toBe('at the beach')
    for (const bad of [{ lang: 'klingon' }, { name: '' }, { status: 'x'.repeat(121) }, {}, { name: 5 }]) {
      const r = await api<ApiError>(s, a.token, 'PATCH', '/api/me', bad)
      expect(r.status, JSON.stringify(bad)).toBe(400)
    }
    expect((await api<Me>(s, a.token, 'GET', '/api/me')).body).toMatchObject({ name: 'Ana María', lang: 'zh-Hant' })

    const found = await api<Profile>(s, b.token, 'GET', '/api/users/PROFILE.A')
    expect(found.status).toBe(200)
    expect(found.body).toEqual({ id: a.user.id, handle: 'profile.a', name: 'Ana María', status: 'at the beach' })
    expect((await api(s, b.token, 'GET', '/api/users/profile')).status).toBe(404)
    expect((await api(s, null, 'GET', '/api/users/profile.a')).status).toBe(401)
  })
})

describe.each(backends())('sign-in throttling (%s)', (backend) => {
  let s: RunningServer
  afterAll(async () => {
    await s?.close()
  })
  /** The status of one sign-in attempt. */
  const attempt = async (handle: string, password: string) =>
    (await api(s, null, 'POST', '/api/signin', { handle, password })).status

  it('answers the 5th failed attempt on a handle and refuses the next with 429, even with the right password, only for that handle', async () => {
    s = await startTestServer(backend)
    const victim = await signUp(s, 'victim')
    await signUp(s, 'bystander')
    // 4 failures, then the right password as the 5th attempt: answered, and the handle's count starts over
    for (let i = 0; i < 4; i++) expect(await attempt('victim', `early ${i}`)).toBe(401)
    expect(await attempt('victim', TEST_PASSWORD)).toBe(200)
    for (let i = 0; i < 5; i++) {
      const r = await api<ApiError>(s, null, 'POST', '/api/signin', { handle: 'victim', password: `guess ${i} wrong` })
      expect(r.status).toBe(401)
      expect(r.body.error.code).toBe('wrong_credentials')
    }
    const locked = await api<ApiError>(s, null, 'POST', '/api/signin', { handle: 'VICTIM', password: TEST_PASSWORD })
    expect(locked.status).toBe(429)
    expect(locked.body.error.code).toBe('too_many_attempts')
    const retry = Number(locked.headers.get('retry-after'))
    expect(retry).toBeGreaterThan(0)
    expect(retry).toBeLessThanOrEqual(15 * 60)
    // the victim's existing session is untouched, and other handles still sign in from this address
    expect((await api(s, victim.token, 'GET', '/api/me')).status).toBe(200)
    expect((await signIn(s, 'bystander')).user.handle).toBe('bystander')
    await s.close()
  })

  it('treats unknown handles exactly like known ones (no way to tell which exist)', async () => {
    s = await startTestServer(backend)
    await signUp(s, 'realuser')
    const known: number[] = []
    const unknown: number[] = []
    const bodies = new Set<string>()
    for (let i = 0; i < 6; i++) {
      const k = await api<ApiError>(s, null, 'POST', '/api/signin', { handle: 'realuser', password: 'wrong password' })
      const u = await api<ApiError>(s, null, 'POST', '/api/signin', { handle: 'nosuchuser', password: 'wrong password' })
      known.push(k.status)
      unknown.push(u.status)
      bodies.add(JSON.stringify(k.body)).add(JSON.stringify(u.body))
    }
    expect(known).toEqual([401, 401, 401, 401, 401, 429])
    expect(unknown).toEqual(known)
    // one wording for wrong credentials, one for the lock (its wait in seconds may differ by one)
    expect([...bodies].filter((b) => b.includes('wrong_credentials'))).toHaveLength(1)
    await s.close()
  })

  it('refuses the attempt after 20 wrong passwords from one address across handles; a success clears the handle', async () => {
    s = await startTestServer(backend)
    await signUp(s, 'addr.one')
    await signUp(s, 'addr.two')
    // 4 wrong, then right: the handle's count is cleared, so 4 more wrong do not lock it
    for (let i = 0; i < 4; i++)
      expect((await api(s, null, 'POST', '/api/signin', { handle: 'addr.one', password: 'nope nope' })).status).toBe(401)
    await signIn(s, 'addr.one')
    for (let i = 0; i < 4; i++)
      expect((await api(s, null, 'POST', '/api/signin', { handle: 'addr.one', password: 'nope nope' })).status).toBe(401)
    await signIn(s, 'addr.one')
    // 12 more wrong on other (unknown) handles: 20 failures from this address in all
    for (let i = 0; i < 12; i++) {
      expect((await api(s, null, 'POST', '/api/signin', { handle: `ghost${i % 4}`, password: 'nope nope' })).status).toBe(401)
    }
    const r = await api<ApiError>(s, null, 'POST', '/api/signin', { handle: 'addr.two', password: TEST_PASSWORD })
    expect(r.status).toBe(429)
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
    await s.close()
  })

  it('answers the 20th failed attempt from an address and refuses the next with 429; a success is not counted', async () => {
    s = await startTestServer(backend)
    await signUp(s, 'addr.exact')
    // 19 failures spread over handles that never reach their own limit
    for (let i = 0; i < 19; i++) {
      expect(await attempt(`spread${i % 5}`, 'nope nope'), `failure ${i + 1}`).toBe(401)
    }
    // the 20th attempt is answered: a success, not counted against the address
    expect(await attempt('addr.exact', TEST_PASSWORD)).toBe(200)
    // the 20th failure is answered too; the attempt after it is refused, whatever its handle and password
    expect(await attempt('spread.last', 'nope nope')).toBe(401)
    const r = await api<ApiError>(s, null, 'POST', '/api/signin', { handle: 'addr.exact', password: TEST_PASSWORD })
    expect(r.status).toBe(429)
    expect(r.body.error.code).toBe('too_many_attempts')
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0)
    await s.close()
  })

  it('does not count refused attempts: retrying a locked handle does not lock the address', async () => {
    s = await startTestServer(backend)
    await signUp(s, 'locked.h')
    await signUp(s, 'other.h')
    for (let i = 0; i < 5; i++) expect(await attempt('locked.h', 'nope nope')).toBe(401)
    // 25 refusals: no password was checked, so they are no failures for the address either
    for (let i = 0; i < 25; i++) expect(await attempt('locked.h', TEST_PASSWORD)).toBe(429)
    // 5 failures so far: 14 more from this address are still answered, and another handle signs in
    for (let i = 0; i < 14; i++) expect(await attempt(`free${i % 5}`, 'nope nope'), `failure ${i + 6}`).toBe(401)
    expect(await attempt('other.h', TEST_PASSWORD)).toBe(200)
    // the 20th failure is answered, the attempt after it refused
    expect(await attempt('free.last', 'nope nope')).toBe(401)
    expect(await attempt('other.h', TEST_PASSWORD)).toBe(429)
    await s.close()
  })

  it('counts by socket address unless told to trust X-Forwarded-For', async () => {
    s = await startTestServer(backend)
    await signUp(s, 'xff.user')
    const wrong = (i: number, xff: string) =>
      fetch(`${s.url}/api/signin`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': xff },
        body: JSON.stringify({ handle: `nobody${i % 5}`, password: 'wrong wrong' }),
      })
    // a different spoofed address on every try does not escape the limit
    for (let i = 0; i < 20; i++) expect((await wrong(i, `10.0.0.${i}`)).status).toBe(401)
    expect((await wrong(99, '10.9.9.9')).status).toBe(429)
    await s.close()

    // behind a trusted proxy the address it appended (the last hop) is the one that counts
    const { startServer } = await import('../../server/app.ts')
    const { freshDatabaseUrl } = await import('../fixtures/databases.ts')
    s = await startServer({ port: 0, databaseUrl: await freshDatabaseUrl(backend), trustProxy: true })
    await signUp(s, 'xff.user')
    for (let i = 0; i < 20; i++) expect((await wrong(i, '203.0.113.7')).status).toBe(401)
    // what the client put before it does not matter
    expect((await wrong(99, '10.0.0.1, 203.0.113.7')).status).toBe(429)
    const fromElsewhere = await fetch(`${s.url}/api/signin`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '198.51.100.2' },
      body: JSON.stringify({ handle: 'xff.user', password: TEST_PASSWORD }),
    })
    expect(fromElsewhere.status).toBe(200)
    await s.close()
  })

  it('does not let parallel guesses slip past the limit', async () => {
    s = await startTestServer(backend)
    await signUp(s, 'parallel')
    const all = await Promise.all(
      Array.from({ length: 15 }, (_, i) =>
        api(s, null, 'POST', '/api/signin', { handle: 'parallel', password: `wrong guess ${i}` }),
      ),
    )
    const statuses = all.map((r) => r.status)
    expect(statuses.filter((x) => x === 401).length).toBeLessThanOrEqual(5)
    expect(statuses.filter((x) => x === 429).length).toBeGreaterThanOrEqual(10)
    await s.close()
  })
})
