// The security headers on every kind of response: the app's Content-Security-Policy (no inline or
// foreign script, no framing) on the built PWA's files, a policy that allows nothing on the JSON API
// and errors, and nosniff and no-referrer on all of them.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer } from '../../server/app.ts'
import { freshDatabaseUrl } from '../fixtures/databases.ts'
import { signUp, type RunningServer } from '../fixtures/server.ts'

/** A policy as directive → sources. */
function directives(csp: string | null): Map<string, string[]> {
  const map = new Map<string, string[]>()
  for (const part of (csp ?? '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/)
    if (name) map.set(name.toLowerCase(), sources)
  }
  return map
}

function expectCommon(headers: Headers, what: string): void {
  expect(headers.get('x-content-type-options'), what).toBe('nosniff')
  expect(headers.get('referrer-policy'), what).toBe('no-referrer')
  expect(directives(headers.get('content-security-policy')).get('frame-ancestors'), what).toEqual(["'none'"])
}

function expectAppPolicy(headers: Headers, what: string): void {
  expectCommon(headers, what)
  const csp = directives(headers.get('content-security-policy'))
  // scripts only from this origin: no 'unsafe-inline', 'unsafe-eval', hosts or schemes
  expect(csp.get('script-src'), what).toEqual(["'self'"])
  expect(csp.get('default-src'), what).toEqual(["'self'"])
  expect(csp.get('style-src'), what).toEqual(["'self'"])
  expect(csp.get('connect-src'), what).toEqual(["'self'"])
  expect(csp.get('worker-src'), what).toEqual(["'self'"])
  expect(csp.get('manifest-src'), what).toEqual(["'self'"])
  expect(csp.get('object-src'), what).toEqual(["'none'"])
  expect(csp.get('base-uri'), what).toEqual(["'none'"])
}

function expectDataPolicy(headers: Headers, what: string): void {
  expectCommon(headers, what)
  expect(directives(headers.get('content-security-policy')).get('default-src'), what).toEqual(["'none'"])
}

describe('security headers', () => {
  let s: RunningServer
  const dist = join(mkdtempSync(join(tmpdir(), 'sori-static-')), 'dist')

  beforeAll(async () => {
    mkdirSync(join(dist, 'assets'), { recursive: true })
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Sori</title>' + '<div>shell</div>'.repeat(40))
    writeFileSync(join(dist, 'assets', 'index-Ab12Cd34.js'), 'export const a = 1;\n'.repeat(100))
    writeFileSync(join(dist, 'assets', 'index-Zz99.css'), 'body{color:red}')
    writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {})')
    writeFileSync(join(dist, 'manifest.webmanifest'), '{"name":"Sori"}')
    s = await startServer({ port: 0, databaseUrl: await freshDatabaseUrl('sqlite'), staticDir: dist })
  })
  afterAll(async () => {
    await s?.close()
  })

  it('sends the app policy on the shell, its navigation fallback, hashed assets, the service worker and the manifest', async () => {
    const html = { Accept: 'text/html' }
    for (const [path, headers] of [
      ['/', html],
      ['/index.html', html],
      ['/chats/abc', html],
      ['/assets/index-Ab12Cd34.js', {}],
      ['/assets/index-Zz99.css', {}],
      ['/sw.js', {}],
      ['/manifest.webmanifest', {}],
    ] as const) {
      const plain = await fetch(s.url + path, { headers })
      expect(plain.status, path).toBe(200)
      expectAppPolicy(plain.headers, path)
      // gzip and revalidation answer with the same headers
      const gz = await fetch(s.url + path, { headers: { ...headers, 'Accept-Encoding': 'gzip' } })
      expectAppPolicy(gz.headers, `${path} (gzip)`)
      const etag = plain.headers.get('etag') ?? ''
      const again = await fetch(s.url + path, { headers: { ...headers, 'If-None-Match': etag } })
      expect(again.status, path).toBe(304)
      expectAppPolicy(again.headers, `${path} (304)`)
    }
  })

  it('sends nosniff, no-referrer and a policy that allows nothing on the API, its errors and unknown paths', async () => {
    const me = await signUp(s, 'headers_ana')
    const ok = await fetch(s.url + '/api/me', { headers: { Authorization: `Bearer ${me.token}` } })
    expect(ok.status).toBe(200)
    expectDataPolicy(ok.headers, '/api/me')
    const signup = await fetch(s.url + '/api/signup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ handle: 'headers_ben', name: 'Ben', password: 'correct horse 1' }),
    })
    expect(signup.status).toBe(201)
    expectDataPolicy(signup.headers, 'POST /api/signup')
    for (const [path, status] of [
      ['/api/me', 401],
      ['/api/nothing', 404],
      ['/sync/u:x', 426],
      ['/assets/missing-1.js', 404],
    ] as const) {
      const r = await fetch(s.url + path)
      expect(r.status, path).toBe(status)
      expectDataPolicy(r.headers, path)
    }
  })
})
