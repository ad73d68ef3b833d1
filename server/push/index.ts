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
  const push = new PushService(db, await loadVapidKeys(db, opts), opts)
  sync.onCommitted(push.committed)
  // a subscription made on one node: every node's planning looks the user's devices up again
  sync.homes.handleAll('push.subscribed', async ([userId]) => push.subscribed(userId))
  sync.homes.onReconnect(() => push.forgetUnsubscribed())
  push.announce = (userId) => sync.homes.broadcast('push.subscribed', [userId])
  onChannelPosts(sync, push.channelPosted)
  return push
}
