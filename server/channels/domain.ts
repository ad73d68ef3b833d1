// What the channel domain's parts share: the engine, the database, the cache of channels, the commit
// effects of posts and the writer of the heads' `meta`.
import type { Db } from '../db/db.ts'
import type { SyncEngine } from '../sync/types.ts'
import type { ChannelStates } from './state.ts'
import type { HeadWriter } from './head-writer.ts'

export interface ChannelDomain {
  engine: SyncEngine
  db: Db
  states: ChannelStates
  heads: HeadWriter
  /** posts a channel may write a minute, all admins together (SORI_CHANNEL_POSTS_PER_MINUTE; 0: no limit) */
  postsPerMinute: number
}
