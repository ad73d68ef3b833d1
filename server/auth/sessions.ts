// Sessions: one row per signed-in device.
import type { Db, Queryable } from '../db/db.ts'
import type { Authenticate } from '../sync/types.ts'
import { TOKEN_RE, hashToken, newToken } from './tokens.ts'
import { forgetSubscriptions, forgetUserSubscriptions } from '../push/forget.ts'

/** `seen` is refreshed at most this often, so authenticating stays a read. */
const SEEN_EVERY_MS = 5 * 60_000

export async function createSession(q: Queryable, userId: string, device: string): Promise<{ token: string; ended: string[] }> {
  const token = newToken()
  const now = Date.now()
  await q.run('INSERT INTO sessions (token_hash, user_id, device, created, seen) VALUES (?, ?, ?, ?, ?)', [
    hashToken(token),
    userId,
    device,
    now,
    now,
  ])
  return { token, ended: await trimSessions(q, userId) }
}

/**
 * An account is signed in on this many devices at most: signing in on one more signs out the one used
 * longest ago (a script signing in again and again would otherwise pile up sessions, each a token that
 * works until someone signs it out).
 */
export const MAX_SESSIONS = 50

/** Ends the sessions of `userId` past MAX_SESSIONS, least recently seen first; returns their ids. */
async function trimSessions(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q.all<{ token_hash: string }>(
    'SELECT token_hash FROM sessions WHERE user_id = ? ORDER BY seen DESC, created DESC',
    [userId],
  )
  const ended = rows.slice(MAX_SESSIONS).map((r) => r.token_hash)
  for (const id of ended) await q.run('DELETE FROM sessions WHERE token_hash = ?', [id])
  await forgetSubscriptions(q, ended)
  return ended
}

/** Who a token belongs to; null when it is malformed, unknown or signed out. Used by the API and the sync server. */
export function createAuthenticate(db: Db): Authenticate {
  return async (token) => {
    if (typeof token !== 'string' || !TOKEN_RE.test(token)) return null
    const sessionId = hashToken(token)
    const row = await db.get<{ user_id: string; seen: number }>('SELECT user_id, seen FROM sessions WHERE token_hash = ?', [
      sessionId,
    ])
    if (!row) return null
    const now = Date.now()
    if (now - Number(row.seen) > SEEN_EVERY_MS) {
      db.run('UPDATE sessions SET seen = ? WHERE token_hash = ?', [now, sessionId]).catch(() => {})
    }
    return { userId: row.user_id, sessionId }
  }
}

/** Deletes one session; returns the ids that were signed out. */
export async function endSession(db: Db, sessionId: string): Promise<string[]> {
  return db.tx(async (q) => {
    const r = await q.run('DELETE FROM sessions WHERE token_hash = ?', [sessionId])
    await forgetSubscriptions(q, [sessionId])
    return r.changes ? [sessionId] : []
  })
}

/** Deletes every session of a user; returns their ids. */
export async function endAllSessions(db: Db, userId: string): Promise<string[]> {
  return db.tx((q) => endSessionsIn(q, userId))
}

/** Deletes every session of `userId` inside the caller's transaction; returns the ids signed out. */
export async function endSessionsIn(q: Queryable, userId: string): Promise<string[]> {
  const rows = await q.all<{ token_hash: string }>('SELECT token_hash FROM sessions WHERE user_id = ?', [userId])
  await q.run('DELETE FROM sessions WHERE user_id = ?', [userId])
  await forgetUserSubscriptions(q, userId, null)
  return rows.map((r) => r.token_hash)
}
