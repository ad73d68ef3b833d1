// Link previews through the real HTTP server, fetching from a real local web site: a page's Open Graph
// title, description, site and picture come back, the picture as a thumbnail made by Sori without its
// EXIF; the second request for a page is served from the cache; a page that cannot be previewed (no
// title, too large, not HTML, hanging) gives 422. With private addresses not allowed (the default), a
// link preview to a loopback or private address is refused, also through a redirect, and the address
// gets no request at all.
import { hostname } from 'node:os'
import { lookup } from 'node:dns/promises'
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiError } from '../../protocol/api.ts'
import { isPrivateAddress, pinnedLookup } from '../../server/http/public-address.ts'
import type { LinkPreviewBody } from '../../server/previews/routes.ts'
import { backends, freshDatabaseUrl, type Backend } from '../fixtures/databases.ts'
import { PHONE_EXIF, getImage } from '../fixtures/photos.ts'
import { api, signUp, startServerOn, startTestServer, type RunningServer } from '../fixtures/server.ts'

/** A small web site on 127.0.0.1 that counts the requests to each path. */
interface Site {
  server: Server
  port: number
  origin: string
  hits: Map<string, number>
  /** the headers of every request, in order */
  headers: Array<{ url: string; headers: IncomingMessage['headers'] }>
  total(): number
  /** bytes /huge wrote before the reader went away */
  hugeWritten: number
  /** lets /gate answer */
  openGate(): void
}

const HUGE_BYTES = 20 * 1024 * 1024

async function startSite(routes: (site: Site, req: IncomingMessage, res: ServerResponse) => void): Promise<Site> {
  const site = { hits: new Map<string, number>(), headers: [], hugeWritten: 0 } as unknown as Site
  site.total = () => [...site.hits.values()].reduce((a, b) => a + b, 0)
  site.server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    site.hits.set(path, (site.hits.get(path) ?? 0) + 1)
    site.headers.push({ url: req.url ?? '', headers: req.headers })
    routes(site, req, res)
  })
  // a test's hanging requests must not keep the site from closing
  await new Promise<void>((resolve) => site.server.listen(0, '127.0.0.1', resolve))
  site.port = (site.server.address() as AddressInfo).port
  site.origin = `http://127.0.0.1:${site.port}`
  return site
}

const closeSite = (s: Site) =>
  new Promise<void>((resolve) => {
    s.server.closeAllConnections()
    s.server.close(() => resolve())
  })

const html = (res: ServerResponse, body: string, type = 'text/html; charset=utf-8') => {
  res.writeHead(200, { 'Content-Type': type, 'Set-Cookie': 'tracker=1; Path=/' })
  res.end(body)
}

const OG_PAGE = `<!doctype html><html><head>
<meta charset="utf-8">
<title>Fallback title</title>
<meta property="og:title" content="Seoul &amp; Busan&#x202E; by train">
<meta property="og:description" content="Two cities, one line: the KTX.">
<meta property="og:site_name" content="Rail Notes">
<meta property="og:image" content="/photo.jpg">
<!-- <meta property="og:title" content="not this one"> -->
</head><body><p>Hello</p></body></html>`

let photo: Buffer
/** the port of the server no preview may reach */
let trapPort = 0

async function siteRoutes(site: Site, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const u = new URL(req.url ?? '/', 'http://x')
  switch (u.pathname) {
    case '/og':
    case '/og-again':
    case '/gate-page':
      return html(res, OG_PAGE)
    case '/photo.jpg':
      res.writeHead(200, { 'Content-Type': 'image/jpeg' })
      return void res.end(photo)
    case '/plain':
      return html(
        res,
        `<html><head><title>Plain page ${u.searchParams.get('n') ?? ''}</title><meta name="description" content="Only a title."></head></html>`,
      )
    case '/no-title':
      return html(res, '<html><head></head><body>nothing to say</body></html>')
    case '/json':
      return html(res, '{"title":"not a page"}', 'application/json')
    case '/to-og':
      res.writeHead(302, { Location: '/og-again' })
      return void res.end()
    case '/to-trap':
      res.writeHead(302, { Location: `http://127.0.0.1:${trapPort}/secret` })
      return void res.end()
    case '/to-trap-by-name':
      res.writeHead(301, { Location: `http://localhost:${trapPort}/secret` })
      return void res.end()
    case '/to-file':
      res.writeHead(302, { Location: 'file:///etc/passwd' })
      return void res.end()
    case '/loop':
      res.writeHead(302, { Location: `/loop?n=${Number(u.searchParams.get('n') ?? 0) + 1}` })
      return void res.end()
    case '/huge': {
      // the title comes only after 20 MB of head: nothing of it is in the bytes a preview reads
      res.writeHead(200, { 'Content-Type': 'text/html' })
      const chunk = Buffer.from(`<meta name="pad" content="${'x'.repeat(64 * 1024 - 32)}">`)
      let gone = false
      res.on('close', () => (gone = true))
      res.write('<html><head>')
      for (let i = 0; i * chunk.length < HUGE_BYTES && !gone; i++) {
        site.hugeWritten += chunk.length
        if (!res.write(chunk))
          await new Promise<void>((r) => {
            const on = () => (res.off('drain', on), res.off('close', on), r())
            res.on('drain', on)
            res.on('close', on)
          })
      }
      if (!gone) res.end('<title>Too late</title></head></html>')
      return
    }
    case '/hang':
      // never answers
      return
    case '/trickle': {
      // answers at once, then sends a byte now and then, forever
      res.writeHead(200, { 'Content-Type': 'text/html' })
      res.write('<html><head>')
      const t = setInterval(() => res.write(' '), 200)
      res.on('close', () => clearInterval(t))
      return
    }
    case '/gate':
      site.openGate = () => html(res, OG_PAGE.replace('Seoul', 'Gated Seoul'))
      return
    default:
      res.writeHead(404)
      res.end()
  }
}

