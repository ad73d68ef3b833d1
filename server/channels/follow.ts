// POST/DELETE /api/channels/:id/follow and /api/channels/:id/block: the caller's own relation to a
// channel, idempotent. A block unfollows and keeps the caller from following until they unblock.
// PUT /api/channels/:id/mute: a follower's mute of the channel's pushes, like a chat's (push/http.ts),
// kept on the follow (an unfollow forgets it).
// Nothing of it is ever shown to the channel's admins but in the rounded figures (followers.ts, and
// unfollows.ts: a follow that ends is counted, without who, in the same transaction); a block also
// takes the user's chat with the channel off its list and refuses the admins' writes there (chats.ts).
import type { Channel } from '../../protocol/channels.ts'
import type { MuteBody } from '../../protocol/push.ts'
import { checkMute } from '../push/http.ts'
import { chatChanged, requireCaller, type ApiContext } from '../api/context.ts'
import { HttpError, forbidden } from '../http/errors.ts'
import type { Router } from '../http/router.ts'
import { requireChannel } from './access.ts'
import { channelChatKey } from './chats.ts'
import { countUnfollow } from './unfollows.ts'

export function followRoutes(
  r: Router,
  ctx: ApiContext,
  channelFor: (userId: string, id: string) => Promise<Channel>,
  /** a follow ended: the feeds of the channel's customer groups the user was reading close to them */
  unfollowed: (userId: string, id: string) => Promise<void> = async () => {},
): void {
  const { db } = ctx

  /** A block or unblock reaches the user's chat with the channel: the admins' writes stop, or may start again. */
  async function chatFollows(userId: string, id: string): Promise<void> {
    const conv = await db.get<{ id: string }>('SELECT id FROM convs WHERE direct_key = ?', [channelChatKey(id, userId)])
    if (conv) await chatChanged(ctx, conv.id)
  }

  r.post('/api/channels/:id/follow', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const id = call.params.id
    await db.tx(async (q) => {
      await requireChannel(q, id)
      if (await q.get('SELECT 1 AS x FROM channel_blocks WHERE user_id = ? AND channel_id = ?', [userId, id]))
        throw new HttpError(403, 'blocked', 'You blocked this channel. Unblock it to follow it.')
      await q.run(
        'INSERT INTO follows (user_id, channel_id, created) VALUES (?, ?, ?) ON CONFLICT (user_id, channel_id) DO NOTHING',
        [userId, id, Date.now()],
      )
    })
    return { status: 200, body: await channelFor(userId, id) }
  })

  r.delete('/api/channels/:id/follow', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const id = call.params.id
    await db.tx(async (q) => {
      await requireChannel(q, id)
      const ended = await q.run('DELETE FROM follows WHERE user_id = ? AND channel_id = ?', [userId, id])
      if (ended.changes > 0) await countUnfollow(q, id)
    })
    await unfollowed(userId, id)
    return { status: 200, body: await channelFor(userId, id) }
  })

  r.add('PUT', '/api/channels/:id/mute', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const id = call.params.id
    const until = checkMute(await call.body())
    await requireChannel(db, id)
    const changed = await db.run('UPDATE follows SET muted = ? WHERE user_id = ? AND channel_id = ?', [until, userId, id])
    if (changed.changes === 0) throw forbidden('Follow the channel to mute it.')
    const body: MuteBody = { until: until === 0 ? null : until }
    return { status: 200, body }
  })

  r.post('/api/channels/:id/block', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const id = call.params.id
    await db.tx(async (q) => {
      await requireChannel(q, id)
      const ended = await q.run('DELETE FROM follows WHERE user_id = ? AND channel_id = ?', [userId, id])
      if (ended.changes > 0) await countUnfollow(q, id)
      await q.run(
        'INSERT INTO channel_blocks (user_id, channel_id, created) VALUES (?, ?, ?) ON CONFLICT (user_id, channel_id) DO NOTHING',
        [userId, id, Date.now()],
      )
    })
    await chatFollows(userId, id)
    await unfollowed(userId, id)
    return { status: 200, body: await channelFor(userId, id) }
  })

  r.delete('/api/channels/:id/block', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const id = call.params.id
    await requireChannel(db, id)
    await db.run('DELETE FROM channel_blocks WHERE user_id = ? AND channel_id = ?', [userId, id])
    await chatFollows(userId, id)
    return { status: 200, body: await channelFor(userId, id) }
  })
}
