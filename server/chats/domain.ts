// What the chat domain's parts share: the engine it plugs into, the database, the cache of
// conversations, and the writers of the server-written roots (inbox entries, head meta).
import type { Db } from '../db/db.ts'
import type { SyncEngine } from '../sync/types.ts'
import type { Convs } from './convs.ts'
import type { InboxWriter } from './inbox-writer.ts'
import type { HeadMeta } from './head-meta.ts'
import type { BlobFacts } from '../media/facts.ts'

export interface ChatOptions {
  /** how long inbox writes for new messages and read positions are coalesced, ms */
  inboxDelayMs: number
  /** how long the relational mirror of chats' latest messages and page lengths may lag (mirror.ts), ms */
  mirrorMs: number
  /**
   * With several nodes the mirror is written in every commit that changes it (mirrorMs 0) and needs no
   * mark: a single "mirrored up to" row written by every node's commits would serialize them all.
   */
  mirrorMark: boolean
}

export interface ChatDomain {
  engine: SyncEngine
  db: Db
  convs: Convs
  inbox: InboxWriter
  meta: HeadMeta
  /** the stored blobs that media messages name (server/media/facts.ts) */
  blobs: BlobFacts
  /**
   * characters of message text at which a page rolls over, and past which it takes no message
   * (PAGE_ROLL_TEXT_CHARS, PAGE_MAX_TEXT_CHARS; SORI_PAGE_ROLL_TEXT_CHARS, SORI_PAGE_MAX_TEXT_CHARS)
   */
  pageText: { roll: number; max: number }
}