/** Starts a server with SORI_PREVIEW_PRIVATE set to `flag` (unset: undefined); each keeps the value it started with. */
async function startWith(backend: Backend, flag: string | undefined): Promise<RunningServer> {
  const before = process.env.SORI_PREVIEW_PRIVATE
  if (flag === undefined) delete process.env.SORI_PREVIEW_PRIVATE
  else process.env.SORI_PREVIEW_PRIVATE = flag
  try {
    return await startTestServer(backend)
  } finally {
    if (before === undefined) delete process.env.SORI_PREVIEW_PRIVATE
    else process.env.SORI_PREVIEW_PRIVATE = before
  }
}

const preview = (server: RunningServer, token: string | null, url: string) =>
  api<LinkPreviewBody & ApiError>(server, token, 'GET', `/api/previews?url=${encodeURIComponent(url)}`)

beforeAll(async () => {
  photo = await sharp({ create: { width: 1600, height: 1000, channels: 3, background: '#3366cc' } })
    .jpeg()
    .withExif(PHONE_EXIF)
    .toBuffer()
  if (!(await sharp(photo).metadata()).exif) throw new Error('the test photo has no EXIF')
})

describe.each(backends())('link previews (%s)', (backend) => {
  let site: Site
  let trap: Site
  // private addresses allowed (SORI_PREVIEW_PRIVATE=1), as in tests of what a preview shows
  let open: RunningServer
  // the default: only the internet
  let closed: RunningServer
  // only the site's port allowed: its redirects to other private addresses must still be refused
  let siteOnly: RunningServer
  let token: string
  let closedToken: string
  let siteOnlyToken: string
  let n = 0
  const handle = (name: string) => `${name}${n++}_${backend.slice(0, 2)}`

  beforeAll(async () => {
    site = await startSite((s, req, res) => void siteRoutes(s, req, res))
    // a server no preview may ever reach
    trap = await startSite((_s, _req, res) => html(res, OG_PAGE))
    trapPort = trap.port
    open = await startWith(backend, '1')
    closed = await startWith(backend, undefined)
    siteOnly = await startWith(backend, String(site.port))
    token = (await signUp(open, handle('ann'))).token
    closedToken = (await signUp(closed, handle('bob'))).token
    siteOnlyToken = (await signUp(siteOnly, handle('cho'))).token
  })
  afterAll(async () => {
    await Promise.all([open?.close(), closed?.close(), siteOnly?.close()])
    await Promise.all([site && closeSite(site), trap && closeSite(trap)])
  })

  it("a page's Open Graph title, description, site and picture, the picture a thumbnail without EXIF", async () => {
    const r = await preview(open, token, `${site.origin}/og#section`)
    expect(r.status).toBe(200)
    expect(r.body).toMatchObject({
      url: `${site.origin}/og`,
      // the entity decoded, the right-to-left override dropped
      title: 'Seoul & Busan by train',
      description: 'Two cities, one line: the KTX.',
      site: 'Rail Notes',
    })
    expect(r.body.image).toMatch(/^\/api\/previews\/image\/[0-9a-f]{64}$/)
    const img = await getImage(open, token, r.body.image!)
    expect(img.status).toBe(200)
    expect(img.headers.get('content-type')).toBe('image/jpeg')
    const meta = await sharp(img.bytes).metadata()
    expect(meta.format).toBe('jpeg')
    expect(meta.width).toBe(640)
    expect(meta.exif).toBeUndefined()
    // the thumbnail is only for a signed-in user
    expect((await getImage(open, null, r.body.image!)).status).toBe(401)
  })

  it('the second request is served from the cache: the site is asked once', async () => {
    const other = (await signUp(open, handle('dan'))).token
    const first = await preview(open, token, `${site.origin}/plain?n=cache`)
    const second = await preview(open, other, `${site.origin}/plain?n=cache`)
    expect(first.status).toBe(200)
    expect(second.body).toEqual(first.body)
    expect(second.body.title).toBe('Plain page cache')
    expect(second.body.description).toBe('Only a title.')
    expect(second.body.site).toBe('127.0.0.1')
    expect(second.body.image).toBeNull()
    expect(site.hits.get('/plain')).toBe(1)
    // a failure is kept too: a page that cannot be previewed is not fetched again and again
    expect((await preview(open, token, `${site.origin}/no-title`)).status).toBe(422)
    expect((await preview(open, token, `${site.origin}/no-title`)).status).toBe(422)
    expect(site.hits.get('/no-title')).toBe(1)
  })

  it('requests for a page being fetched wait for that one fetch', async () => {
    const url = `${site.origin}/gate`
    const answers = Promise.all([1, 2, 3, 4].map(() => preview(open, token, url)))
    await expect.poll(() => site.hits.get('/gate') ?? 0, { timeout: 20_000 }).toBe(1)
    site.openGate()
    const all = await answers
    expect(all.map((a) => a.body.title)).toEqual(Array(4).fill('Gated Seoul & Busan by train'))
    expect(site.hits.get('/gate')).toBe(1)
  })

  it('a redirect on the site is followed; one redirect too many is not', async () => {
    const r = await preview(open, token, `${site.origin}/to-og`)
    expect(r.status).toBe(200)
    expect(r.body.title).toBe('Seoul & Busan by train')
    const loop = await preview(open, token, `${site.origin}/loop`)
    expect(loop.status).toBe(422)
    expect(loop.body.error.message).toMatch(/redirects more than 3 times/)
    expect(site.hits.get('/loop')).toBe(4)
    const toFile = await preview(open, token, `${site.origin}/to-file`)
    expect(toFile.status).toBe(422)
    expect(toFile.body.error.message).toMatch(/not a web address/)
  })

  it('a page without a title, or what is not a page, gives 422', async () => {
    const json = await preview(open, token, `${site.origin}/json`)
    expect(json.status).toBe(422)
    expect(json.body.error.message).toMatch(/application\/json/)
    const missing = await preview(open, token, `${site.origin}/nothing-here`)
    expect(missing.status).toBe(422)
    expect(missing.body.error.message).toMatch(/404/)
  })

  it('a page larger than the limit gives 422, and the server stops reading it', async () => {
    const r = await preview(open, token, `${site.origin}/huge`)
    expect(r.status).toBe(422)
    expect(r.body.error.message).toMatch(/no title in its first 512 KB/)
    await expect.poll(() => site.hugeWritten, { timeout: 20_000 }).toBeGreaterThan(0)
    expect(site.hugeWritten).toBeLessThan(HUGE_BYTES)
  })

  it('a site that never answers, or never finishes, gives 422', async () => {
    const [hang, trickle] = await Promise.all([
      preview(open, token, `${site.origin}/hang`),
      preview(open, token, `${site.origin}/trickle`),
    ])
    expect(hang.status).toBe(422)
    expect(hang.body.error.message).toMatch(/did not answer in time/)
    expect(trickle.status).toBe(422)
  })

  it('what is no web address is refused with 400, and nothing is fetched', async () => {
    const before = site.total()
    for (const bad of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      `ftp://127.0.0.1:${site.port}/og`,
      'data:text/html,<title>x</title>',
      `http://user:secret@127.0.0.1:${site.port}/og`,
      `${site.origin}/og?${'a'.repeat(2048)}`,
      'not a url',
      '',
    ]) {
      const r = await preview(open, token, bad)
      expect(r.status, bad).toBe(400)
      expect(r.body.error.message, bad).toBeTruthy()
    }
    expect(site.total()).toBe(before)
    expect((await preview(open, null, `${site.origin}/og`)).status).toBe(401)
  })

  it('a link preview to a loopback or private address is refused, and the address gets no request', async () => {
    const port = trap.port
    for (const target of [
      `http://127.0.0.1:${port}/`,
      `http://localhost:${port}/`,
      `http://[::1]:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      // IPv4 inside IPv6: IPv4-compatible, 6to4 and Teredo
      `http://[::7f00:1]:${port}/`,
      `http://[2002:7f00:1::]:${port}/`,
      `http://[2001::1]:${port}/`,
      // the same loopback address, written as one number
      `http://2130706433:${port}/`,
      `http://10.0.0.1:${port}/`,
      `http://192.168.1.1/`,
      'http://169.254.169.254/latest/meta-data/',
      `http://100.64.0.1/`,
    ]) {
      const r = await preview(closed, closedToken, target)
      expect(r.status, target).toBe(403)
      expect(r.body.error.message, target).toMatch(/is not on the internet/)
    }
    expect(trap.total()).toBe(0)
  })

  it('a name that resolves to a private address is refused', async () => {
    // this machine's own name is no address literal: only its lookup shows that it leads into the machine
    const name = hostname()
    const addrs = await lookup(name, { all: true })
    expect(addrs.length).toBeGreaterThan(0)
    expect(addrs.every((a) => isPrivateAddress(a.address))).toBe(true)
    const r = await preview(closed, closedToken, `http://${name}:${trap.port}/`)
    expect(r.status).toBe(403)
    expect(r.body.error.message).toMatch(/is not on the internet/)
    expect(trap.total()).toBe(0)
  })

  it('a redirect to a loopback address is refused, and the address gets no request', async () => {
    // the allowed site itself is previewed
    expect((await preview(siteOnly, siteOnlyToken, `${site.origin}/og`)).status).toBe(200)
    for (const path of ['/to-trap', '/to-trap-by-name']) {
      const r = await preview(siteOnly, siteOnlyToken, `${site.origin}${path}`)
      expect(r.status, path).toBe(403)
      expect(r.body.error.message).toMatch(/is not on the internet/)
      expect(site.hits.get(path)).toBe(1)
    }
    expect(trap.total()).toBe(0)
  })

  it('at most 60 new pages a minute for one user; what is cached still comes', async () => {
    const busy = (await signUp(open, handle('eve'))).token
    for (let i = 0; i < 60; i++) expect((await preview(open, busy, `${site.origin}/plain?n=r${i}`)).status).toBe(200)
    const over = await preview(open, busy, `${site.origin}/plain?n=r60`)
    expect(over.status).toBe(429)
    expect(over.headers.get('retry-after')).toBeTruthy()
    expect((await preview(open, busy, `${site.origin}/plain?n=r0`)).status).toBe(200)
    // another user is not held back
    expect((await preview(open, token, `${site.origin}/plain?n=r60`)).status).toBe(200)
  })

  it('the server sends no cookie back and says who it is', async () => {
    // the site set a cookie on every earlier answer
    expect((await preview(open, token, `${site.origin}/plain?n=ua1`)).status).toBe(200)
    expect((await preview(open, token, `${site.origin}/plain?n=ua2`)).status).toBe(200)
    const seen = site.headers.filter((r) => r.url.startsWith('/plain?n=ua')).map((r) => r.headers)
    expect(seen).toHaveLength(2)
    for (const h of seen) {
      expect(h.cookie).toBeUndefined()
      expect(h.referer).toBeUndefined()
      expect(h['user-agent']).toBe('SoriPreview/1.0 (+link previews)')
    }
  })

  it('the socket goes to the address that was checked, whatever a later lookup would say', async () => {
    // a name no lookup finds: only the checked address, handed to the connection, can lead to the site
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(
        `http://checked.invalid:${site.port}/plain?n=pinned`,
        { lookup: pinnedLookup([{ address: '127.0.0.1', family: 4 }]), agent: false },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (c: string) => (text += c))
          res.on('end', () => resolve(text))
        },
      )
      req.on('error', reject)
      req.end()
    })
    expect(body).toContain('<title>Plain page pinned</title>')
  })
})

