// The HTTP layer with real sockets: bad input to the API, clients that never finish a request, and the
// static files of the built app (content types, cache headers, navigation fallback, gzip, no path traversal).
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { ApiError } from '../../protocol/api.ts'
import { MAX_JSON_BYTES } from '../../protocol/limits.ts'
import { startServer } from '../../server/app.ts'
import { redactUrl } from '../../server/http/log.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'
import { api, signUp, startTestServer, TEST_PASSWORD, type RunningServer } from '../fixtures/server.ts'

/** A raw request, so that paths reach the server exactly as written (fetch would normalize `..`). */
function raw(
  url: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const u = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

describe.each(backends())('API input (%s)', (backend) => {
  let s: RunningServer
  beforeAll(async () => {
    s = await startTestServer(backend)
  })
  afterAll(async () => {
    await s?.close()
  })

  it('answers malformed JSON with 400 bad_request and creates nothing', async () => {
    for (const body of ['{"handle": "x",', 'not json', '[1,2', '"just a string"', '[]', 'null']) {
      const r = await api<ApiError>(s, null, 'POST', '/api/signup', body)
      expect(r.status, body).toBe(400)
      expect(r.body.error.code).toBe('bad_request')
      expect(r.body.error.message.length).toBeGreaterThan(5)
    }
    const none = await api<ApiError>(s, null, 'POST', '/api/signup')
    expect(none.status).toBe(400)
    expect(Number((await s.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM users'))?.n)).toBe(0)
  })

  it('ignores a field it does not name, as a client of a later version sends (docs/protocol.md, Errors)', async () => {
    const r = await api<{ token: string; user: { handle: string; name: string } }>(s, null, 'POST', '/api/signup', {
      handle: 'later_client',
      name: 'Later',
      password: TEST_PASSWORD,
      avatarColour: 'teal',
    })
    expect(r.status, JSON.stringify(r.body)).toBe(201)
    expect(r.body.user).toMatchObject({ handle: 'later_client', name: 'Later' })
    const direct = await api<ApiError>(s, r.body.token, 'POST', '/api/chats/direct', { userId: 'nobody000000', pinned: true })
    // judged on the fields it names: an unknown user, not the extra field
    expect(direct.status).toBe(404)
  })

  it('refuses a 100 KB body with 413 too_large, with or without Content-Length, and keeps serving', async () => {
    const big = JSON.stringify({ handle: 'bigbody', name: 'B', password: TEST_PASSWORD, pad: 'x'.repeat(100 * 1024) })
    const r = await api<ApiError>(s, null, 'POST', '/api/signup', big)
    expect(r.status).toBe(413)
    expect(r.body.error.code).toBe('too_large')
    // chunked upload: no length up front, refused once the cap is passed
    const chunked = await raw(
      s.url,
      '/api/signup',
      { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      'POST',
      Buffer.from(big),
    )
    expect(chunked.status).toBe(413)
    // just under the cap is fine
    const fits = JSON.stringify({ handle: 'bigbody', name: 'B', password: TEST_PASSWORD, pad: 'x'.repeat(MAX_JSON_BYTES - 200) })
    expect((await api(s, null, 'POST', '/api/signup', fits)).status).toBe(201)
    expect(Number((await s.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE handle = 'bigbody'"))?.n)).toBe(1)
  })

  it('answers a body that is not application/json with 415 and reads nothing of it; bodyless requests need no type', async () => {
    const body = JSON.stringify({ handle: 'typed', name: 'T', password: TEST_PASSWORD })
    const post = (
      type: string | null,
      data: string | Buffer = body,
      path = '/api/signup',
      headers: Record<string, string> = {},
    ) => raw(s.url, path, { ...(type === null ? {} : { 'Content-Type': type }), ...headers }, 'POST', Buffer.from(data))
    const refused = [
      null,
      'text/plain',
      'text/plain;charset=UTF-8',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/jsonx',
      'application/json-patch+json',
      'application/json; charset=iso-8859-1',
      'json',
    ]
    for (const type of refused) {
      const r = await post(type)
      expect(r.status, String(type)).toBe(415)
      expect(r.headers['content-type'], String(type)).toBe('application/json; charset=utf-8')
      const err = JSON.parse(r.body.toString()) as ApiError
      expect(err.error.code, String(type)).toBe('unsupported_media_type')
      expect(err.error.message, String(type)).toContain('application/json')
    }
    // chunked, with no length up front: refused all the same
    expect((await post('text/plain', body, '/api/signup', { 'Transfer-Encoding': 'chunked' })).status).toBe(415)
    expect(Number((await s.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM users WHERE handle = 'typed'"))?.n)).toBe(0)
    // an authenticated PATCH the same: nothing of it is applied
    const u = await signUp(s, 'typecheck')
    const auth = { Authorization: `Bearer ${u.token}` }
    const patch = await raw(s.url, '/api/me', { 'Content-Type': 'text/plain', ...auth }, 'PATCH', Buffer.from('{"status":"x"}'))
    expect(patch.status).toBe(415)
    expect((await api<{ status: string }>(s, u.token, 'GET', '/api/me')).body.status).toBe('')
    // a route that takes no body refuses one of another type too, and does nothing (a form post to sign out)
    const form = await raw(s.url, '/api/signout', { 'Content-Type': 'text/plain', ...auth }, 'POST', Buffer.from('hello'))
    expect(form.status).toBe(415)
    expect((await api(s, u.token, 'GET', '/api/me')).status).toBe(200)
    const big = await raw(
      s.url,
      '/api/signout',
      { 'Content-Type': 'application/json', ...auth },
      'POST',
      Buffer.alloc(70_000, 32),
    )
    expect(big.status).toBe(413)
    expect((await api(s, u.token, 'GET', '/api/me')).status).toBe(200)
    // the JSON type in any case, with a UTF-8 charset or none, is read
    const accepted = [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON;charset="UTF-8"',
      'application/json;',
    ]
    for (const [i, type] of accepted.entries()) {
      const r = await post(type, JSON.stringify({ handle: `typed${i}`, name: 'T', password: TEST_PASSWORD }))
      expect(r.status, type).toBe(201)
    }
    // bodyless requests: no Content-Type needed, and an empty body with any type is no body
    const signout = await raw(s.url, '/api/signout', auth, 'POST')
    expect(signout.status).toBe(204)
    const empty = await post('text/plain', '')
    expect(empty.status).toBe(400)
    expect((JSON.parse(empty.body.toString()) as ApiError).error.code).toBe('bad_request')
  })

  it('answers health checks as JSON in UTF-8, like every other route', async () => {
    const r = await fetch(`${s.url}/api/health`)
    expect(r.status).toBe(200)
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await r.json()).toEqual({ ok: true, node: null })
    expect((await fetch(`${s.url}/api/health`, { method: 'HEAD' })).status).toBe(200)
    // it is read, never written: another method is an unknown route
    for (const method of ['POST', 'PUT', 'DELETE']) expect((await fetch(`${s.url}/api/health`, { method })).status).toBe(404)
  })

  it('answers a wrong or missing token with 401 and unknown routes with 404', async () => {
    await signUp(s, 'tokencheck')
    for (const token of ['x'.repeat(43), 'not a token', 'a'.repeat(500)]) {
      const r = await api<ApiError>(s, token, 'GET', '/api/me')
      expect(r.status).toBe(401)
      expect(r.body.error.code).toBe('unauthorized')
    }
    const basic = await fetch(`${s.url}/api/me`, { headers: { Authorization: 'Basic dG9rZW46eA==' } })
    expect(basic.status).toBe(401)
    expect((await api(s, null, 'GET', '/api/chats')).status).toBe(401)
    for (const [method, path] of [
      ['GET', '/api/nope'],
      ['PUT', '/api/me'],
      ['GET', '/api'],
      ['PUT', '/api/friends'],
      ['GET', '/nothing-here.js'],
    ]) {
      const r = await api<ApiError>(s, null, method, path)
      expect(r.status, `${method} ${path}`).toBe(404)
      expect(r.body.error.code).toBe('not_found')
    }
  })

  it('survives garbage on the wire and answers plain HTTP on /sync/ with an error', async () => {
    const r = await api<ApiError>(s, null, 'GET', '/sync/u:abc')
    expect(r.status).toBe(426)
    // a broken percent-encoding in a path parameter matches no route
    const bad = await raw(s.url, '/api/chats/%E0%A4%A', {}, 'GET')
    expect(bad.status).toBe(404)
    expect(JSON.parse(bad.body.toString()).error.code).toBe('not_found')
    // a WebSocket upgrade anywhere but /sync/<doc> is told there is none there, and the server answers afterwards
    expect((await raw(s.url, '/api/me', { Connection: 'Upgrade', Upgrade: 'websocket' })).status).toBe(404)
    expect((await api(s, null, 'GET', '/api/me')).status).toBe(401)
  })

  it('answers 500 internal when the database fails under a request, and keeps serving the rest', async () => {
    const broken = await startTestServer(backend)
    try {
      const u = await signUp(broken, 'breaksit')
      // a real storage failure: the table a route needs is gone
      await broken.db.run('DROP TABLE friends')
      const errors: unknown[] = []
      const original = console.error
      console.error = (...args: unknown[]) => {
        errors.push(args)
      }
      let r
      try {
        r = await api<ApiError>(broken, u.token, 'GET', '/api/friends')
      } finally {
        console.error = original
      }
      expect(r.status).toBe(500)
      expect(r.body.error.code).toBe('internal')
      expect(errors).toHaveLength(1)
      expect(JSON.stringify(errors)).not.toContain(u.token)
      expect((await api(broken, u.token, 'GET', '/api/me')).status).toBe(200)
    } finally {
      await broken.close()
    }
  })

  it('redacts tokens from logged URLs', () => {
    expect(redactUrl('/sync/u:abc?token=SECRET123&ack=1')).toBe('/sync/u:abc?token=[redacted]&ack=1')
    expect(redactUrl('/sync/u:abc?ack=1&TOKEN=SECRET123')).not.toContain('SECRET123')
  })
})

describe('clients that never finish a request (sqlite)', () => {
  let s: RunningServer
  beforeAll(async () => {
    s = await startTestServer('sqlite')
  })
  afterAll(async () => {
    await s?.close()
  })

  /** A raw TCP socket; resolves with how long it stayed open once the server closes it, and keeps what it was sent. */
  function openSocket(): { sock: Socket; closed: Promise<number>; received: () => string } {
    const u = new URL(s.url)
    const sock = connect(Number(u.port), u.hostname)
    const t0 = Date.now()
    let received = ''
    sock.on('error', () => {})
    sock.on('data', (d: Buffer) => {
      received += d.toString('latin1')
    })
    return {
      sock,
      closed: new Promise((resolve) => sock.once('close', () => resolve(Date.now() - t0))),
      received: () => received,
    }
  }

  it('closes sockets whose request head does not arrive within 10 s, upgrades included; open WebSockets stay', async () => {
    const me = await signUp(s, 'slowhead')
    // an honest WebSocket, opened before: once upgraded, no request timeout applies to it
    const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}/sync/u:${me.user.id}?token=${me.token}`)
    await new Promise((resolve, reject) => {
      ws.once('open', resolve)
      ws.once('error', reject)
    })
    const wsClosed = new Promise((resolve) => ws.once('close', resolve))
    const head = `GET /sync/u:${me.user.id}?token=${me.token} HTTP/1.1\r\nHost: ${new URL(s.url).host}\r\n`
    // half an upgrade request, then silence
    const silent = openSocket()
    silent.sock.write(`${head}Upgrade: websocket\r\n`)
    // an upgrade request whose headers trickle in, one every half second, and never end
    const trickle = openSocket()
    trickle.sock.write(head)
    let n = 0
    const timer = setInterval(() => {
      if (trickle.sock.writable) trickle.sock.write(`X-Slow-${n++}: ${'x'.repeat(10)}\r\n`)
    }, 500)
    // an API request with a head and no end
    const unfinished = openSocket()
    unfinished.sock.write(`POST /api/signin HTTP/1.1\r\nHost: ${new URL(s.url).host}\r\nContent-Type: application/json\r\n`)
    try {
      // the documented bound is 10 s; the wait is generous (Node's defaults would hold them 60 to 90 s)
      const liveness = 10_000 + 15_000
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('a half-sent request was held open')), liveness).unref(),
      )
      const lived = await Promise.race([Promise.all([silent.closed, trickle.closed, unfinished.closed]), timeout])
      expect(lived).toHaveLength(3)
      expect(n).toBeGreaterThan(3)
      // told why, where the socket still takes it
      expect(silent.received()).toMatch(/^HTTP\/1\.1 408 /)
    } finally {
      clearInterval(timer)
      for (const x of [silent, trickle, unfinished]) x.sock.destroy()
    }
    // the WebSocket outlived them all, and the server still answers
    expect(ws.readyState).toBe(WebSocket.OPEN)
    expect((await api<ApiError>(s, null, 'GET', '/api/me')).status).toBe(401)
    ws.close()
    await wsClosed
  })
})

describe('static files', () => {
  let s: RunningServer
  const root = mkdtempSync(join(tmpdir(), 'sori-static-'))
  const dist = join(root, 'dist')
  const indexHtml =
    '<!doctype html><html><head><title>Sori</title></head><body>' + '<div>app shell</div>'.repeat(40) + '</body></html>'
  const appJs = 'export const hello = "world";\n'.repeat(200)

  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'), { recursive: true })
    writeFileSync(join(dist, 'index.html'), indexHtml)
    writeFileSync(join(dist, 'assets', 'index-Ab12Cd34.js'), appJs)
    writeFileSync(join(dist, 'assets', 'style-Zz99.css'), 'body{color:red}')
    writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {})')
    writeFileSync(join(dist, 'manifest.webmanifest'), '{"name":"Sori"}')
    writeFileSync(join(dist, 'icon.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]))
    writeFileSync(join(root, 'secret.txt'), 'TOP SECRET')
    s = await startServer({ port: 0, databaseUrl: await freshDatabaseUrl('sqlite'), staticDir: dist })
  })
  afterAll(async () => {
    await s?.close()
  })

  it('serves files with their content types and cache headers', async () => {
    const js = await raw(s.url, '/assets/index-Ab12Cd34.js')
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    expect(js.body.toString()).toBe(appJs)
    const css = await raw(s.url, '/assets/style-Zz99.css')
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8')
    for (const [path, type] of [
      ['/index.html', 'text/html'],
      ['/sw.js', 'text/javascript'],
      ['/manifest.webmanifest', 'application/manifest+json'],
    ]) {
      const r = await raw(s.url, path)
      expect(r.status, path).toBe(200)
      expect(r.headers['content-type'], path).toContain(type)
      expect(r.headers['cache-control'], path).toBe('no-cache')
    }
    expect((await raw(s.url, '/icon.png')).headers['content-type']).toBe('image/png')
    // revalidation
    const etag = String(js.headers.etag)
    expect((await raw(s.url, '/assets/index-Ab12Cd34.js', { 'If-None-Match': etag })).status).toBe(304)
  })

  it('falls back to index.html for navigations only', async () => {
    const nav = await raw(s.url, '/chats/abc123', { Accept: 'text/html,application/xhtml+xml' })
    expect(nav.status).toBe(200)
    expect(nav.body.toString()).toBe(indexHtml)
    expect(nav.headers['cache-control']).toBe('no-cache')
    expect((await raw(s.url, '/', { Accept: 'text/html' })).body.toString()).toBe(indexHtml)
    // a missing asset or a non-HTML request is a 404, not the shell
    expect((await raw(s.url, '/assets/missing-123.js', { Accept: 'text/html' })).status).toBe(404)
    expect((await raw(s.url, '/chats/abc123', { Accept: 'application/json' })).status).toBe(404)
    expect((await raw(s.url, '/api/nothing', { Accept: 'text/html' })).status).toBe(404)
  })

  it('serves gzip to clients that accept it', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await raw(s.url, '/assets/index-Ab12Cd34.js', { 'Accept-Encoding': 'gzip, deflate, br' })
      expect(r.headers['content-encoding']).toBe('gzip')
      expect(r.headers.vary).toBe('Accept-Encoding')
      expect(r.body.length).toBeLessThan(appJs.length / 5)
      expect(gunzipSync(r.body).toString()).toBe(appJs)
    }
    const plain = await raw(s.url, '/assets/index-Ab12Cd34.js', { 'Accept-Encoding': 'identity' })
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.body.toString()).toBe(appJs)
  })

  it('never serves files outside the static folder', async () => {
    const attempts = [
      '/../secret.txt',
      '/../../../../etc/passwd',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/secret.txt%00.js',
      '//etc/passwd',
    ]
    for (const path of attempts) {
      for (const accept of ['*/*', 'text/html']) {
        const r = await raw(s.url, path, { Accept: accept })
        expect(r.body.toString(), path).not.toContain('TOP SECRET')
        expect(r.body.toString(), path).not.toContain('root:')
        expect([400, 404, 200], path).toContain(r.status)
        if (r.status === 200) expect(r.body.toString()).toBe(indexHtml)
      }
    }
  })
})
