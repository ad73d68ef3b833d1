// Every HTTP endpoint the documents name (docs/protocol.md, docs/sdk.md: "GET /api/..." and the like) is
// one the server has: asked without a user's token (the operator's routes with the operator's, as they are
// documented: without it they answer as if they did not exist), with made-up ids and no body, it answers
// anything but the router's "There is no <method> <path> in this API" (a 401, a 400 or a 404 for the
// made-up id are all answers of the endpoint itself). A client written from the documents alone must not
// meet an endpoint that was renamed or never built. A documented path that another route's pattern also
// matches (`/api/coupons/key` and `/api/coupons/:id`) cannot be told apart from it this way.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { serverSuite } from '../fixtures/server-suite.ts'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const DOCS = ['docs/protocol.md', 'docs/sdk.md']
const OPERATOR_TOKEN = 'operator-token-for-the-endpoint-check'
beforeAll(() => {
  vi.stubEnv('SORI_OPERATOR_TOKEN', OPERATOR_TOKEN)
})
afterAll(() => {
  vi.unstubAllEnvs()
})

/** "METHOD /api/path" of every endpoint the documents name, path parameters as written (`:id`, `<key>`). */
function documentedEndpoints(): { method: string; path: string }[] {
  const seen = new Map<string, { method: string; path: string }>()
  for (const file of DOCS) {
    const text = readFileSync(join(ROOT, file), 'utf8')
    for (const m of text.matchAll(/\b(GET|POST|PUT|PATCH|DELETE) (\/api\/[^\s`)?,;]*)/g)) {
      const path = m[2].replace(/[.:]$/, '')
      seen.set(`${m[1]} ${path}`, { method: m[1], path })
    }
  }
  return [...seen.values()]
}

/** A concrete path: every `:param` and `<param>` a made-up value of the usual id shape. */
const concrete = (path: string) => path.replace(/:[A-Za-z]+|<[^>]*>/g, 'x0x0x0x0')

describe('the endpoints the documents name', () => {
  const suite = serverSuite('sqlite')
  const endpoints = documentedEndpoints()

  it('are found in the documents (the check reads them)', () => {
    // the API has over a hundred endpoints; a pattern that stopped matching would make the next test empty
    expect(endpoints.length).toBeGreaterThan(80)
  })

  it('are all routed by the server', async () => {
    const missing: string[] = []
    for (const { method, path } of endpoints) {
      const res = await fetch(suite.server.url + concrete(path), {
        method,
        headers: {
          ...(path.startsWith('/api/operator/') ? { authorization: `Bearer ${OPERATOR_TOKEN}` } : {}),
          ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
        },
        body: method === 'GET' || method === 'DELETE' ? undefined : '{}',
        redirect: 'manual',
      })
      const text = await res.text()
      if (res.status === 404 && /There is no .* in this API/.test(text)) missing.push(`${method} ${path}`)
      else if (res.status === 404 && !res.headers.get('content-type')?.includes('json'))
        missing.push(`${method} ${path} (not an API answer: ${res.headers.get('content-type')})`)
    }
    expect(missing).toEqual([])
  }, 60_000)
})
