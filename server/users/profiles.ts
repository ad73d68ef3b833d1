// Reading users as the signed-in user (Me) and as others see them (Profile).
import type { Me, Profile } from '../../protocol/api.ts'
import { PROFILE_PHOTO_VERSION_CHARS } from '../../protocol/limits.ts'
import type { Queryable } from '../db/db.ts'
import { powerOfTwoChunks } from '../db/chunks.ts'

/** A users row's `photo` column (the sha256 of the content, '' for none) as the API shows it. */
type WithPhotoColumn<T> = Omit<T, 'photo'> & { photo: string | null }

/** The row with `photo` as its version, or without it when there is no photo. */
export function withPhoto<T extends { photo?: string }>(row: WithPhotoColumn<T>): T {
  const { photo, ...rest } = row
  return (photo ? { ...rest, photo: photo.slice(0, PROFILE_PHOTO_VERSION_CHARS) } : rest) as unknown as T
}

export async function loadMe(q: Queryable, userId: string): Promise<Me | undefined> {
  const row = await q.get<WithPhotoColumn<Me>>(
    'SELECT id, handle, name, status, lang, photo FROM users WHERE id = ? AND deleted = 0',
    [userId],
  )
  return row && withPhoto<Me>(row)
}

/**
 * A user as `viewerId` may see them: someone who blocked the viewer shows an empty status, so the
 * viewer does not see their status changes. A deleted account shows no handle (it is freed later), the
 * name '' and no photo. The photo is shown like the name, also to someone blocked.
 */
const PROFILE_SELECT = `SELECT u.id, CASE WHEN u.deleted = 0 THEN u.handle ELSE '' END AS handle, u.name, CASE WHEN b.user_id IS NULL THEN u.status ELSE '' END AS status,
  CASE WHEN u.deleted = 0 THEN u.photo ELSE '' END AS photo
  FROM users u LEFT JOIN friends b ON b.user_id = u.id AND b.friend_id = ? AND b.state = 'blocked'`

type ProfileRow = WithPhotoColumn<Profile>

export async function profileByHandle(q: Queryable, viewerId: string, handle: string): Promise<Profile | undefined> {
  const row = await q.get<ProfileRow>(`${PROFILE_SELECT} WHERE u.handle = ? AND u.deleted = 0`, [viewerId, handle])
  return row && withPhoto<Profile>(row)
}

export async function profileById(q: Queryable, viewerId: string, id: string): Promise<Profile | undefined> {
  const row = await q.get<ProfileRow>(`${PROFILE_SELECT} WHERE u.id = ?`, [viewerId, id])
  return row && withPhoto<Profile>(row)
}

/** Profiles of the users `viewerId` has a friends row for in `state`, by name. */
export async function profilesInState(q: Queryable, viewerId: string, state: string): Promise<Profile[]> {
  const rows = await q.all<ProfileRow>(
    `${PROFILE_SELECT} JOIN friends f ON f.friend_id = u.id AND f.user_id = ? WHERE f.state = ? ORDER BY u.name, u.handle`,
    [viewerId, viewerId, state],
  )
  return rows.map((r) => withPhoto<Profile>(r))
}

/**
 * Profiles of the users who added `viewerId` (as a friend, or hid them) and whom the viewer has no row
 * for: added, hidden or blocked. Newest first.
 */
export async function profilesWhoAdded(q: Queryable, viewerId: string): Promise<Profile[]> {
  const rows = await q.all<ProfileRow>(
    `${PROFILE_SELECT} JOIN friends f ON f.user_id = u.id
      WHERE f.friend_id = ? AND f.state IN ('friend', 'hidden')
        AND NOT EXISTS (SELECT 1 FROM friends m WHERE m.user_id = ? AND m.friend_id = f.user_id)
      ORDER BY f.created DESC, u.id`,
    [viewerId, viewerId, viewerId],
  )
  return rows.map((r) => withPhoto<Profile>(r))
}

/** Profiles of the members of some conversations, keyed by conversation. */
export async function memberProfiles(q: Queryable, viewerId: string, convIds: string[]): Promise<Map<string, Profile[]>> {
  const out = new Map<string, Profile[]>(convIds.map((id) => [id, []]))
  if (!convIds.length) return out
  // chunks keep the parameter list well below SQLite's limit
  for (const chunk of powerOfTwoChunks(convIds, 512)) {
    const rows = await q.all<ProfileRow & { conv_id: string }>(
      `${PROFILE_SELECT.replace('SELECT ', 'SELECT m.conv_id, ')} JOIN members m ON m.user_id = u.id
        WHERE m.conv_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY m.joined, u.id`,
      [viewerId, ...chunk],
    )
    for (const { conv_id, ...p } of rows) out.get(conv_id)!.push(withPhoto<Profile>(p))
  }
  return out
}
