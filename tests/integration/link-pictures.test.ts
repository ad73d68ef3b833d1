// A Sori Link card's picture: Sori's server fetches it (so that no reader's phone contacts the app) only
// from one of the app's registered domains, makes a thumbnail without the camera's metadata, and serves it
// to signed-in users; a URL elsewhere, an unknown or disabled app, and a caller without a session get
// nothing, and the app's site is not asked.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { App, AppWithSecret } from '../../protocol/link.ts'
import { backends } from '../fixtures/databases.ts'
import { PHONE_EXIF, getImage } from '../fixtures/photos.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { api, signUp } from '../fixtures/server.ts'

let site: Server
let origin = ''
const asked: string[] = []

beforeAll(async () => {
  // the app's site is on this machine: private addresses are allowed here, as in every test of fetching
  vi.stubEnv('SORI_PREVIEW_PRIVATE', '1')
  vi.stubEnv('SORI_LINK_PRIVATE', '1')
  const photo = await sharp({ create: { width: 1600, height: 900, channels: 3, background: '#c33' } })
    .withExif(PHONE_EXIF)
    .jpeg()
    .toBuffer()
  site = createServer((req, res) => {
    asked.push(req.url ?? '')
    if (req.url === '/card.jpg') {
      res.writeHead(200, { 'Content-Type': 'image/jpeg' })
      return void res.end(photo)
    }
    res.writeHead(200, { 'Content-Type': 'text/html' })
    res.end('<html><title>not a picture</title></html>')
  })
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r))
  origin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`
})
afterAll(async () => {
  vi.unstubAllEnvs()
  await new Promise((r) => site.close(r))
})

describe.each(backends())('app card pictures (%s)', (backend) => {
  const suite = serverSuite(backend)

  it('comes from the app’s domains only, without metadata, to signed-in users', async () => {
    const tag = backend.slice(0, 2)
    const [ann, ben] = [await signUp(suite.server, `pica_${tag}`), await signUp(suite.server, `picb_${tag}`)]
    const made = await api<AppWithSecret>(suite.server, ann.token, 'POST', '/api/apps', { name: 'Pics', domains: [origin] })
    expect(made.status).toBe(201)
    const ask = (token: string | null, app: string, url: string) =>
      api<{ image: string | null; error?: { code: string } }>(
        suite.server,
        token,
        'GET',
        `/api/previews/picture?app=${app}&url=${encodeURIComponent(url)}`,
      )

    const got = await ask(ben.token, made.body.id, `${origin}/card.jpg`)
    expect(got.status).toBe(200)
    expect(got.body.image).toMatch(/^\/api\/previews\/image\/[0-9a-f]{64}$/)
    const img = await getImage(suite.server, ben.token, got.body.image!)
    expect(img.status).toBe(200)
    const meta = await sharp(img.bytes).metadata()
    expect(meta.format).toBe('jpeg')
    expect(meta.width).toBe(640)
    expect(meta.exif).toBeUndefined()
    expect(img.bytes.includes(Buffer.from('Kim Minji'))).toBe(false)
    expect((await getImage(suite.server, null, got.body.image!)).status).toBe(401)
    // kept: asked again, the site is not
    const before = asked.length
    expect((await ask(ann.token, made.body.id, `${origin}/card.jpg`)).body.image).toBe(got.body.image)
    expect(asked.length).toBe(before)

    // elsewhere than the app's domains, an unknown app, no session: refused, and the site is not asked
    expect((await ask(ben.token, made.body.id, 'https://elsewhere.example/card.jpg')).status).toBe(400)
    expect((await ask(ben.token, 'nosuchapp000', `${origin}/card.jpg`)).status).toBe(404)
    expect((await ask(null, made.body.id, `${origin}/card.jpg`)).status).toBe(401)
    expect((await ask(ben.token, made.body.id, 'javascript:alert(1)')).status).toBe(400)
    // not a picture: no thumbnail
    expect((await ask(ben.token, made.body.id, `${origin}/page.html`)).status).toBe(422)
    // a disabled app's cards show no picture
    const off = await api<App>(suite.server, ann.token, 'PATCH', `/api/apps/${made.body.id}`, { disabled: true })
    expect(off.status, JSON.stringify(off.body)).toBe(200)
    expect((await ask(ben.token, made.body.id, `${origin}/card.jpg`)).status).toBe(404)
    expect(asked.filter((u) => u !== '/card.jpg' && u !== '/page.html')).toEqual([])
  })
})
