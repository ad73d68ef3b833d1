// Sori Link's JSON API (docs/protocol.md, "Sori Link"): the apps a user registers and manages (only its
// owner sees or changes one: anyone else gets 404, as for an unknown id), the templates an app stores,
// what anyone may learn of an app from its public key, and share tickets. The icon's bytes are served
// apart (icon.ts); the webhook calls are made by a ticker (webhook.ts), started here.
import { randomBytes } from 'node:crypto'
import { APP_KEY_RE, checkTemplate, type App, type AppPublic, type AppWithSecret } from '../../protocol/link.ts'
import { requireCaller, type ApiContext } from '../api/context.ts'
import { newId } from '../api/ids.ts'
import { envInt } from '../config.ts'
import { HttpError, badRequest, notFound } from '../http/errors.ts'
import { asObject } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import { APPS_PER_USER, TEMPLATES_PER_APP, appInput } from './input.ts'
import { createTicket, forwardTicket, readTicket } from './tickets.ts'
import { APP_COLUMNS, appRow, domainsOf, noApp, ownApp, toApp, toPublic, type AppRow } from './view.ts'
import { LinkDeliveries } from './webhook.ts'

const newKey = () => randomBytes(18).toString('base64url')
const newSecret = () => randomBytes(32).toString('base64url')

/** Answers of GET /api/apps/key/:appKey may be read by any page (the SDK asks from the app's own origin). */
const CORS = { 'Access-Control-Allow-Origin': '*' }

