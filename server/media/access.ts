// Who may fetch a blob, asked on every request: its uploader, and the current members of its chat who can
// read a page holding a message that names it (pages from their `since_page` on, as for the page docs:
// server/chats/docs/page.ts). Whoever leaves a chat (or is removed) loses all of its media at once; a blob
// that no message names (not sent yet, or retracted) is its uploader's alone. A channel's upload is read by
// anyone signed in once a post of the channel names it (blob_refs keyed by the channel's id), while the
// channel is not disabled: channels are public. In a user's chat with a channel, the channel's current
// admins read what its messages name, as they read its pages.
import type { Queryable } from '../db/db.ts'
import { MEDIA_ID_RE } from '../../protocol/limits.ts'
import type { BlobRow } from './uploads.ts'

/** The blob, if `userId` may read it; undefined both when it does not exist and when they may not. */
export async function readableBlob(q: Queryable, userId: string, id: string): Promise<BlobRow | undefined> {
  if (!MEDIA_ID_RE.test(id)) return undefined
  const b = await q.get<BlobRow>('SELECT * FROM blobs WHERE id = ?', [id])
  if (!b) return undefined
  if (b.uploader === userId) return b
  if (b.channel_id) {
    const posted = await q.get(
      `SELECT 1 AS x FROM channels c JOIN blob_refs r ON r.conv_id = c.id
        WHERE c.id = ? AND c.disabled = 0 AND r.blob_id = ? LIMIT 1`,
      [b.channel_id, id],
    )
    if (posted) return b
    // a post to one of its customer groups: for the channel's admins and the group's people who follow it
    const inGroup = await q.get(
      `SELECT 1 AS x FROM channel_groups g JOIN channels c ON c.id = g.channel_id JOIN blob_refs r ON r.conv_id = g.id
        WHERE g.channel_id = ? AND c.disabled = 0 AND r.blob_id = ?
          AND (EXISTS (SELECT 1 FROM channel_admins a WHERE a.channel_id = g.channel_id AND a.user_id = ?)
            OR EXISTS (SELECT 1 FROM channel_group_members m JOIN follows f ON f.user_id = m.user_id AND f.channel_id = g.channel_id
              WHERE m.group_id = g.id AND m.user_id = ?))
        LIMIT 1`,
      [b.channel_id, id, userId, userId],
    )
    return inGroup ? b : undefined
  }
  const seen = await q.get(
    `SELECT 1 AS x FROM members m JOIN blob_refs r ON r.conv_id = m.conv_id AND r.page >= m.since_page
      WHERE m.conv_id = ? AND m.user_id = ? AND r.blob_id = ? LIMIT 1`,
    [b.conv_id, userId, id],
  )
  if (seen) return b
  // in a chat with a channel, its admins read what is in it while the chat has its user
  const answered = await q.get(
    `SELECT 1 AS x FROM convs c JOIN channel_admins a ON a.channel_id = c.channel_id JOIN blob_refs r ON r.conv_id = c.id
      WHERE c.id = ? AND a.user_id = ? AND r.blob_id = ? AND EXISTS (SELECT 1 FROM members m WHERE m.conv_id = c.id) LIMIT 1`,
    [b.conv_id, userId, id],
  )
  return answered ? b : undefined
}
