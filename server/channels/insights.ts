// POST /api/channels/:id/insights: readers' apps count the channel's posts they showed and the taps on
// their buttons and links, into the counters of channel_posts (a row written with each post's commit,
// effects.ts). Anyone signed in who may read the channel counts; nothing of the caller is stored, not
// even to count them once: a device remembers what it counted, so the figures are indicative, and a
// per-user budget in memory (per node) keeps one account from moving them much. The channel's admins
// report for nothing.
import { MAX_INSIGHT_IDS, type ChannelInsights } from '../../protocol/channels.ts'
import { MESSAGE_ID_RE } from '../../protocol/limits.ts'
import { requireCaller, type ApiContext } from '../api/context.ts'
import type { Queryable } from '../db/db.ts'
import { HttpError, badRequest } from '../http/errors.ts'
import { asObject } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import { requireChannel } from './access.ts'

/** Post ids (views and clicks together) one user may report a minute, on one node. */
export const INSIGHT_IDS_PER_MINUTE = 300
const WINDOW_MS = 60_000

/** Ids each user reported in the current minute: forgotten once it is over. */
export class InsightBudget {
  private used = new Map<string, { start: number; n: number }>()

  constructor(private perMinute = INSIGHT_IDS_PER_MINUTE) {}

  /** Takes `n` ids of `userId`'s minute; returns the seconds to wait instead when they do not fit (taking none). */
  take(userId: string, n: number, now = Date.now()): number {
    let u = this.used.get(userId)
    if (!u || u.start <= now - WINDOW_MS) {
      u = { start: now, n: 0 }
      this.used.set(userId, u)
    }
    if (u.n + n > this.perMinute) return Math.max(1, Math.ceil((u.start + WINDOW_MS - now) / 1000))
    u.n += n
    // users who stopped reporting are forgotten, so the map holds only the last minute's
    if (this.used.size > 10_000) for (const [k, v] of this.used) if (v.start <= now - WINDOW_MS) this.used.delete(k)
    return 0
  }
}

function idList(o: Record<string, unknown>, key: keyof ChannelInsights): string[] {
  const v = o[key]
  if (v === undefined) return []
  if (!Array.isArray(v)) throw badRequest(`"${key}" must be an array of post ids.`)
  if (v.length > MAX_INSIGHT_IDS) throw badRequest(`"${key}" may hold at most ${MAX_INSIGHT_IDS} post ids.`)
  for (const id of v)
    if (typeof id !== 'string' || !MESSAGE_ID_RE.test(id)) throw badRequest(`"${key}" holds something that is not a post id.`)
  return v as string[]
}

/** Adds `by` to `column` of the channel's posts among `ids`; ids it has no post of change nothing. */
function bump(q: Queryable, column: 'views' | 'clicks', channelId: string, ids: string[], by: number) {
  return q.run(
    `UPDATE channel_posts SET ${column} = ${column} + ? WHERE channel_id = ? AND post_id IN (${ids.map(() => '?').join(', ')})`,
    [by, channelId, ...ids],
  )
}

export function insightRoutes(r: Router, ctx: ApiContext): void {
  const { db } = ctx
  const budget = new InsightBudget()

  r.post('/api/channels/:id/insights', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const id = call.params.id
    const b = asObject(await call.body())
    if (Object.keys(b).some((k) => k !== 'views' && k !== 'clicks')) throw badRequest('Only "views" and "clicks" may be sent.')
    const views = [...new Set(idList(b, 'views'))]
    // every tap counts, the same post's too: grouped by how many times each id was tapped
    const taps = new Map<string, number>()
    for (const p of idList(b, 'clicks')) taps.set(p, (taps.get(p) ?? 0) + 1)
    await requireChannel(db, id)
    const wait = budget.take(userId, views.length + [...taps.values()].reduce((a, n) => a + n, 0))
    if (wait)
      throw new HttpError(429, 'too_many_attempts', `At most ${INSIGHT_IDS_PER_MINUTE} posts a minute. Try again later.`, {
        'Retry-After': String(wait),
      })
    // an admin could otherwise lift a post's count to the edge of "fewer than 20" and watch one reader
    // cross it: the channel's own people are not its readers, and their views and taps count for nothing
    if (await db.get('SELECT 1 AS x FROM channel_admins WHERE channel_id = ? AND user_id = ?', [id, userId]))
      return { status: 204 }
    const byCount = new Map<number, string[]>()
    for (const [p, n] of taps) byCount.set(n, [...(byCount.get(n) ?? []), p])
    if (views.length || byCount.size)
      await db.tx(async (q) => {
        if (views.length) await bump(q, 'views', id, views, 1)
        for (const [n, ids] of byCount) await bump(q, 'clicks', id, ids, n)
      })
    return { status: 204 }
  })
}
