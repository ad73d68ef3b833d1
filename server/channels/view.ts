// Channels as the API answers them (protocol/channels.ts Channel): the row, plus what concerns the
// caller only (following, blocked, admin, muted). Nothing here names anyone else: no follower, no admin.
import type { Channel, ChannelCategory, MyChannelGroup, TargetedPost } from '../../protocol/channels.ts'
import { PROFILE_PHOTO_VERSION_CHARS } from '../../protocol/limits.ts'
import type { Param, Queryable } from '../db/db.ts'
import { isMuted } from '../push/badge.ts'

export interface ChannelRow {
  id: string
  handle: string
  name: string
  description: string
  category: string
  langs: string
  verified: number
  photo: string | null
  followers_shown: number
  followers_at: number
  posts: number
  last_preview: string
  last_ts: number
  targeted: string
  following: number | null
  blocked: number | null
  admin: number | null
  /** the caller's mute of it (follows.muted); null when not following */
  muted: number | null
}

/** The columns of a Channel for caller `?` (the first parameter), from `channels c`. */
export const CHANNEL_COLUMNS = `c.id, c.handle, c.name, c.description, c.category, c.langs, c.verified, c.photo,
  c.followers_shown, c.followers_at, c.posts, c.last_preview, c.last_ts, c.targeted,
  (SELECT 1 FROM follows f WHERE f.user_id = ? AND f.channel_id = c.id) AS following,
  (SELECT 1 FROM channel_blocks b WHERE b.user_id = ? AND b.channel_id = c.id) AS blocked,
  (SELECT 1 FROM channel_admins a WHERE a.user_id = ? AND a.channel_id = c.id) AS admin,
  (SELECT f.muted FROM follows f WHERE f.user_id = ? AND f.channel_id = c.id) AS muted`

export const callerParams = (userId: string): Param[] => [userId, userId, userId, userId]

export const splitLangs = (langs: string): string[] => (langs ? langs.split(',') : [])

/** The stored list of targeted posts (the server's own JSON; anything else is taken as none). */
export function parseTargeted(json: string | null | undefined): TargetedPost[] {
  try {
    const v: unknown = JSON.parse(json || '[]')
    return Array.isArray(v) ? (v as TargetedPost[]) : []
  } catch {
    return []
  }
}

export function toChannel(r: ChannelRow, followers = Number(r.followers_shown), now = Date.now()): Channel {
  const muted = Number(r.muted ?? 0)
  const c: Channel = {
    id: r.id,
    handle: r.handle,
    name: r.name,
    description: r.description,
    category: r.category as ChannelCategory,
    langs: splitLangs(r.langs),
    verified: Number(r.verified) === 1,
    // the version (as a profile's): the content's name stays on the server
    photo: r.photo ? r.photo.slice(0, PROFILE_PHOTO_VERSION_CHARS) : null,
    followers: followers < 0 ? null : followers,
    following: r.following !== null && r.following !== undefined,
    blocked: r.blocked !== null && r.blocked !== undefined,
    admin: r.admin !== null && r.admin !== undefined,
    latest: {
      count: Number(r.posts ?? 0),
      preview: r.last_preview ?? '',
      ts: Number(r.last_ts ?? 0),
      targeted: parseTargeted(r.targeted),
    },
  }
  // the caller's own mute, while it lasts (a time past is no mute)
  if (isMuted(muted, now)) c.muted = muted
  return c
}

/** A channel that exists and is not disabled, as `userId` sees it; undefined otherwise. */
export function channelRow(q: Queryable, userId: string, id: string): Promise<ChannelRow | undefined> {
  return q.get<ChannelRow>(`SELECT ${CHANNEL_COLUMNS} FROM channels c WHERE c.id = ? AND c.disabled = 0`, [
    ...callerParams(userId),
    id,
  ])
}

/**
 * The customer groups `userId` is in, of the channels they follow (groups.ts), by channel: what
 * `Channel.groups` tells them, and nobody else.
 */
export async function myGroups(q: Queryable, userId: string): Promise<Map<string, MyChannelGroup[]>> {
  const rows = await q.all<{
    id: string
    channel_id: string
    name: string
    posts: number
    last_preview: string
    last_ts: number
  }>(
    `SELECT g.id, g.channel_id, g.name, g.posts, g.last_preview, g.last_ts
       FROM channel_group_members m JOIN channel_groups g ON g.id = m.group_id
       JOIN follows f ON f.user_id = m.user_id AND f.channel_id = g.channel_id
      WHERE m.user_id = ? ORDER BY g.created, g.id`,
    [userId],
  )
  const out = new Map<string, MyChannelGroup[]>()
  for (const r of rows) {
    const g: MyChannelGroup = {
      id: r.id,
      name: r.name,
      latest: { count: Number(r.posts), preview: r.last_preview, ts: Number(r.last_ts) },
    }
    const list = out.get(r.channel_id)
    if (list) list.push(g)
    else out.set(r.channel_id, [g])
  }
  return out
}

/** `c` with the caller's own groups of it, when they have any. */
export function withGroups(c: Channel, mine: Map<string, MyChannelGroup[]>): Channel {
  const groups = mine.get(c.id)
  return groups ? { ...c, groups } : c
}
