// Who reads a customer group's feed: the channel's admins, and the group's people while they follow the
// channel. Checked when a socket opens a feed's document, and again for the sockets open when the group's
// list changes (groups.ts).
import type { Queryable } from '../db/db.ts'
import type { ChannelState } from './state.ts'

export async function readsGroup(
  q: Queryable,
  feed: Pick<ChannelState, 'id' | 'channelId' | 'admins'>,
  userId: string,
): Promise<boolean> {
  if (feed.admins.has(userId)) return true
  return !!(await q.get(
    `SELECT 1 AS x FROM channel_group_members m JOIN follows f ON f.user_id = m.user_id AND f.channel_id = ?
      WHERE m.group_id = ? AND m.user_id = ?`,
    [feed.channelId, feed.id, userId],
  ))
}
