// A push's `badge`: the user's unread messages across their chats, but the chats they muted, and those of
// the chats with users of the channels they answer for (as the app counts its total). From memory for the
// chats loaded here (current to the last commit, read positions included), from the tables for the rest.
import { PAGE_STRIDE } from '../../protocol/limits.ts'
import { answersFor, unreadCount } from '../chats/convs.ts'
import type { ChatDomain } from '../chats/domain.ts'
import { viewerUnread } from '../chats/hidden.ts'

/** Whether a member's `muted` mutes the chat at `now`. */
export const isMuted = (muted: number | undefined, now: number): boolean => muted === -1 || (!!muted && muted > now)

/** The badges of these users: user → their unread messages outside muted chats. */
export async function badgesOf(chats: ChatDomain, userIds: string[], now = Date.now()): Promise<Map<string, number>> {
  const out = new Map<string, number>(userIds.map((u) => [u, 0]))
  for (let i = 0; i < userIds.length; i += 200) {
    const part = userIds.slice(i, i + 200)
    const rows = await chats.db.all<{ user_id: string; conv_id: string; muted: number; unread: number }>(
      `SELECT m.user_id, m.conv_id, m.muted,
         (SELECT COALESCE(SUM(CASE WHEN p.page * ${PAGE_STRIDE} >= m.read_pos THEN p.length
                                   WHEN p.page * ${PAGE_STRIDE} + p.length > m.read_pos THEN p.page * ${PAGE_STRIDE} + p.length - m.read_pos
                                   ELSE 0 END), 0) FROM conv_pages p WHERE p.conv_id = m.conv_id) AS unread
        FROM members m WHERE m.user_id IN (${part.map(() => '?').join(', ')})`,
      part,
    )
    for (const r of rows) {
      const conv = chats.convs.cached(r.conv_id)
      const me = conv?.members.get(r.user_id)
      let n = 0
      if (conv && me) {
        if (isMuted(me.muted, now)) continue
        const hidden = conv.hidden.get(r.user_id)
        n = hidden ? viewerUnread(conv.pageLengths, me.readPos, hidden) : unreadCount(conv.pageLengths, me.readPos)
      } else if (!isMuted(Number(r.muted), now)) n = Number(r.unread)
      out.set(r.user_id, (out.get(r.user_id) ?? 0) + n)
    }
    await addAnswering(chats, part, out)
  }
  return out
}

/**
 * What no admin has read of the chats with users of the channels these users answer for (inbox-writer.ts
 * answererEntry; all of them, where an inbox lists the latest): a chat whose user blocked the channel counts
 * for nobody.
 */
async function addAnswering(chats: ChatDomain, users: string[], out: Map<string, number>): Promise<void> {
  const rows = await chats.db.all<{ user_id: string; conv_id: string; unread: number }>(
    `SELECT a.user_id, c.id AS conv_id,
       (SELECT COALESCE(SUM(CASE WHEN p.page * ${PAGE_STRIDE} >= c.channel_read THEN p.length
                                 WHEN p.page * ${PAGE_STRIDE} + p.length > c.channel_read THEN p.page * ${PAGE_STRIDE} + p.length - c.channel_read
                                 ELSE 0 END), 0) FROM conv_pages p WHERE p.conv_id = c.id) AS unread
      FROM channel_admins a JOIN channels ch ON ch.id = a.channel_id AND ch.disabled = 0
      JOIN convs c ON c.channel_id = a.channel_id JOIN members m ON m.conv_id = c.id
      WHERE a.user_id IN (${users.map(() => '?').join(', ')})
        AND NOT EXISTS (SELECT 1 FROM channel_blocks b WHERE b.user_id = m.user_id AND b.channel_id = c.channel_id)`,
    users,
  )
  for (const r of rows) {
    const conv = chats.convs.cached(r.conv_id)
    const n = conv?.channel
      ? answersFor(conv, r.user_id)
        ? unreadCount(conv.pageLengths, conv.channel.read)
        : 0
      : Number(r.unread)
    out.set(r.user_id, (out.get(r.user_id) ?? 0) + n)
  }
}
