// Web Push (docs/protocol.md, "Notifications (Web Push)"): the keys, the sender and the endpoints.
import type { Db } from '../db/db.ts'
import type { ChatSync } from '../chats/sync.ts'
import { onChannelPosts } from '../channels/sync.ts'
import { loadVapidKeys } from './keys.ts'
import { pushOptions, type PushOptions } from './options.ts'
import { PushService } from './service.ts'

export type { PushOptions } from './options.ts'
export type { PushService, PushStats } from './service.ts'
export { createPushHandler } from './http.ts'

/** Loads (or makes) the VAPID keys and hooks the sender to the commits of chats and of channel posts. */
export async function startPush(db: Db, sync: ChatSync, over: Partial<PushOptions> = {}): Promise<PushService> {
  const opts = pushOptions(over)
  const push = new PushService(db, await loadVapidKeys(db, opts), opts, sync.homes)
  sync.onCommitted(push.committed)
  onChannelPosts(sync, push.channelPosted)
  return push
}
