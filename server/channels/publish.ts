// The server appending a scheduled post to a channel's current page, in its author's name: the same
// checks an admin's own update meets (the author is still an admin, the channel is enabled, the grammar,
// the rate limit), the same effects on the head and the pushes, and the scheduled row marked sent in the
// post's own transaction (effects.ts), so that the post and "sent" are stored together or not at all.
import {
  CHANNEL_PAGE_HARD_LIMIT,
  CHANNEL_ROOTS,
  channelHeadDoc,
  channelPageDoc,
  checkPost,
  type ChannelPost,
} from '../../protocol/channels.ts'
import type { SyncDoc } from '../sync/doc.ts'
import type { ChannelDomain } from './domain.ts'
import type { ChannelEffects } from './effects.ts'
import { logger } from '../log.ts'
import { pageIds, recordPosts, type PageKey, type PageState } from './docs/page.ts'

/** published: in the commit now; exists: published before; later: over the rate limit; else why it never will be */
export type PublishOutcome = 'published' | 'exists' | 'later' | { failed: string }

const log = logger('channels')

/** What one try on a page gives; `null`: the page rolled over meanwhile, try the current one. */
type Try = PublishOutcome | null

/**
 * Publishes on the node that owns the channel (server/sync/homes.ts: its posting rate and pages are
 * there); an owner that cannot be reached now makes it 'later'.
 */
export async function publishAtOwner(channels: ChannelDomain, channelId: string, post: ChannelPost): Promise<PublishOutcome> {
  try {
    const v = await channels.engine.homes.run(channelHeadDoc(channelId), 'channel.publish', [channelId, JSON.stringify(post)])
    return typeof v === 'string' ? (JSON.parse(v) as PublishOutcome) : 'later'
  } catch (e) {
    log.error('publishing a scheduled post on its channel node failed', e, { channel: channelId })
    return 'later'
  }
}

/** What publishAtOwner asks the owner to do. */
export function registerPublish(channels: ChannelDomain, effects: ChannelEffects): void {
  channels.engine.homes.handle('channel.publish', async ([channelId, post]) =>
    JSON.stringify(await publishPost(channels, effects, channelId, JSON.parse(post) as ChannelPost)),
  )
}

export async function publishPost(
  channels: ChannelDomain,
  effects: ChannelEffects,
  channelId: string,
  post: ChannelPost,
): Promise<PublishOutcome> {
  const c = await channels.states.acquire(channelId)
  if (!c) return { failed: 'the channel is gone' }
  try {
    if (c.disabled) return { failed: 'the channel is disabled' }
    if (!c.admins.has(post.from)) return { failed: 'its author is no longer an admin of the channel' }
    const why = checkPost(post, post.from)
    if (why) return { failed: why }
    // the channel may have stopped posting in a language since
    if (post.langs?.some((l) => !c.langs.includes(l))) return { failed: 'it is for languages the channel does not post in' }
    // no blob of a scheduled post is checked or kept for it (scheduled-routes.ts refuses them)
    if (post.media) return { failed: 'a scheduled post carries no photo or video' }
    for (let tries = 0; tries < 3; tries++) {
      const outcome = await inPage(channels, channelPageDoc(channelId, c.page), async (doc) => {
        if (doc.key.page !== c.page) return null
        if (pageIds(doc).has(post.id)) return 'exists'
        const perMinute = channels.postsPerMinute
        if (perMinute > 0 && channels.states.postsLastMinute(channelId) + 1 > perMinute) return 'later'
        const posts = doc.ydoc.getArray<ChannelPost>(CHANNEL_ROOTS.page.posts)
        if (posts.length + 1 > CHANNEL_PAGE_HARD_LIMIT) return null
        let wrote = false
        await channels.engine.write(doc, () => {
          posts.push([post])
          // the batch the write joins: nothing between here and its commit.add yields
          const batch = channels.engine.commit.batch()
          recordPosts(channels, effects, doc, [post], new Set(), batch)
          batch.part(effects).published.push(post.id)
          wrote = true
        })
        // a document unloaded under the write, or a server closing: the next tick tries again
        return wrote ? 'published' : 'later'
      })
      if (outcome) return outcome
    }
    return { failed: 'the channel page kept rolling over' }
  } finally {
    channels.states.release(channelId)
  }
}

/** Runs `fn` as one job of the page document and waits for its answer. */
function inPage(channels: ChannelDomain, name: string, fn: (doc: SyncDoc<PageKey, PageState>) => Promise<Try>): Promise<Try> {
  return new Promise<Try>((resolve) => {
    const run = async (doc: SyncDoc) => {
      try {
        resolve(await fn(doc as SyncDoc<PageKey, PageState>))
      } catch (e) {
        log.error('publishing a scheduled post failed', e, { doc: name })
        resolve('later')
      }
    }
    // a page that cannot be loaded now (storage unavailable) is tried again at the next tick
    channels.engine.docs.inJob(name, run).then(
      (ok) => ok || resolve('later'),
      (e: unknown) => {
        log.error('loading a channel page for a scheduled post failed', e, { doc: name })
        resolve('later')
      },
    )
  })
}
