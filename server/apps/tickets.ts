// Share tickets (docs/protocol.md, "Sori Link"): Sori's share screen asks for one with the app key and
// the origin its page's postMessage came from (which the browser vouches for); the server, not the page,
// decides which app it is and whether that origin is the app's, checks the template against the app's
// domains, and keeps what it checked. A link message must then repeat the ticket exactly
// (server/apps/facts.ts): a page can neither name another app nor send what was not checked.
import { randomBytes } from 'node:crypto'
import {
  APP_KEY_RE,
  LINK_TEMPLATE_ID_RE,
  SHARE_TICKET_ID_RE,
  SHARE_TICKET_TTL_MS,
  checkArgs,
  checkTemplate,
  fillTemplate,
  type LinkApp,
  type LinkTemplate,
  type ShareTicket,
} from '../../protocol/link.ts'
import type { Queryable } from '../db/db.ts'
import { HttpError, badRequest, notFound } from '../http/errors.ts'
import { asObject } from '../http/input.ts'
import { memberOf } from '../chats/member-of.ts'
import { APP_COLUMNS, domainsOf, toLinkApp, type AppRow } from './view.ts'

/** live tickets one user may hold: far more than anyone shares in a day */
export const TICKETS_PER_USER = 500

const noSuchApp = () => notFound('No such app: its key is unknown, or the app is disabled.')

interface TicketRow {
  id: string
  user_id: string
  origin: string
  app: string
  template: string
  template_id: string
  args: string
  expires: number | string
  /** 1: made by forwarding a card someone sent (its args are the sender's, not the forwarder's to read) */
  forwarded: number | string
}

function toTicket(r: TicketRow): ShareTicket {
  const t: ShareTicket = {
    id: r.id,
    app: JSON.parse(r.app) as LinkApp,
    origin: r.origin,
    template: JSON.parse(r.template) as LinkTemplate,
    expires: Number(r.expires),
  }
  if (r.template_id) t.templateId = r.template_id
  if (r.args && !Number(r.forwarded)) t.args = JSON.parse(r.args) as Record<string, string>
  return t
}

/** POST /api/share/tickets */
export async function createTicket(db: Queryable, userId: string, body: unknown, now = Date.now()): Promise<ShareTicket> {
  const o = asObject(body)
  const extra = Object.keys(o).find((k) => !['appKey', 'origin', 'template', 'templateId', 'args'].includes(k))
  if (extra) throw badRequest(`A share ticket request has no field "${extra}".`)
  if (typeof o.appKey !== 'string' || !APP_KEY_RE.test(o.appKey)) throw noSuchApp()
  if (typeof o.origin !== 'string' || o.origin.length > 300)
    throw badRequest('"origin" must be the origin of the page that asks.')
  const app = await db.get<AppRow>(`SELECT ${APP_COLUMNS} FROM apps WHERE app_key = ? AND disabled = 0`, [o.appKey])
  if (!app) throw noSuchApp()
  const domains = domainsOf(app)
  if (!domains.includes(o.origin))
    throw new HttpError(403, 'origin_not_registered', "This page's origin is not registered for the app.")
  let args: Record<string, string> | undefined
  if (o.args !== undefined) {
    const err = checkArgs(o.args)
    if (err) throw badRequest(`${err}.`)
    args = o.args as Record<string, string>
  }
  let template: LinkTemplate
  let templateId: string | undefined
  if (o.templateId !== undefined) {
    if (o.template !== undefined) throw badRequest('Send either a template or a templateId, not both.')
    if (typeof o.templateId !== 'string' || !LINK_TEMPLATE_ID_RE.test(o.templateId))
      throw notFound('The app has no such template.')
    const stored = await db.get<{ template: string }>('SELECT template FROM app_templates WHERE id = ? AND app_id = ?', [
      o.templateId,
      app.id,
    ])
    if (!stored) throw notFound('The app has no such template.')
    templateId = o.templateId
    template = fillTemplate(JSON.parse(stored.template) as LinkTemplate, args ?? {})
  } else {
    if (o.template === undefined) throw badRequest('Send a template, or the templateId of one the app stored.')
    template = o.template as LinkTemplate
  }
  const err = checkTemplate(template, domains)
  if (err) throw badRequest(`${err[0].toUpperCase()}${err.slice(1)}.`)

  return insertTicket(db, userId, app, o.origin, template, templateId, args, now)
}

