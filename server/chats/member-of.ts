// The check of every member-only chat route: the chat exists (404) and the caller is a member of it (403);
// reading a chat also lets a channel's admins in to its chats with users (viewerOf).
import { ENTITY_ID_RE } from '../../protocol/limits.ts'
import type { Queryable } from '../db/db.ts'
import { forbidden, notFound } from '../http/errors.ts'
import { convRow, isMember } from './store.ts'

/** The conversation, which must exist and have `userId` as a member. */
export async function memberOf(q: Queryable, userId: string, convId: string) {
  const conv = ENTITY_ID_RE.test(convId) ? await convRow(q, convId) : undefined
  if (!conv) throw notFound('No such chat.')
  if (!(await isMember(q, convId, userId))) throw forbidden('You are not a member of this chat.')
  return conv
}

/**
 * The conversation, which `userId` may read: as a member, or, in a chat with a channel that still has its
 * user and that user does not block the channel, as one of the channel's admins (convs.ts answersFor).
 */
export async function viewerOf(q: Queryable, userId: string, convId: string) {
  const conv = ENTITY_ID_RE.test(convId) ? await convRow(q, convId) : undefined
  if (!conv) throw notFound('No such chat.')
  if (await isMember(q, convId, userId)) return conv
  if (
    conv.channel_id &&
    (await q.get('SELECT 1 AS x FROM channel_admins WHERE channel_id = ? AND user_id = ?', [conv.channel_id, userId])) &&
    (await q.get(
      `SELECT 1 AS x FROM members m WHERE m.conv_id = ?
        AND NOT EXISTS (SELECT 1 FROM channel_blocks b WHERE b.user_id = m.user_id AND b.channel_id = ?)`,
      [convId, conv.channel_id],
    ))
  )
    return conv
  throw forbidden('You are not a member of this chat.')
}
