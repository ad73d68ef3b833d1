// POST /api/channels/:id/report: a user tells the operator what is wrong with a channel (spam, a scam,
// offensive posts, someone posing as another). One report per user and channel, a later one replacing
// it, so that nobody can flood the table; the operator reads `channel_reports`. No endpoint shows a
// report, and the channel's admins learn nothing of it.
import { MAX_REPORT_NOTE_CHARS, REPORT_REASONS, type ReportReason } from '../../protocol/channels.ts'
import { requireCaller, type ApiContext } from '../api/context.ts'
import { badRequest } from '../http/errors.ts'
import { asObject } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import { requireChannel } from './access.ts'

const isReason = (v: unknown): v is ReportReason => typeof v === 'string' && (REPORT_REASONS as readonly string[]).includes(v)

export function reportRoutes(r: Router, ctx: ApiContext): void {
  r.post('/api/channels/:id/report', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const b = asObject(await call.body())
    const reason = b.reason
    if (!isReason(reason)) throw badRequest(`"reason" must be one of ${REPORT_REASONS.join(', ')}.`)
    const note = b.note === undefined ? '' : b.note
    if (typeof note !== 'string' || [...note].length > MAX_REPORT_NOTE_CHARS)
      throw badRequest(`"note" must be text of at most ${MAX_REPORT_NOTE_CHARS} characters.`)
    await ctx.db.tx(async (q) => {
      await requireChannel(q, call.params.id)
      await q.run(
        `INSERT INTO channel_reports (channel_id, user_id, reason, note, created) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (channel_id, user_id) DO UPDATE SET reason = excluded.reason, note = excluded.note, created = excluded.created`,
        [call.params.id, userId, reason, note.trim(), Date.now()],
      )
    })
    return { status: 204 }
  })
}
