// Which messages name which blobs (blob_refs): what lets a member fetch a blob (access.ts) and what keeps
// it from the collector (collector.ts). The chat domain records a media message's reference in the same
// transaction as the message itself (server/chats/effects.ts), and drops it with the message's retraction;
// a channel post's reference is a row of the same kind under the channel's id (server/channels/effects.ts).
import type { Db, Tx } from '../db/db.ts'
import { statementChunks } from '../db/chunks.ts'

export interface BlobRef {
  /** the chat's id, or the channel's for a channel post (server/channels/effects.ts) */
  convId: string
  page: number
  msgId: string
  blobId: string
  /** false: the message was retracted, the reference goes */
  on: boolean
}

/** Writes the references' states, inside the caller's transaction (few statements, queued: on Postgres they go out with the commit). */
export function writeBlobRefs(q: Tx, dialect: Db['dialect'], refs: Iterable<BlobRef>): void {
  const all = [...refs]
  // below SQLite's parameter limit; few distinct SQL texts on SQLite, few statements for Postgres to parse and plan
  for (const part of statementChunks(
    dialect,
    all.filter((r) => r.on),
    64,
  )) {
    q.queue(
      'INSERT INTO blob_refs (conv_id, page, msg_id, blob_id) VALUES ' +
        part.map(() => '(?, ?, ?, ?)').join(', ') +
        ' ON CONFLICT (conv_id, page, msg_id) DO NOTHING',
      part.flatMap((r) => [r.convId, r.page, r.msgId, r.blobId]),
    )
  }
  for (const r of all)
    if (!r.on) q.queue('DELETE FROM blob_refs WHERE conv_id = ? AND page = ? AND msg_id = ?', [r.convId, r.page, r.msgId])
}
