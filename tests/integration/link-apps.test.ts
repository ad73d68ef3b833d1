// Sori Link's app registry through the real HTTP server: a user registers an app and gets its public key
// and, once, its secret; rotates both; disables it, after which its public answer is gone; sets an icon
// that anyone may fetch and that the collector keeps; only the owner sees or changes an app; domains,
// launch URLs and webhooks that could lead anywhere unsafe are refused with nothing stored; and the public
// answer for a page's SDK may be read from any origin.
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import type { ApiError } from '../../protocol/api.ts'
import type { App, AppPublic, AppWithSecret } from '../../protocol/link.ts'
import { sweepContent } from '../../server/media/collector.ts'
import { backends } from '../fixtures/databases.ts'
import { getImage, putImage } from '../fixtures/photos.ts'
import { serverSuite } from '../fixtures/server-suite.ts'
import { api, signUp, TEST_PASSWORD } from '../fixtures/server.ts'

const battle = {
  name: 'Battle',
  domains: ['https://battle.example', 'http://127.0.0.1:5173'],
  launchUrl: 'battle://open?{params}',
}

describe.each(backends())('link apps (%s)', (backend) => {
  const suite = serverSuite(backend)
  let n = 0
  const handle = (name: string) => `${name}${n++}_${backend.slice(0, 2)}`

  async function owner() {
    const me = await signUp(suite.server, handle('dev'))
    const made = await api<AppWithSecret>(suite.server, me.token, 'POST', '/api/apps', battle)
    expect(made.status).toBe(201)
    return { me, app: made.body }
  }

  it('registers an app with a key and a secret shown once; the owner lists it without the secret', async () => {
    const { me, app } = await owner()
    expect(app).toMatchObject({
      name: 'Battle',
      domains: battle.domains,
      launchUrl: battle.launchUrl,
      webhookUrl: null,
      icon: null,
      disabled: false,
    })
    expect(app.appKey).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(Buffer.from(app.secret, 'base64url')).toHaveLength(32)
    const listed = await api<App[]>(suite.server, me.token, 'GET', '/api/apps')
    expect(listed.status).toBe(200)
    expect(listed.body).toHaveLength(1)
    expect(listed.body[0]).toEqual({ ...app, secret: undefined })
    expect(listed.body[0]).not.toHaveProperty('secret')
    // another app gets other keys
    const second = await api<AppWithSecret>(suite.server, me.token, 'POST', '/api/apps', {
      name: 'Meet',
      domains: ['https://meet.example'],
    })
    expect(second.body.appKey).not.toBe(app.appKey)
    expect(second.body.secret).not.toBe(app.secret)
    expect((await api<App[]>(suite.server, me.token, 'GET', '/api/apps')).body.map((a) => a.name)).toEqual(['Battle', 'Meet'])
  })

  it('rotates the secret and the key: the old key no longer finds the app', async () => {
    const { me, app } = await owner()
    const secret = await api<AppWithSecret>(suite.server, me.token, 'POST', `/api/apps/${app.id}/secret`)
    expect(secret.status).toBe(200)
    expect(secret.body.secret).not.toBe(app.secret)
    expect(Buffer.from(secret.body.secret, 'base64url')).toHaveLength(32)
    expect(secret.body.appKey).toBe(app.appKey)

    const key = await api<App>(suite.server, me.token, 'POST', `/api/apps/${app.id}/key`)
    expect(key.status).toBe(200)
    expect(key.body.appKey).not.toBe(app.appKey)
    expect(key.body).not.toHaveProperty('secret')
    expect((await api(suite.server, null, 'GET', `/api/apps/key/${app.appKey}`)).status).toBe(404)
    const found = await api<AppPublic>(suite.server, null, 'GET', `/api/apps/key/${key.body.appKey}`)
    expect(found.status).toBe(200)
    expect(found.body.id).toBe(app.id)
  })

  it('answers a page with the public part, readable from any origin; a disabled app is not found', async () => {
    const { me, app } = await owner()
    const r = await api<AppPublic>(suite.server, null, 'GET', `/api/apps/key/${app.appKey}`)
    expect(r.status).toBe(200)
    expect(r.headers.get('access-control-allow-origin')).toBe('*')
    expect(r.body).toEqual({
      id: app.id,
      name: 'Battle',
      icon: null,
      domains: battle.domains,
      launchUrl: battle.launchUrl,
      disabled: false,
    })
    expect(JSON.stringify(r.body)).not.toContain(app.secret)
    expect(r.body).not.toHaveProperty('webhookUrl')
    expect((await api(suite.server, null, 'GET', '/api/apps/key/AAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404)

    const off = await api<App>(suite.server, me.token, 'POST', `/api/apps/${app.id}/disable`)
    expect(off.body.disabled).toBe(true)
    const gone = await api<ApiError>(suite.server, null, 'GET', `/api/apps/key/${app.appKey}`)
    expect(gone.status).toBe(404)
    expect(gone.headers.get('access-control-allow-origin')).toBe('*')
    // a signed-in receiver's card still learns that it is disabled
    const other = await signUp(suite.server, handle('rec'))
    const card = await api<AppPublic>(suite.server, other.token, 'GET', `/api/apps/${app.id}/public`)
    expect(card.status).toBe(200)
    expect(card.body.disabled).toBe(true)
    expect((await api(suite.server, null, 'GET', `/api/apps/${app.id}/public`)).status).toBe(401)

    const on = await api<App>(suite.server, me.token, 'DELETE', `/api/apps/${app.id}/disable`)
    expect(on.body.disabled).toBe(false)
    expect((await api(suite.server, null, 'GET', `/api/apps/key/${app.appKey}`)).status).toBe(200)
    const patched = await api<App>(suite.server, me.token, 'PATCH', `/api/apps/${app.id}`, { disabled: true, name: 'Battle 2' })
    expect(patched.body).toMatchObject({ disabled: true, name: 'Battle 2' })
  })

  it('only the owner sees or changes an app', async () => {
    const { me, app } = await owner()
    const other = await signUp(suite.server, handle('other'))
    const calls: Array<[string, string, unknown?]> = [
      ['PATCH', `/api/apps/${app.id}`, { name: 'Mine now' }],
      ['POST', `/api/apps/${app.id}/secret`],
      ['POST', `/api/apps/${app.id}/key`],
      ['POST', `/api/apps/${app.id}/disable`],
      ['DELETE', `/api/apps/${app.id}/disable`],
      ['POST', `/api/apps/${app.id}/templates`, { template: { type: 'text', text: 'hi', link: {} } }],
      ['GET', `/api/apps/${app.id}/templates`],
    ]
    for (const [method, path, body] of calls) {
      expect((await api(suite.server, other.token, method, path, body)).status, `${method} ${path}`).toBe(404)
      expect((await api(suite.server, null, method, path, body)).status, `${method} ${path} signed out`).toBe(401)
    }
    expect((await api<App[]>(suite.server, other.token, 'GET', '/api/apps')).body).toEqual([])
    const icon = await putImage(suite.server, other.token, `/api/apps/${app.id}/icon`, await png('#f00'))
    expect(icon.status).toBe(404)
    const mine = await api<App[]>(suite.server, me.token, 'GET', '/api/apps')
    expect(mine.body[0]).toMatchObject({ name: 'Battle', appKey: app.appKey, disabled: false, icon: null })
  })

  it('refuses domains, launch URLs and webhooks that could lead anywhere unsafe, storing nothing', async () => {
    const me = await signUp(suite.server, handle('bad'))
    const base = { name: 'Bad', domains: ['https://ok.example'] }
    const cases: Array<[string, unknown]> = [
      ['no name', { domains: ['https://ok.example'] }],
      ['a name over 50 characters', { ...base, name: 'n'.repeat(51) }],
      ['no domains', { name: 'Bad', domains: [] }],
      ['a domain with a path', { ...base, domains: ['https://ok.example/app'] }],
      ['a domain with a trailing slash', { ...base, domains: ['https://ok.example/'] }],
      ['an http domain on the internet', { ...base, domains: ['http://ok.example'] }],
      ['a javascript: domain', { ...base, domains: ['javascript:alert(1)'] }],
      ['a file: domain', { ...base, domains: ['file:///etc'] }],
      ['eleven domains', { ...base, domains: Array.from({ length: 11 }, (_, i) => `https://d${i}.example`) }],
      ['a javascript: launch URL', { ...base, launchUrl: 'javascript:alert(1)//{params}' }],
      ['a data: launch URL', { ...base, launchUrl: 'data:text/html,<script>1</script>{params}' }],
      ['a file: launch URL', { ...base, launchUrl: 'file:///etc/passwd?{params}' }],
      ['a vbscript: launch URL', { ...base, launchUrl: 'vbscript:msgbox({params})' }],
      ['a blob: launch URL', { ...base, launchUrl: 'blob:https://ok.example/{params}' }],
      ['a livescript: launch URL', { ...base, launchUrl: 'LiveScript:alert({params})' }],
      ["a browser's own page", { ...base, launchUrl: 'chrome://settings/?{params}' }],
      ['a launch URL without {params}', { ...base, launchUrl: 'battle://open' }],
      ['an http launch URL on the internet', { ...base, launchUrl: 'http://ok.example/play?{params}' }],
      ['an http webhook', { ...base, webhookUrl: 'http://hooks.example/sori' }],
      ['a loopback webhook', { ...base, webhookUrl: 'https://127.0.0.1/sori' }],
      ['an unknown field', { ...base, secret: 'mine' }],
      ['a name of a zero-width space', { ...base, name: '\u200B' }],
      ['a name turned around', { ...base, name: '\u202Eelttab' }],
      ['a wildcard domain', { ...base, domains: ['https://*.example'] }],
      ['a launch URL with an invisible character', { ...base, launchUrl: 'https://ok.example/\u202E{params}' }],
    ]
    for (const [what, body] of cases) {
      const r = await api<ApiError>(suite.server, me.token, 'POST', '/api/apps', body)
      expect(r.status, what).toBe(400)
      expect(r.body.error.message, what).toMatch(/\S/)
    }
    expect((await api<App[]>(suite.server, me.token, 'GET', '/api/apps')).body).toEqual([])
    // http is fine on the developer's own machine, a custom scheme and https for launching
    const ok = await api<App>(suite.server, me.token, 'POST', '/api/apps', {
      name: 'Local',
      domains: ['http://localhost:3000', 'http://127.0.0.1:8081'],
      launchUrl: 'https://ok.example/play?{params}',
      webhookUrl: 'https://hooks.example/sori',
    })
    expect(ok.status).toBe(201)
    // a PATCH is checked the same way and changes nothing when refused
    const bad = await api(suite.server, me.token, 'PATCH', `/api/apps/${ok.body.id}`, { launchUrl: 'javascript:x//{params}' })
    expect(bad.status).toBe(400)
    const after = (await api<App[]>(suite.server, me.token, 'GET', '/api/apps')).body[0]
    expect(after.launchUrl).toBe('https://ok.example/play?{params}')
  })

  it("a deleted account's apps go dark", async () => {
    const { me, app } = await owner()
    expect((await api(suite.server, me.token, 'DELETE', '/api/me', { password: TEST_PASSWORD })).status).toBe(204)
    expect((await api(suite.server, null, 'GET', `/api/apps/key/${app.appKey}`)).status).toBe(404)
  })

  it('sets an icon anyone may fetch, which the collector keeps; removes it', async () => {
    const { me, app } = await owner()
    const put = await putImage<App>(suite.server, me.token, `/api/apps/${app.id}/icon`, await png('#0a0'))
    expect(put.status).toBe(200)
    expect(put.body.icon).toMatch(/^[0-9a-f]{16}$/)
    const pub = await api<AppPublic>(suite.server, null, 'GET', `/api/apps/key/${app.appKey}`)
    expect(pub.body.icon).toBe(`/api/apps/${app.id}/icon?v=${put.body.icon}`)
    const got = await getImage(suite.server, null, pub.body.icon!)
    expect(got.status).toBe(200)
    expect(got.headers.get('content-type')).toBe('image/jpeg')
    expect((await sharp(got.bytes).metadata()).format).toBe('jpeg')
    // the sweep frees what nothing names: an app's icon is named
    await sweepContent(suite.server.media, Date.now() + 3_600_000, 0)
    expect((await getImage(suite.server, null, pub.body.icon!)).status).toBe(200)
    const notImage = await putImage(suite.server, me.token, `/api/apps/${app.id}/icon`, Buffer.from('not an image at all'))
    expect(notImage.status).toBe(400)
    expect((await api<App[]>(suite.server, me.token, 'GET', '/api/apps')).body[0].icon).toBe(put.body.icon)

    const del = await fetch(`${suite.server.url}/api/apps/${app.id}/icon`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${me.token}` },
    })
    expect(del.status).toBe(200)
    expect(((await del.json()) as App).icon).toBeNull()
    expect((await getImage(suite.server, null, `/api/apps/${app.id}/icon`)).status).toBe(404)
  })
})

const png = (background: string) =>
  sharp({ create: { width: 64, height: 48, channels: 3, background } })
    .png()
    .toBuffer()
