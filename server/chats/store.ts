// Conversations in the relational tables: convs, members, conv_pages.
import type { Chat } from '../../protocol/api.ts'
import type { Queryable } from '../db/db.ts'
import { memberProfiles } from '../users/profiles.ts'
import { powerOfTwoChunks } from '../db/chunks.ts'
import { PAGE_STRIDE, PROFILE_PHOTO_VERSION_CHARS } from '../../protocol/limits.ts'

interface ConvRow {
  id: string
  kind: 'direct' | 'group' | 'channel'
  title: string
  page: number
  owner: string
  /** the sha256 of the group's photo, '' for none */
  photo: string
  /** a chat with a channel: the channel's id */
  channel_id: string | null
}

/**
 * Creates a conversation with its first page and its members. A group's owner is its creator, `memberIds[0]`;
 * a direct chat's opener is, until the other opens it too or someone writes (`opened_by`).
 */
export async function insertConv(
  q: Queryable,
  conv: { id: string; kind: 'direct' | 'group' | 'channel'; title: string; directKey: string | null; channelId?: string },
  memberIds: string[],
): Promise<void> {
  const now = Date.now()
  const owner = conv.kind === 'group' ? memberIds[0] : ''
  await q.run(
    'INSERT INTO convs (id, kind, title, direct_key, page, created, owner, channel_id, opened_by) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?)',
    [
      conv.id,
      conv.kind,
      conv.title,
      conv.directKey,
      now,
      owner,
      conv.channelId ?? null,
      conv.kind === 'direct' ? memberIds[0] : '',
    ],
  )
  await q.run('INSERT INTO conv_pages (conv_id, page, length) VALUES (?, 0, 0)', [conv.id])
  await addMembers(q, conv.id, memberIds)
}

/**
 * Adds members who are not members yet, who see the chat from page `since` on (their read position
 * starts there, so nothing before it counts as unread); returns how many were added.
 */
export async function addMembers(q: Queryable, convId: string, userIds: string[], since = 0): Promise<number> {
  let added = 0
  const now = Date.now()
  for (const u of userIds) {
    const r = await q.run(
      'INSERT INTO members (conv_id, user_id, joined, since_page, read_pos) VALUES (?, ?, ?, ?, ?) ON CONFLICT (conv_id, user_id) DO NOTHING',
      [convId, u, now, since, since * PAGE_STRIDE],
    )
    // someone who comes back is a member again, not a former one
    if (r.changes) await q.run('DELETE FROM former_members WHERE conv_id = ? AND user_id = ?', [convId, u])
    added += r.changes
  }
  return added
}

/**
 * Takes `userId` out of a conversation: they left, or (`removed`) the group's owner removed them, which
 * an invite link does not undo (invites.ts). They stay a former member, whose name the chat keeps showing
 * on what they wrote. A group whose owner goes passes to the member who has been in it longest, so a group
 * always has someone who can remove members.
 */
export async function removeMember(q: Queryable, convId: string, userId: string, removed = false): Promise<void> {
  const r = await q.run('DELETE FROM members WHERE conv_id = ? AND user_id = ?', [convId, userId])
  const now = Date.now()
  if (r.changes) {
    await q.run(
      `INSERT INTO former_members (conv_id, user_id, left_at, removed) VALUES (?, ?, ?, ?)
        ON CONFLICT (conv_id, user_id) DO UPDATE SET left_at = excluded.left_at, removed = excluded.removed`,
      [convId, userId, now, removed ? 1 : 0],
    )
    // their links into the group go off for good: coming back does not turn them on again (an owner who
    // removed someone for spreading links would otherwise get every one of them back with the person)
    await q.run("UPDATE invites SET revoked = ? WHERE kind = 'group' AND target = ? AND creator = ? AND revoked = 0", [
      now,
      convId,
      userId,
    ])
  }
  await q.run(
    `UPDATE convs SET owner = COALESCE((SELECT m.user_id FROM members m WHERE m.conv_id = convs.id ORDER BY m.joined, m.user_id LIMIT 1), '')
      WHERE id = ? AND owner = ?`,
    [convId, userId],
  )
}

/**
 * Starts page `page + 1` when page `page` (the current one) holds messages, as the relational tables or
 * the page's loaded document `loadedLength` say (the tables' lengths lag behind appends by up to the
 * mirror's delay); returns the page that is current afterwards.
 */
export async function rollOverIfUsed(q: Queryable, convId: string, page: number, loadedLength: number): Promise<number> {
  const row = await q.get<{ length: number }>('SELECT length FROM conv_pages WHERE conv_id = ? AND page = ?', [convId, page])
  if (loadedLength === 0 && Number(row?.length ?? 0) === 0) return page
  await q.run('UPDATE convs SET page = ? WHERE id = ? AND page < ?', [page + 1, convId, page + 1])
  await q.run('INSERT INTO conv_pages (conv_id, page, length) VALUES (?, ?, 0) ON CONFLICT (conv_id, page) DO NOTHING', [
    convId,
    page + 1,
  ])
  return page + 1
}

