// Friend states and blocks. A friends row (user_id, friend_id, state) is user_id's view of friend_id:
// 'friend' (added), 'hidden' (added, then hidden from the list) or 'blocked'.
import type { Queryable } from '../db/db.ts'
import { powerOfTwoChunks } from '../db/chunks.ts'

export type FriendState = 'friend' | 'hidden' | 'blocked'

/** Whether `blockerId` has blocked `blockedId` (the sync server refuses the blocked one's appends in their direct chat). */
export async function hasBlocked(q: Queryable, blockerId: string, blockedId: string): Promise<boolean> {
  return !!(await q.get("SELECT 1 AS x FROM friends WHERE user_id = ? AND friend_id = ? AND state = 'blocked'", [
    blockerId,
    blockedId,
  ]))
}

/** Of `userIds`, those who have blocked `userId`. */
export async function blockersOf(q: Queryable, userId: string, userIds: string[]): Promise<Set<string>> {
  const out = new Set<string>()
  for (const chunk of powerOfTwoChunks(userIds, 512)) {
    const rows = await q.all<{ user_id: string }>(
      `SELECT user_id FROM friends WHERE friend_id = ? AND state = 'blocked' AND user_id IN (${chunk.map(() => '?').join(', ')})`,
      [userId, ...chunk],
    )
    for (const r of rows) out.add(r.user_id)
  }
  return out
}