describe.runIf(backends().includes('postgres'))('link previews across two nodes (postgres)', () => {
  let site: Site
  const nodes: RunningServer[] = []
  beforeAll(async () => {
    site = await startSite((s, req, res) => void siteRoutes(s, req, res))
    const databaseUrl = await freshDatabaseUrl('postgres')
    const redisPrefix = `t${process.pid}${Math.random().toString(36).slice(2, 8)}:`
    const before = process.env.SORI_PREVIEW_PRIVATE
    process.env.SORI_PREVIEW_PRIVATE = '1'
    try {
      for (let i = 0; i < 2; i++)
        nodes.push(await startServerOn(databaseUrl, { redisUrl: 'redis://127.0.0.1:6379', redisPrefix }))
    } finally {
      if (before === undefined) delete process.env.SORI_PREVIEW_PRIVATE
      else process.env.SORI_PREVIEW_PRIVATE = before
    }
  })
  afterAll(async () => {
    for (const n of nodes) await n.close()
    if (site) await closeSite(site)
  })

  it('the 60 new pages a minute are one budget, whichever node a request reaches', async () => {
    const [one, two] = nodes
    const { token } = await signUp(one, 'nodes_previewer')
    for (let i = 0; i < 60; i++)
      expect((await preview(i % 2 ? two : one, token, `${site.origin}/plain?n=x${i}`)).status).toBe(200)
    for (const node of nodes) {
      const over = await preview(node, token, `${site.origin}/plain?n=x60`)
      expect(over.status).toBe(429)
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0)
    }
  })
})
