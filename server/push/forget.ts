// A signed-out device gets no more pushes: its subscription goes with its session (server/auth/).
import type { Queryable } from '../db/db.ts'

/** Deletes the push subscriptions of these sessions, inside the caller's transaction. */
export async function forgetSubscriptions(q: Queryable, sessionIds: string[]): Promise<void> {
  for (const id of sessionIds) await q.run('DELETE FROM push_subs WHERE session_id = ?', [id])
}

/** Deletes every push subscription of `userId` but `keepSessionId`'s (all when it is null). */
export async function forgetUserSubscriptions(q: Queryable, userId: string, keepSessionId: string | null): Promise<void> {
  if (keepSessionId === null) await q.run('DELETE FROM push_subs WHERE user_id = ?', [userId])
  else await q.run('DELETE FROM push_subs WHERE user_id = ? AND session_id <> ?', [userId, keepSessionId])
}
