// The signed-in devices of an account: one per session row.
import { createHash } from 'node:crypto'
import type { DeviceSession } from '../../protocol/api.ts'
import type { Queryable } from '../db/db.ts'
import { forgetSubscriptions, forgetUserSubscriptions } from '../push/forget.ts'

/**
 * The id a device is shown and signed out by. Derived from the session id rather than equal to it, so that
 * the list never hands out what the sync server keys its sockets on.
 */
export const deviceId = (sessionId: string): string =>
  createHash('sha256').update(`device:${sessionId}`).digest('base64url').slice(0, 22)

export async function listDevices(q: Queryable, userId: string, currentSessionId: string): Promise<DeviceSession[]> {
  const rows = await q.all<{ token_hash: string; device: string; created: number; seen: number; push: number }>(
    `SELECT s.token_hash, s.device, s.created, s.seen,
        CASE WHEN EXISTS (SELECT 1 FROM push_subs p WHERE p.session_id = s.token_hash) THEN 1 ELSE 0 END AS push
       FROM sessions s WHERE s.user_id = ? ORDER BY s.seen DESC, s.created DESC`,
    [userId],
  )
  const list = rows.map((r) => ({
    id: deviceId(r.token_hash),
    device: r.device,
    created: Number(r.created),
    seen: Number(r.seen),
    current: r.token_hash === currentSessionId,
    push: Number(r.push) === 1,
  }))
  // the device asking comes first: it is the one people look for
  return list.sort((a, b) => Number(b.current) - Number(a.current))
}

/** Deletes the session of `userId` shown as `id`; returns the session ids signed out (none when unknown). */
export async function endDevice(q: Queryable, userId: string, id: string): Promise<string[]> {
  const rows = await q.all<{ token_hash: string }>('SELECT token_hash FROM sessions WHERE user_id = ?', [userId])
  const hit = rows.find((r) => deviceId(r.token_hash) === id)
  if (!hit) return []
  const r = await q.run('DELETE FROM sessions WHERE token_hash = ? AND user_id = ?', [hit.token_hash, userId])
  await forgetSubscriptions(q, [hit.token_hash])
  return r.changes ? [hit.token_hash] : []
}

/** Deletes every session of `userId` but `keepSessionId`; returns the ids signed out. */
export async function endOtherSessions(q: Queryable, userId: string, keepSessionId: string): Promise<string[]> {
  const rows = await q.all<{ token_hash: string }>('SELECT token_hash FROM sessions WHERE user_id = ? AND token_hash <> ?', [
    userId,
    keepSessionId,
  ])
  await q.run('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?', [userId, keepSessionId])
  await forgetUserSubscriptions(q, userId, keepSessionId)
  return rows.map((r) => r.token_hash)
}
