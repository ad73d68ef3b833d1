// The key of the per-app hash of a chat's id that an app's webhook is told (docs/protocol.md, "Sori
// Link"): made on first use and kept in the database (link_keys), so that every node of a cluster gives
// an app the same id for the same chat, and no app can compute another's ids or reverse one.
import { createHmac, randomBytes } from 'node:crypto'
import type { Queryable } from '../db/db.ts'

export type ChatHasher = (appId: string, convId: string) => string

export async function loadChatHasher(db: Queryable): Promise<ChatHasher> {
  const read = () => db.get<{ seed: string }>('SELECT seed FROM link_keys WHERE id = 1')
  let row = await read()
  if (!row) {
    // nodes starting at once: the first insert wins and everyone reads it back
    await db.run('INSERT INTO link_keys (id, seed, created) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING', [
      randomBytes(32).toString('base64url'),
      Date.now(),
    ])
    row = await read()
    if (!row) throw new Error('the link key could not be stored')
  }
  const key = Buffer.from(row.seed, 'base64url')
  return (appId, convId) => createHmac('sha256', key).update(`${appId}\n${convId}`).digest('hex')
}
