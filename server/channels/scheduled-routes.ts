// POST /api/channels/:id/scheduled (an admin schedules a post), GET (the channel's waiting and failed
// ones, admins only), DELETE /api/channels/:id/scheduled/:postId (withdraw one that is waiting, or clear
// a failed one). The post is checked now, with the grammar the page applies, so that an admin hears of
// a mistake when writing it, not at its time; it is checked again when published (scheduled.ts).
import { randomBytes } from 'node:crypto'
import { checkPost } from '../../protocol/channels.ts'
import {
  MAX_SCHEDULED_PER_CHANNEL,
  SCHEDULE_MAX_AHEAD_MS,
  SCHEDULE_MIN_AHEAD_MS,
  type ScheduledDraft,
} from '../../protocol/scheduled.ts'
import { requireCaller, type ApiContext } from '../api/context.ts'
import { HttpError, badRequest, notFound } from '../http/errors.ts'
import { asObject } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import { couponMismatch, loadCouponChannels } from '../coupons/facts.ts'
import { splitLangs } from './view.ts'
import { lockChannel, requireAdmin } from './access.ts'
import { toScheduled, type ScheduledRow } from './scheduled.ts'

const COLUMNS = 'id, channel_id, author, post, at, state, reason'

export function scheduledRoutes(r: Router, ctx: ApiContext): void {
  const { db } = ctx

  r.post('/api/channels/:id/scheduled', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const channelId = call.params.id
    await requireAdmin(db, userId, channelId)
    const b = asObject(await call.body())
    const now = Date.now()
    const at = b.at
    if (typeof at !== 'number' || !Number.isSafeInteger(at)) throw badRequest('"at" must be a time in ms since the epoch.')
    if (at < now + SCHEDULE_MIN_AHEAD_MS) throw badRequest('"at" must be in the future.')
    if (at > now + SCHEDULE_MAX_AHEAD_MS) throw badRequest('"at" must be at most 90 days ahead.')
    const draft = asObject(b.post) as ScheduledDraft
    if (['id', 'from', 'ts'].some((k) => Object.hasOwn(draft, k)))
      throw badRequest('"post" carries no id, from or ts: publishing gives it those.')
    const id = randomBytes(12).toString('base64url')
    const why = checkPost({ ...draft, id, from: userId, ts: at }, userId)
    if (why) throw badRequest(`"post": ${why}.`)
    if (draft.langs) {
      const row = await db.get<{ langs: string }>('SELECT langs FROM channels WHERE id = ?', [channelId])
      const langs = splitLangs(row?.langs ?? '')
      if (draft.langs.some((l) => !langs.includes(l)))
        throw badRequest('"post": it is for languages the channel does not post in.')
    }
    // its blob would be released, unnamed, before the post went out (media/collector.ts)
    if (draft.media) throw badRequest('"post": a scheduled post carries no photo or video; post it when it is due.')
    if (draft.coupon) {
      const owner = (await loadCouponChannels(db, [draft.coupon.id])).get(draft.coupon.id)
      const err = couponMismatch(channelId, owner ?? null)
      if (err) throw badRequest(`"post": ${err}.`)
    }
    const row = await db.tx(async (q) => {
      // one admin's count and insert at a time per channel, so that two at once cannot pass the cap together
      await lockChannel(q, channelId)
      const waiting = await q.get<{ n: number }>(
        "SELECT COUNT(*) AS n FROM channel_scheduled WHERE channel_id = ? AND state IN ('pending', 'sending')",
        [channelId],
      )
      if (Number(waiting?.n ?? 0) >= MAX_SCHEDULED_PER_CHANNEL)
        throw new HttpError(429, 'too_many_scheduled', `A channel may have at most ${MAX_SCHEDULED_PER_CHANNEL} posts waiting.`)
      const post = JSON.stringify(draft)
      await q.run(
        `INSERT INTO channel_scheduled (id, channel_id, author, post, at, state, created) VALUES (?, ?, ?, ?, ?, 'pending', ?)`,
        [id, channelId, userId, post, at, now],
      )
      return { id, channel_id: channelId, author: userId, post, at, state: 'pending', reason: '' } satisfies ScheduledRow
    })
    return { status: 201, body: toScheduled(row) }
  })

  r.get('/api/channels/:id/scheduled', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    await requireAdmin(db, userId, call.params.id)
    const rows = await db.all<ScheduledRow>(
      `SELECT ${COLUMNS} FROM channel_scheduled WHERE channel_id = ? AND state IN ('pending', 'sending', 'failed') ORDER BY at, id LIMIT ?`,
      [call.params.id, MAX_SCHEDULED_PER_CHANNEL * 2],
    )
    return { status: 200, body: rows.map(toScheduled) }
  })

  r.delete('/api/channels/:id/scheduled/:postId', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    await requireAdmin(db, userId, call.params.id)
    const gone = await db.run(
      "DELETE FROM channel_scheduled WHERE id = ? AND channel_id = ? AND state IN ('pending', 'failed')",
      [call.params.postId, call.params.id],
    )
    if (gone.changes === 1) return { status: 204 }
    const row = await db.get<{ state: string }>('SELECT state FROM channel_scheduled WHERE id = ? AND channel_id = ?', [
      call.params.postId,
      call.params.id,
    ])
    if (!row) throw notFound('No such scheduled post.')
    throw new HttpError(
      409,
      'already_published',
      'That post is being published or was published; retract it from the channel instead.',
    )
  })
}
