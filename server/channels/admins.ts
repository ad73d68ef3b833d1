// A channel's admins: GET/POST /api/channels/:id/admins, DELETE /api/channels/:id/admins/:userId, and its
// statistics, GET /api/channels/:id/stats. Admins only. A channel never goes without an admin. What an
// admin learns here names admins only, never a follower: the statistics are rounded aggregates, null
// for fewer than FOLLOWER_COHORT_MIN people.
import {
  MAX_CHANNEL_ADMINS,
  RECENT_POSTS_IN_STATS,
  roundFollowers,
  type ChannelAdmin,
  type ChannelStats,
  type PostKind,
} from '../../protocol/channels.ts'
import { ENTITY_ID_RE } from '../../protocol/limits.ts'
import { requireCaller, type ApiContext } from '../api/context.ts'
import { normalizeHandle } from '../auth/rules.ts'
import type { Queryable } from '../db/db.ts'
import { badRequest, HttpError, notFound } from '../http/errors.ts'
import { hasBlocked } from '../users/blocks.ts'
import { takeLookup } from '../users/lookups.ts'
import { asObject, str } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import type { ChannelSync } from './sync.ts'
import { lockChannel, requireAdmin } from './access.ts'
import { countEvery, shownFollowers, shownFollowsWeek } from './followers.ts'
import { couponStats } from '../coupons/stats.ts'
import { followerHistory } from './history.ts'
import { shownUnfollowsWeek } from './unfollows.ts'

const adminsOf = (q: Queryable, id: string) =>
  q.all<ChannelAdmin>(
    `SELECT u.id, u.handle, u.name FROM channel_admins a JOIN users u ON u.id = a.user_id
     WHERE a.channel_id = ? ORDER BY a.created, u.handle`,
    [id],
  )

/** The channel's latest posts with their views and clicks, each rounded (null under the cohort minimum). */
async function recentPosts(q: Queryable, id: string): Promise<ChannelStats['recent']> {
  const rows = await q.all<{ post_id: string; ts: number; kind: PostKind; preview: string; views: number; clicks: number }>(
    `SELECT post_id, ts, kind, preview, views, clicks FROM channel_posts WHERE channel_id = ?
     ORDER BY ts DESC, post_id DESC LIMIT ?`,
    [id, RECENT_POSTS_IN_STATS],
  )
  return rows.map((r) => ({
    id: r.post_id,
    ts: Number(r.ts),
    kind: r.kind,
    preview: r.preview,
    views: roundFollowers(Number(r.views)),
    clicks: roundFollowers(Number(r.clicks)),
  }))
}

export function adminRoutes(r: Router, ctx: ApiContext, channels: ChannelSync): void {
  const { db } = ctx
  const countEveryMs = countEvery()

  r.get('/api/channels/:id/admins', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    await requireAdmin(db, userId, call.params.id)
    return { status: 200, body: await adminsOf(db, call.params.id) }
  })

  r.post('/api/channels/:id/admins', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const id = call.params.id
    const handle = normalizeHandle(str(asObject(await call.body()), 'handle')).replace(/^@/, '')
    // an admin's call, before it counts: someone else learns nothing here and spends nothing (checked
    // again under the channel's lock)
    await requireAdmin(db, userId, id)
    // found or not, the answer tells whether the ID is someone's: a lookup
    await takeLookup(ctx, userId)
    const added = await db.tx(async (q) => {
      await requireAdmin(q, userId, id)
      await lockChannel(q, id)
      const user = await q.get<{ id: string }>('SELECT id FROM users WHERE handle = ? AND deleted = 0', [handle])
      if (!user) throw notFound('No such user.')
      // an admin gets the channel's customers' messages and pushes: nobody who blocked me is made one by me
      if (await hasBlocked(q, user.id, userId)) throw new HttpError(403, 'blocked', 'This person is not accepting this from you.')
      const n = await q.get<{ n: number }>('SELECT COUNT(*) AS n FROM channel_admins WHERE channel_id = ?', [id])
      const res = await q.run(
        'INSERT INTO channel_admins (channel_id, user_id, created) VALUES (?, ?, ?) ON CONFLICT (channel_id, user_id) DO NOTHING',
        [id, user.id, Date.now()],
      )
      if (res.changes > 0 && Number(n?.n ?? 0) >= MAX_CHANNEL_ADMINS)
        throw badRequest(`A channel has at most ${MAX_CHANNEL_ADMINS} admins.`)
      return res.changes > 0
    })
    if (added) await channels.changed(id)
    return { status: 200, body: await adminsOf(db, id) }
  })

  r.delete('/api/channels/:id/admins/:userId', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const id = call.params.id
    const target = call.params.userId
    await db.tx(async (q) => {
      await requireAdmin(q, userId, id)
      await lockChannel(q, id)
      if (
        !ENTITY_ID_RE.test(target) ||
        !(await q.get('SELECT 1 AS x FROM channel_admins WHERE channel_id = ? AND user_id = ?', [id, target]))
      )
        throw notFound('That person is not an admin of this channel.')
      const n = await q.get<{ n: number }>('SELECT COUNT(*) AS n FROM channel_admins WHERE channel_id = ?', [id])
      if (Number(n?.n ?? 0) <= 1) throw badRequest('A channel needs an admin: add another one first.')
      await q.run('DELETE FROM channel_admins WHERE channel_id = ? AND user_id = ?', [id, target])
    })
    await channels.changed(id)
    return { status: 200, body: await adminsOf(db, id) }
  })

  r.get('/api/channels/:id/stats', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const id = call.params.id
    await requireAdmin(db, userId, id)
    const row = await db.get<{ followers_shown: number; followers_at: number; posts: number }>(
      'SELECT followers_shown, followers_at, posts FROM channels WHERE id = ?',
      [id],
    )
    const followers = await shownFollowers(
      db,
      id,
      Number(row?.followers_shown ?? -1),
      Number(row?.followers_at ?? 0),
      countEveryMs,
    )
    // one clock for both weekly figures, so that they always cover the same days
    const now = Date.now()
    const week = await shownFollowsWeek(db, id, now)
    const unfollows = await shownUnfollowsWeek(db, id, now)
    const body: ChannelStats = {
      followers: followers < 0 ? null : followers,
      followsWeek: week < 0 ? null : week,
      unfollowsWeek: unfollows < 0 ? null : unfollows,
      posts: Number(row?.posts ?? 0),
      ...(await couponStats(db, id)),
      history: await followerHistory(db, id),
      recent: await recentPosts(db, id),
    }
    return { status: 200, body }
  })
}
