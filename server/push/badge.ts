// A push's `badge`: the user's unread messages across their chats, but the chats they muted (as the app
// counts its total). From memory for the chats loaded here (current to the last commit, read positions
// included), from the tables for the rest.
import { PAGE_STRIDE } from '../../protocol/limits.ts'
import { unreadCount } from '../chats/convs.ts'
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
  }
  return out
}
