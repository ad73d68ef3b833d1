// What a link message is checked against (docs/protocol.md, "Sori Link"): the share ticket it names. The
// ticket is its sender's, alive, of an app that is not disabled, sent to fewer than SHARE_TICKET_MAX_CHATS
// chats (this one aside), and the message repeats exactly the app and template the ticket holds, which
// the server wrote and checked when the ticket was made. Tickets are read for every update that names one
// (they change as they are used), and never cached.
import { SHARE_TICKET_MAX_CHATS, type LinkApp, type LinkPayload, type LinkTemplate } from '../../protocol/link.ts'
import type { Queryable } from '../db/db.ts'
import { powerOfTwoChunks } from '../db/chunks.ts'
import { isPlain } from '../sync/validate.ts'

export interface TicketFact {
  user: string
  app: LinkApp
  template: LinkTemplate
  templateId?: string
  expires: number
  appDisabled: boolean
  /** the chats it went to */
  chats: ReadonlySet<string>
}

/** Tickets found per lookup: a fact, or null for an id no ticket has. */
export type TicketLookup = ReadonlyMap<string, TicketFact | null>

interface TicketRow {
  id: string
  user_id: string
  app: string
  template: string
  template_id: string
  expires: number | string
  disabled: number | string
}

export async function loadTickets(q: Queryable, ids: readonly string[]): Promise<TicketLookup> {
  const found = new Map<string, TicketFact | null>(ids.map((id) => [id, null]))
  // few distinct SQL texts: SQLite keeps every one it prepared (server/db/chunks.ts)
  for (const part of powerOfTwoChunks(ids, 16)) {
    const marks = part.map(() => '?').join(', ')
    const rows = await q.all<TicketRow>(
      `SELECT t.id, t.user_id, t.app, t.template, t.template_id, t.expires, a.disabled
       FROM share_tickets t JOIN apps a ON a.id = t.app_id WHERE t.id IN (${marks})`,
      part,
    )
    const used = await q.all<{ ticket_id: string; conv_id: string }>(
      `SELECT ticket_id, conv_id FROM share_ticket_chats WHERE ticket_id IN (${marks})`,
      part,
    )
    for (const r of rows) {
      const fact: TicketFact = {
        user: r.user_id,
        app: JSON.parse(r.app) as LinkApp,
        template: JSON.parse(r.template) as LinkTemplate,
        expires: Number(r.expires),
        appDisabled: Number(r.disabled) !== 0,
        chats: new Set(used.filter((u) => u.ticket_id === r.id).map((u) => u.conv_id)),
      }
      if (r.template_id) fact.templateId = r.template_id
      found.set(r.id, fact)
    }
  }
  return found
}

/** Equal as JSON values: the same keys (in any order) with equal values, and nothing inherited. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  // an object whose prototype is not Object's has fields that its own keys do not show (validate.ts)
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false
  if (!Array.isArray(a) && !isPlain(a)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  const ob = b as Record<string, unknown>
  return ka.every((k) => Object.prototype.hasOwnProperty.call(ob, k) && sameJson((a as Record<string, unknown>)[k], ob[k]))
}

/** Why a link message by `from` in chat `convId` may not go with its ticket (null: no ticket), or null when it may. */
export function ticketMismatch(
  link: LinkPayload,
  from: string,
  convId: string,
  t: TicketFact | null,
  now: number,
): string | null {
  // one reason for both, so that a message tells nobody whether someone else's ticket exists
  if (!t || t.user !== from) return 'link ticket is not a share ticket of yours'
  if (t.expires <= now) return 'link ticket has expired'
  if (t.appDisabled) return 'the app of this link is disabled'
  if (!t.chats.has(convId) && t.chats.size >= SHARE_TICKET_MAX_CHATS)
    return `a share ticket goes to at most ${SHARE_TICKET_MAX_CHATS} chats`
  if (!sameJson(link.app, t.app)) return "link app differs from the ticket's"
  if (!sameJson(link.template, t.template)) return "link template differs from the ticket's"
  if (link.templateId !== t.templateId) return "link templateId differs from the ticket's"
  return null
}