export async function isMember(q: Queryable, convId: string, userId: string): Promise<boolean> {
  return !!(await q.get('SELECT 1 AS x FROM members WHERE conv_id = ? AND user_id = ?', [convId, userId]))
}

export async function memberCount(q: Queryable, convId: string): Promise<number> {
  return Number((await q.get<{ n: number }>('SELECT COUNT(*) AS n FROM members WHERE conv_id = ?', [convId]))?.n ?? 0)
}

export async function convRow(q: Queryable, convId: string): Promise<ConvRow | undefined> {
  return q.get<ConvRow>('SELECT id, kind, title, page, owner, photo, channel_id FROM convs WHERE id = ?', [convId])
}

/** A chat's `photo` as the API and the inbox show it: a group's photo version, undefined for none. */
export function groupPhotoVersion(kind: string, photo: string | null | undefined): string | undefined {
  return kind === 'group' ? profilePhotoVersion(photo) : undefined
}

/** A photo's version as clients see it (Profile.photo): the start of its content's sha256. */
export const profilePhotoVersion = (photo: string | null | undefined): string | undefined =>
  photo ? photo.slice(0, PROFILE_PHOTO_VERSION_CHARS) : undefined

async function toChats(q: Queryable, viewerId: string, rows: ConvRow[]): Promise<Chat[]> {
  const members = await memberProfiles(
    q,
    viewerId,
    rows.map((r) => r.id),
  )
  const former = await formerNames(
    q,
    rows.map((r) => r.id),
  )
  const channels = await channelsOf(q, rows)
  return rows.map((r) => {
    const now = members.get(r.id) ?? []
    const inChat = new Set(now.map((p) => p.id))
    const chat: Chat = {
      id: r.id,
      kind: r.kind,
      title: r.title,
      owner: r.owner,
      page: Number(r.page),
      members: now,
      // someone who came back is a member, not a former one
      former: (former.get(r.id) ?? []).filter((f) => !inChat.has(f.id)),
    }
    const photo = groupPhotoVersion(r.kind, r.photo)
    if (photo) chat.photo = photo
    const channel = r.channel_id ? channels.get(r.channel_id) : undefined
    if (channel) chat.channel = channel
    return chat
  })
}

/** The channels of those of `rows` that are chats with a channel: id, name and photo version. */
async function channelsOf(q: Queryable, rows: ConvRow[]): Promise<Map<string, NonNullable<Chat['channel']>>> {
  const out = new Map<string, NonNullable<Chat['channel']>>()
  const ids = [...new Set(rows.flatMap((r) => (r.channel_id ? [r.channel_id] : [])))]
  for (const chunk of powerOfTwoChunks(ids, 512)) {
    const found = await q.all<{ id: string; name: string; photo: string | null }>(
      `SELECT id, name, photo FROM channels WHERE id IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    )
    for (const c of found) {
      const photo = profilePhotoVersion(c.photo)
      out.set(c.id, photo ? { id: c.id, name: c.name, photo } : { id: c.id, name: c.name })
    }
  }
  return out
}

/** Who left (or was removed from) these conversations, with their current names, keyed by conversation. */
async function formerNames(q: Queryable, convIds: string[]): Promise<Map<string, { id: string; name: string }[]>> {
  const out = new Map<string, { id: string; name: string }[]>()
  for (const chunk of powerOfTwoChunks(convIds, 512)) {
    const rows = await q.all<{ conv_id: string; id: string; name: string }>(
      `SELECT f.conv_id, u.id, u.name FROM former_members f JOIN users u ON u.id = f.user_id
        WHERE f.conv_id IN (${chunk.map(() => '?').join(', ')}) ORDER BY f.left_at, u.id`,
      chunk,
    )
    for (const { conv_id, ...f } of rows) {
      let list = out.get(conv_id)
      if (!list) out.set(conv_id, (list = []))
      list.push(f)
    }
  }
  return out
}

export async function loadChat(q: Queryable, viewerId: string, convId: string): Promise<Chat | undefined> {
  const row = await convRow(q, convId)
  return row ? (await toChats(q, viewerId, [row]))[0] : undefined
}

/** The chats `userId` is a member of, the most recently active first. */
export async function listChats(q: Queryable, userId: string): Promise<Chat[]> {
  const rows = await q.all<ConvRow>(
    `SELECT c.id, c.kind, c.title, c.page, c.owner, c.photo, c.channel_id FROM convs c JOIN members m ON m.conv_id = c.id
      WHERE m.user_id = ? ORDER BY c.last_ts DESC, c.created DESC, c.id`,
    [userId],
  )
  return toChats(q, userId, rows)
}