export function appRoutes(r: Router, ctx: ApiContext): LinkDeliveries {
  const { db } = ctx

  r.post('/api/apps', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const input = appInput(asObject(await call.body()), true)
    const n = await db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM apps WHERE owner = ?', [userId])
    if (Number(n?.n ?? 0) >= APPS_PER_USER)
      throw new HttpError(409, 'too_many_apps', `One account registers at most ${APPS_PER_USER} apps.`)
    const row: AppRow = {
      id: newId(),
      owner: userId,
      name: input.name ?? '',
      icon: '',
      domains: JSON.stringify(input.domains ?? []),
      launch_url: input.launchUrl ?? '',
      webhook_url: input.webhookUrl ?? '',
      app_key: newKey(),
      secret: newSecret(),
      disabled: 0,
      created: Date.now(),
    }
    await db.run(`INSERT INTO apps (${APP_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      row.id,
      row.owner,
      row.name,
      row.icon,
      row.domains,
      row.launch_url,
      row.webhook_url,
      row.app_key,
      row.secret,
      row.disabled,
      row.created,
    ])
    const body: AppWithSecret = { ...toApp(row), secret: row.secret }
    return { status: 201, body }
  })

  r.get('/api/apps', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const rows = await db.all<AppRow>(`SELECT ${APP_COLUMNS} FROM apps WHERE owner = ? ORDER BY created, id`, [userId])
    const body: App[] = rows.map(toApp)
    return { status: 200, body }
  })

  r.patch('/api/apps/:id', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const app = await ownApp(db, userId, call.params.id)
    const input = appInput(asObject(await call.body()), false)
    const sets: string[] = []
    const values: (string | number)[] = []
    const set = (col: string, v: string | number | undefined) => {
      if (v === undefined) return
      sets.push(`${col} = ?`)
      values.push(v)
    }
    set('name', input.name)
    set('domains', input.domains && JSON.stringify(input.domains))
    set('launch_url', input.launchUrl)
    set('webhook_url', input.webhookUrl)
    set('disabled', input.disabled === undefined ? undefined : input.disabled ? 1 : 0)
    if (sets.length) await db.run(`UPDATE apps SET ${sets.join(', ')} WHERE id = ?`, [...values, app.id])
    return { status: 200, body: toApp(await ownApp(db, userId, app.id)) }
  })

  r.post('/api/apps/:id/secret', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const app = await ownApp(db, userId, call.params.id)
    const secret = newSecret()
    await db.run('UPDATE apps SET secret = ? WHERE id = ?', [secret, app.id])
    const body: AppWithSecret = { ...toApp(app), secret }
    return { status: 200, body }
  })

  r.post('/api/apps/:id/key', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const app = await ownApp(db, userId, call.params.id)
    await db.run('UPDATE apps SET app_key = ? WHERE id = ?', [newKey(), app.id])
    return { status: 200, body: toApp(await ownApp(db, userId, app.id)) }
  })

  const setDisabled = (disabled: boolean) => async (call: Parameters<Parameters<Router['post']>[1]>[0]) => {
    const { userId } = await requireCaller(ctx, call)
    const app = await ownApp(db, userId, call.params.id)
    await db.run('UPDATE apps SET disabled = ? WHERE id = ?', [disabled ? 1 : 0, app.id])
    return { status: 200, body: toApp(await ownApp(db, userId, app.id)) }
  }
  r.post('/api/apps/:id/disable', setDisabled(true))
  r.delete('/api/apps/:id/disable', setDisabled(false))

  // what a page's SDK and the share screen need: no sign-in, readable from any origin
  r.get('/api/apps/key/:appKey', async (call) => {
    const key = call.params.appKey
    const row = APP_KEY_RE.test(key)
      ? await db.get<AppRow>(`SELECT ${APP_COLUMNS} FROM apps WHERE app_key = ? AND disabled = 0`, [key])
      : undefined
    if (!row) throw new HttpError(404, 'not_found', 'No such app: its key is unknown, or the app is disabled.', CORS)
    const body: AppPublic = toPublic(row)
    return { status: 200, body, headers: CORS }
  })

  // what a receiver's card needs to open the app
  r.get('/api/apps/:id/public', async (call) => {
    await requireCaller(ctx, call)
    const row = await appRow(db, call.params.id)
    if (!row) throw noApp()
    const body: AppPublic = toPublic(row)
    return { status: 200, body }
  })

  r.post('/api/apps/:id/templates', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const app = await ownApp(db, userId, call.params.id)
    const o = asObject(await call.body())
    if (Object.keys(o).some((k) => k !== 'template')) throw badRequest('Send { template }.')
    // checked as it is stored; once filled with a ticket's args it is checked again
    const err = checkTemplate(o.template, domainsOf(app))
    if (err) throw badRequest(`${err[0].toUpperCase()}${err.slice(1)}.`)
    const n = await db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM app_templates WHERE app_id = ?', [app.id])
    if (Number(n?.n ?? 0) >= TEMPLATES_PER_APP) throw badRequest(`An app stores at most ${TEMPLATES_PER_APP} templates.`)
    const id = newId()
    await db.run('INSERT INTO app_templates (id, app_id, template, created) VALUES (?, ?, ?, ?)', [
      id,
      app.id,
      JSON.stringify(o.template),
      Date.now(),
    ])
    return { status: 201, body: { id } }
  })

  r.get('/api/apps/:id/templates', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const app = await ownApp(db, userId, call.params.id)
    const rows = await db.all<{ id: string; template: string; created: number | string }>(
      'SELECT id, template, created FROM app_templates WHERE app_id = ? ORDER BY created, id',
      [app.id],
    )
    return {
      status: 200,
      body: rows.map((t) => ({ id: t.id, template: JSON.parse(t.template) as unknown, created: Number(t.created) })),
    }
  })

  r.delete('/api/apps/:id/templates/:templateId', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const app = await ownApp(db, userId, call.params.id)
    const gone = await db.run('DELETE FROM app_templates WHERE id = ? AND app_id = ?', [call.params.templateId, app.id])
    if (!gone.changes) throw notFound('The app has no such template.')
    return { status: 204 }
  })

  r.post('/api/share/tickets', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    return { status: 201, body: await createTicket(db, userId, await call.body()) }
  })

  r.post('/api/share/tickets/forward', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    return { status: 201, body: await forwardTicket(db, userId, await call.body()) }
  })

  r.get('/api/share/tickets/:id', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    return { status: 200, body: await readTicket(db, userId, call.params.id) }
  })

  const deliveries = new LinkDeliveries(db, envInt('SORI_LINK_TICK_MS', 1_000))
  deliveries.start()
  ctx.sync.onClose(() => deliveries.stop())
  return deliveries
}
