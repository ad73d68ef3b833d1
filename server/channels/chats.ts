// A user's chat with a channel (questions, reservations): POST /api/channels/:id/chat opens it (one per user
// and channel), GET /api/channels/:id/chats lists the channel's chats for its admins. The user is the chat's
// one member; the channel's admins answer in it as the channel (server/chats/convs.ts mayOpen, and the page
// grammar's channelSideRefusal). The list is the only place the channel sees who wrote to it, and it says
// nothing of whether they follow it.
import type { ChannelChatItem } from '../../protocol/channels.ts'
import { PROFILE_PHOTO_VERSION_CHARS } from '../../protocol/limits.ts'
import { chatChanged, requireCaller, type ApiContext } from '../api/context.ts'
import { newId } from '../api/ids.ts'
import { openOnce } from '../api/unique.ts'
import { HttpError, badRequest } from '../http/errors.ts'
import type { Router } from '../http/router.ts'
import { lastMessage, unreadCount } from '../chats/convs.ts'
import { storedLastKind } from '../chats/mirror.ts'
import { addMembers, insertConv, loadChat } from '../chats/store.ts'
import { PAGE_STRIDE } from '../../protocol/limits.ts'
import type { ChannelSync } from './sync.ts'
import { requireAdmin, requireChannel } from './access.ts'

/** The key that makes a user's chat with a channel one (convs.direct_key, unique). */
export const channelChatKey = (channelId: string, userId: string) => `ch:${channelId}:${userId}`

interface ListRow {
  id: string
  last_preview: string
  last_from: string
  last_ts: number
  last_media: string
  created: number
  user_id: string
  name: string
  handle: string
  photo: string | null
  unread: number
}

export function channelChatRoutes(r: Router, ctx: ApiContext, channels: ChannelSync): void {
  const { db } = ctx
  // a renamed channel, a new photo, an admin added or removed, a channel disabled: its chats follow
  channels.onChanged(async (channelId) => {
    try {
      await ctx.sync.channelChanged(channelId)
    } catch (e) {
      console.error(`sync.channelChanged(${channelId}) failed:`, e)
    }
  })

  r.post('/api/channels/:id/chat', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const channelId = call.params.id
    await requireChannel(db, channelId)
    if (await db.get('SELECT 1 AS x FROM channel_admins WHERE channel_id = ? AND user_id = ?', [channelId, userId]))
      throw badRequest("You answer this channel's chats; open them from its Chats list.")
    if (await db.get('SELECT 1 AS x FROM channel_blocks WHERE user_id = ? AND channel_id = ?', [userId, channelId]))
      throw new HttpError(403, 'blocked', 'You blocked this channel. Unblock it to write to it.')
    const key = channelChatKey(channelId, userId)
    const open = () =>
      db.tx(async (q) => {
        const existing = await q.get<{ id: string }>('SELECT id FROM convs WHERE direct_key = ?', [key])
        // someone who left it comes back to the same chat
        if (existing) return { id: existing.id, created: false, changed: (await addMembers(q, existing.id, [userId])) > 0 }
        const id = newId()
        await insertConv(q, { id, kind: 'channel', title: '', directKey: key, channelId }, [userId])
        return { id, created: true, changed: true }
      })
    // two of the user's devices may open it at the same moment: the other transaction then created it
    const res = await openOnce(open)
    if (res.changed) await chatChanged(ctx, res.id)
    return { status: res.created ? 201 : 200, body: await loadChat(db, userId, res.id) }
  })

  r.get('/api/channels/:id/chats', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const channelId = call.params.id
    await requireAdmin(db, userId, channelId)
    // a user who blocked the channel, or whose chat is still empty, is not listed
    const rows = await db.all<ListRow>(
      `SELECT c.id, c.last_preview, c.last_from, c.last_ts, c.last_media, c.created, u.id AS user_id, u.name, u.handle, u.photo,
        (SELECT COALESCE(SUM(CASE WHEN p.page * ${PAGE_STRIDE} >= c.channel_read THEN p.length
                                  WHEN p.page * ${PAGE_STRIDE} + p.length > c.channel_read THEN p.page * ${PAGE_STRIDE} + p.length - c.channel_read
                                  ELSE 0 END), 0) FROM conv_pages p WHERE p.conv_id = c.id) AS unread
       FROM convs c JOIN members m ON m.conv_id = c.id JOIN users u ON u.id = m.user_id
       WHERE c.channel_id = ? AND u.deleted = 0
         AND NOT EXISTS (SELECT 1 FROM channel_blocks b WHERE b.user_id = m.user_id AND b.channel_id = c.channel_id)
       ORDER BY c.last_ts DESC, c.created DESC, c.id`,
      [channelId],
    )
    const items: ChannelChatItem[] = []
    for (const row of rows) {
      // what the commits hold in memory is ahead of the relational mirror (server/chats/mirror.ts)
      const cached = ctx.sync.cachedConv(row.id)
      const live = cached && cached.lastTs >= Number(row.last_ts) ? cached : undefined
      const ts = live ? live.lastTs : Number(row.last_ts)
      if (!ts) continue
      const item: ChannelChatItem = {
        id: row.id,
        user: { id: row.user_id, name: row.name, handle: row.handle },
        preview: live ? live.lastPreview : row.last_preview,
        from: live ? live.lastFrom : row.last_from,
        ts,
        unread: cached?.channel ? unreadCount(cached.pageLengths, cached.channel.read) : Number(row.unread),
      }
      const { media, retracted, photos } = live ? lastMessage(live) : storedLastKind(row.last_media)
      if (media) item.media = media
      if (photos) item.photos = photos
      if (retracted) item.retracted = true
      if (row.photo) item.user.photo = row.photo.slice(0, PROFILE_PHOTO_VERSION_CHARS)
      items.push(item)
    }
    items.sort((a, b) => b.ts - a.ts || (a.id < b.id ? -1 : 1))
    return { status: 200, body: items }
  })
}
