// Who may fetch a blob, asked on every request: its uploader, and the current members of the chat it was
// uploaded to who can see that part of the chat: members who joined before it was uploaded, or who see
// the chat from its first page. Whoever leaves a chat (or is removed) loses all of its media at once.
import type { Queryable } from '../db/db.ts'
import { MEDIA_ID_RE } from '../../protocol/limits.ts'
import type { BlobRow } from './uploads.ts'

/** The blob, if `userId` may read it; undefined both when it does not exist and when they may not. */
export async function readableBlob(q: Queryable, userId: string, id: string): Promise<BlobRow | undefined> {
  if (!MEDIA_ID_RE.test(id)) return undefined
  const b = await q.get<BlobRow>('SELECT * FROM blobs WHERE id = ?', [id])
  if (!b) return undefined
  if (b.uploader === userId) return b
  const m = await q.get<{ joined: number; since_page: number }>(
    'SELECT joined, since_page FROM members WHERE conv_id = ? AND user_id = ?',
    [b.conv_id, userId],
  )
  if (!m) return undefined
  return Number(m.since_page) === 0 || Number(m.joined) <= Number(b.created) ? b : undefined
}
