// The channel domain on the sync engine: its two document kinds (head, page), what their commits
// change (effects.ts), and `changed` for the JSON API.
import type { Db } from '../db/db.ts'
import { CHANNEL_POSTS_PER_MINUTE, channelHeadDoc } from '../../protocol/channels.ts'
import { envInt } from '../config.ts'
import type { SyncEngine } from '../sync/types.ts'
import type { ChannelDomain } from './domain.ts'
import { ChannelEffects, type ChannelPostListener } from './effects.ts'
import { HeadWriter } from './head-writer.ts'
import { ChannelStates } from './state.ts'
import { Scheduler } from './scheduled.ts'
import { channelHeadKind } from './docs/head.ts'
import { channelPageKind } from './docs/page.ts'
import { registerPublish } from './publish.ts'
import { readsGroup } from './group-members.ts'
import { CLOSE } from '../../protocol/wire.ts'

export interface ChannelSync {
  /**
   * A channel's relational state changed (renamed, a new photo, admins added or removed): re-reads it into the
   * cached state the documents check posts against, and writes its head's `meta` (after the commit).
   */
  changed(channelId: string): Promise<void>
  /** publishes scheduled posts when due (scheduled.ts) */
  scheduler: Scheduler
  /** Adds a listener told after every `changed` (the chats with the channel follow it). */
  onChanged(fn: (channelId: string) => Promise<void>): void
  /**
   * A customer group's people changed, or it was deleted: the sockets to its feed of whoever may not
   * read it now close with 4403, on the node that holds the feed.
   */
  groupChanged(groupId: string): Promise<void>
}

/**
 * The listeners of committed posts per engine: the push sender starts apart from the API that attaches
 * the channels, in either order.
 */
const postListeners = new WeakMap<SyncEngine, ChannelPostListener[]>()
const listenersOf = (engine: SyncEngine): ChannelPostListener[] => {
  let l = postListeners.get(engine)
  if (!l) postListeners.set(engine, (l = []))
  return l
}

/** Tells `listener` of every committed batch's latest post per channel that is not an ad (effects.ts). */
export function onChannelPosts(engine: SyncEngine, listener: ChannelPostListener): void {
  listenersOf(engine).push(listener)
}

/** The channel domain attached to each engine: the media endpoints reach `changed` through it (channel photos). */
const attached = new WeakMap<SyncEngine, ChannelSync>()

/** What attachChannels made for `engine`; undefined before it ran. */
export const channelSyncOf = (engine: SyncEngine): ChannelSync | undefined => attached.get(engine)

/** Registers the channel document kinds and their commit effects on `engine` (before it serves anything). */
export function attachChannels(engine: SyncEngine, db: Db): ChannelSync {
  const channels: ChannelDomain = {
    engine,
    db,
    states: new ChannelStates(db),
    heads: new HeadWriter(engine),
    postsPerMinute: envInt('SORI_CHANNEL_POSTS_PER_MINUTE', CHANNEL_POSTS_PER_MINUTE),
  }
  const effects = new ChannelEffects(channels, listenersOf(engine))
  engine.participate(effects)
  engine.register(channelHeadKind(channels))
  engine.register(channelPageKind(channels, effects))
  const scheduler = new Scheduler(channels, envInt('SORI_SCHEDULE_TICK_MS', 15_000))
  scheduler.start()
  engine.onClose(() => scheduler.stop())
  const changedListeners: ((channelId: string) => Promise<void>)[] = []
  registerPublish(channels, effects)
  // the channel's state and head are on the node that owns the channel (sync/homes.ts)
  engine.homes.handle('channel.changed', async ([channelId]) => {
    if (channels.states.cached(channelId)) await channels.states.refresh(channelId)
    await channels.heads.writeFor(channelId)
    // its customer groups' feeds have its name, admins and state too. Every one is written, loaded or
    // not: writing only the loaded ones would tell an admin, by the server's writes in a group's head,
    // whether one of its listed people has the feed open (docs/protocol.md, "Customer groups")
    const groups = await db.all<{ id: string }>('SELECT id FROM channel_groups WHERE channel_id = ?', [channelId])
    for (const { id } of groups) {
      if (channels.states.cached(id)) await channels.states.refresh(id)
      await channels.heads.writeFor(id)
    }
  })
  engine.homes.handle('channel.group', async ([groupId]) => {
    const feed = channels.states.cached(groupId)
    if (!feed) return
    const exists = !!(await db.get('SELECT 1 AS x FROM channel_groups WHERE id = ?', [groupId]))
    // deleted: what stays cached while its documents unload opens to nobody and takes no post
    if (!exists) feed.disabled = true
    for (const doc of engine.docs.inGroup(channelHeadDoc(groupId)))
      for (const conn of [...doc.conns])
        if (!exists || !(await readsGroup(db, feed, conn.userId))) conn.close(CLOSE.FORBIDDEN, 'not in this group')
  })
  const sync: ChannelSync = {
    async groupChanged(groupId) {
      if (engine.closing) return
      await engine.homes.run(channelHeadDoc(groupId), 'channel.group', [groupId])
    },
    scheduler,
    async changed(channelId) {
      if (engine.closing) return
      await engine.homes.run(channelHeadDoc(channelId), 'channel.changed', [channelId])
      for (const fn of changedListeners) await fn(channelId)
    },
    onChanged(fn) {
      changedListeners.push(fn)
    },
  }
  attached.set(engine, sync)
  return sync
}