async function insertTicket(
  db: Queryable,
  userId: string,
  app: AppRow,
  origin: string,
  template: LinkTemplate,
  templateId: string | undefined,
  args: Record<string, string> | undefined,
  now: number,
  forwarded = false,
): Promise<ShareTicket> {
  const live = await db.get<{ n: number | string }>('SELECT COUNT(*) AS n FROM share_tickets WHERE user_id = ? AND expires > ?', [
    userId,
    now,
  ])
  if (Number(live?.n ?? 0) >= TICKETS_PER_USER)
    throw new HttpError(429, 'too_many_tickets', 'Too many share tickets at once: try again later.')
  const row: TicketRow = {
    id: randomBytes(24).toString('base64url'),
    user_id: userId,
    origin,
    app: JSON.stringify(toLinkApp(app)),
    template: JSON.stringify(template),
    template_id: templateId ?? '',
    args: args ? JSON.stringify(args) : '',
    expires: now + SHARE_TICKET_TTL_MS,
    forwarded: forwarded ? 1 : 0,
  }
  await db.run(
    `INSERT INTO share_tickets (id, user_id, app_id, origin, app, template, template_id, args, expires, created, forwarded)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [row.id, userId, app.id, row.origin, row.app, row.template, row.template_id, row.args, row.expires, now, row.forwarded],
  )
  return toTicket(row)
}

/**
 * POST /api/share/tickets/forward { ticket, convId }: a ticket of the caller's own for a card they received,
 * so that they can forward it. The card is in chat `convId`, which the caller is a member of and the ticket
 * went to: who can name both has seen the card. The new ticket repeats the origin, template and args (the
 * app's name and icon as they are now), checked again against the app's domains as they are now. The args
 * go on to the app's webhook as they came, and are not shown to the forwarder: they are the sender's.
 */
export async function forwardTicket(db: Queryable, userId: string, body: unknown, now = Date.now()): Promise<ShareTicket> {
  const o = asObject(body)
  if (Object.keys(o).some((k) => k !== 'ticket' && k !== 'convId')) throw badRequest('Send { ticket, convId }.')
  if (typeof o.ticket !== 'string' || typeof o.convId !== 'string') throw badRequest('Send { ticket, convId }.')
  await memberOf(db, userId, o.convId)
  const was = SHARE_TICKET_ID_RE.test(o.ticket)
    ? await db.get<TicketRow & { app_id: string }>(
        `SELECT t.id, t.user_id, t.app_id, t.origin, t.app, t.template, t.template_id, t.args, t.expires, t.forwarded
         FROM share_tickets t JOIN share_ticket_chats c ON c.ticket_id = t.id WHERE t.id = ? AND c.conv_id = ?`,
        [o.ticket, o.convId],
      )
    : undefined
  if (!was) throw notFound('No such card in this chat.')
  const app = await db.get<AppRow>(`SELECT ${APP_COLUMNS} FROM apps WHERE id = ? AND disabled = 0`, [was.app_id])
  if (!app) throw noSuchApp()
  const template = JSON.parse(was.template) as LinkTemplate
  const err = checkTemplate(template, domainsOf(app))
  if (err) throw badRequest(`${err[0].toUpperCase()}${err.slice(1)}.`)
  return insertTicket(
    db,
    userId,
    app,
    was.origin,
    template,
    was.template_id || undefined,
    was.args ? (JSON.parse(was.args) as Record<string, string>) : undefined,
    now,
    true,
  )
}

/** GET /api/share/tickets/:id: its creator's only (anyone else: 404). */
export async function readTicket(db: Queryable, userId: string, id: string): Promise<ShareTicket> {
  const row = SHARE_TICKET_ID_RE.test(id)
    ? await db.get<TicketRow>(
        'SELECT id, user_id, origin, app, template, template_id, args, expires, forwarded FROM share_tickets WHERE id = ? AND user_id = ?',
        [id, userId],
      )
    : undefined
  if (!row) throw notFound('No such share ticket.')
  return toTicket(row)
}

/** How long after it expired a ticket is kept: one never used, and one whose cards may still be forwarded. */
export const UNUSED_TICKET_KEPT_MS = 24 * 3_600_000
export const USED_TICKET_KEPT_MS = 30 * 24 * 3_600_000

/** Forgets tickets (and the chats they went to) kept long enough after they expired. */
export async function dropExpiredTickets(db: Queryable, now = Date.now()): Promise<void> {
  await db.run(
    'DELETE FROM share_tickets WHERE expires < ? AND NOT EXISTS (SELECT 1 FROM share_ticket_chats c WHERE c.ticket_id = share_tickets.id)',
    [now - UNUSED_TICKET_KEPT_MS],
  )
  await db.run('DELETE FROM share_ticket_chats WHERE ticket_id IN (SELECT id FROM share_tickets WHERE expires < ?)', [
    now - USED_TICKET_KEPT_MS,
  ])
  await db.run('DELETE FROM share_tickets WHERE expires < ?', [now - USED_TICKET_KEPT_MS])
}
