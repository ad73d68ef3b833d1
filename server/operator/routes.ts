// The operator's API (SORI_OPERATOR_TOKEN): what the people running a Sori install do to channels that
// users cannot — verify one (its mark), disable or enable one, and read what users reported. Without
// the variable none of it exists (404), and a wrong token is refused the same way, so that nobody can
// tell from outside whether an install has one.
import { createHash, timingSafeEqual } from 'node:crypto'
import { REPORT_REASONS } from '../../protocol/channels.ts'
import type { ApiContext } from '../api/context.ts'
import { badRequest, notFound } from '../http/errors.ts'
import { asObject } from '../http/input.ts'
import type { Call, Router } from '../http/router.ts'
import type { ChannelSync } from '../channels/sync.ts'

const digest = (s: string) => createHash('sha256').update(s).digest()

/** How many reports one page lists. */
const REPORTS_PAGE = 100

export function operatorRoutes(
  r: Router,
  ctx: ApiContext,
  channels: ChannelSync,
  token = process.env.SORI_OPERATOR_TOKEN ?? '',
): void {
  const want = token.length >= 16 ? digest(token) : null
  const nothing = () => notFound('There is no such address in this API.')
  /** The call carries the operator's token; else it is as if the route did not exist. */
  function requireOperator(call: Call): void {
    const given = /^Bearer (.+)$/.exec(call.req.headers.authorization ?? '')?.[1]
    if (!want || !given || !timingSafeEqual(digest(given), want)) throw nothing()
  }
  const flag = (b: Record<string, unknown>, key: string): boolean => {
    const v = b[key]
    if (typeof v !== 'boolean') throw badRequest(`"${key}" must be true or false.`)
    return v
  }
  /** A channel by id or @handle, disabled ones included. */
  async function channelId(ref: string): Promise<string> {
    const handle = ref.startsWith('@') ? ref.slice(1).toLowerCase() : null
    const row = await ctx.db.get<{ id: string }>(`SELECT id FROM channels WHERE ${handle ? 'handle' : 'id'} = ?`, [handle ?? ref])
    if (!row) throw notFound('No such channel.')
    return row.id
  }

  // the mark, and whether the channel is there at all: columns of its row, then its cached state and head
  for (const column of ['verified', 'disabled'] as const)
    r.post(`/api/operator/channels/:ref/${column}`, async (call) => {
      requireOperator(call)
      const on = flag(asObject(await call.body()), column)
      const id = await channelId(call.params.ref)
      await ctx.db.run(`UPDATE channels SET ${column} = ? WHERE id = ?`, [on ? 1 : 0, id])
      await channels.changed(id)
      return { status: 200, body: { id, [column]: on } }
    })

  // what users reported, newest first: the channel, the reason and the note; not who reported it
  r.get('/api/operator/reports', async (call) => {
    requireOperator(call)
    const offset = Number(call.url.searchParams.get('offset') ?? 0)
    if (!Number.isSafeInteger(offset) || offset < 0) throw badRequest('"offset" must be a whole number ≥ 0.')
    const reason = call.url.searchParams.get('reason')
    if (reason !== null && !(REPORT_REASONS as readonly string[]).includes(reason))
      throw badRequest(`"reason" must be one of ${REPORT_REASONS.join(', ')}.`)
    const rows = await ctx.db.all<{
      id: string
      handle: string
      name: string
      disabled: number
      reason: string
      note: string
      created: number
    }>(
      `SELECT c.id, c.handle, c.name, c.disabled, r.reason, r.note, r.created FROM channel_reports r JOIN channels c ON c.id = r.channel_id
       ${reason ? 'WHERE r.reason = ?' : ''} ORDER BY r.created DESC LIMIT ${REPORTS_PAGE + 1} OFFSET ?`,
      reason ? [reason, offset] : [offset],
    )
    const more = rows.length > REPORTS_PAGE
    return {
      status: 200,
      body: {
        reports: rows.slice(0, REPORTS_PAGE).map((x) => ({
          channel: { id: x.id, handle: x.handle, name: x.name, disabled: Number(x.disabled) === 1 },
          reason: x.reason,
          note: x.note,
          created: Number(x.created),
        })),
        next: more ? offset + REPORTS_PAGE : null,
      },
    }
  })
}
