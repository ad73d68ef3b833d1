// Reading users as the signed-in user (Me) and as others see them (Profile).
import type { Me, Profile } from '../../protocol/api.ts'
import type { Queryable } from '../db/db.ts'
import { powerOfTwoChunks } from '../db/chunks.ts'

export async function loadMe(q: Queryable, userId: string): Promise<Me | undefined> {
  return q.get<Me>('SELECT id, handle, name, status, lang FROM users WHERE id = ? AND deleted = 0', [userId])
}

/**
 * A user as `viewerId` may see them: someone who blocked the viewer shows an empty status, so the
 * viewer does not see their status changes. A deleted account shows no handle (it is freed later) and
 * the name ''.
 */
const PROFILE_SELECT = `SELECT u.id, CASE WHEN u.deleted = 0 THEN u.handle ELSE '' END AS handle, u.name, CASE WHEN b.user_id IS NULL THEN u.status ELSE '' END AS status
  FROM users u LEFT JOIN friends b ON b.user_id = u.id AND b.friend_id = ? AND b.state = 'blocked'`

export async function profileByHandle(q: Queryable, viewerId: string, handle: string): Promise<Profile | undefined> {
  return q.get<Profile>(`${PROFILE_SELECT} WHERE u.handle = ? AND u.deleted = 0`, [viewerId, handle])
}

export async function profileById(q: Queryable, viewerId: string, id: string): Promise<Profile | undefined> {
  return q.get<Profile>(`${PROFILE_SELECT} WHERE u.id = ?`, [viewerId, id])
}

/** Profiles of the users `viewerId` has a friends row for in `state`, by name. */
export async function profilesInState(q: Queryable, viewerId: string, state: string): Promise<Profile[]> {
  return q.all<Profile>(
    `${PROFILE_SELECT} JOIN friends f ON f.friend_id = u.id AND f.user_id = ? WHERE f.state = ? ORDER BY u.name, u.handle`,
    [viewerId, viewerId, state],
  )
}

/** Profiles of the members of some conversations, keyed by conversation. */
export async function memberProfiles(q: Queryable, viewerId: string, convIds: string[]): Promise<Map<string, Profile[]>> {
  const out = new Map<string, Profile[]>(convIds.map((id) => [id, []]))
  if (!convIds.length) return out
  // chunks keep the parameter list well below SQLite's limit
  for (const chunk of powerOfTwoChunks(convIds, 512)) {
    const rows = await q.all<Profile & { conv_id: string }>(
      `${PROFILE_SELECT.replace('SELECT ', 'SELECT m.conv_id, ')} JOIN members m ON m.user_id = u.id
        WHERE m.conv_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY m.joined, u.id`,
      [viewerId, ...chunk],
    )
    for (const { conv_id, ...p } of rows) out.get(conv_id)!.push(p)
  }
  return out
}
