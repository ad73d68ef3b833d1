// The checks the channel API runs before it acts: the channel exists (and is not disabled), the caller
// is one of its admins.
import { ENTITY_ID_RE } from '../../protocol/limits.ts'
import type { Queryable } from '../db/db.ts'
import { forbidden, notFound } from '../http/errors.ts'

export const noChannel = () => notFound('No such channel.')

/** The channel must exist and not be disabled; 404 otherwise. */
export async function requireChannel(q: Queryable, id: string): Promise<void> {
  if (!ENTITY_ID_RE.test(id) || !(await q.get('SELECT 1 AS x FROM channels WHERE id = ? AND disabled = 0', [id])))
    throw noChannel()
}

/** The channel must exist and have `userId` as an admin: 404, then 403. */
export async function requireAdmin(q: Queryable, userId: string, id: string): Promise<void> {
  await requireChannel(q, id)
  if (!(await q.get('SELECT 1 AS x FROM channel_admins WHERE channel_id = ? AND user_id = ?', [id, userId])))
    throw forbidden("Only the channel's admins can do that.")
}

/**
 * Serializes changes to one channel's admins inside a transaction: on Postgres the row lock keeps two
 * admins who remove each other at the same moment from leaving the channel with none (SQLite runs one
 * writing transaction at a time anyway).
 */
export const lockChannel = (q: Queryable, id: string) => q.run('UPDATE channels SET id = id WHERE id = ?', [id])
