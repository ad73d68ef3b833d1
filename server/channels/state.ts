// What the sync server keeps about a channel while any of its documents is loaded: who its admins are
// (checked on every post), whether it is open, and the running count, current page and latest post that
// its head shows. The relational tables stay the truth: the count and page are written in the commit of
// the posts (effects.ts), and the API's changes re-read the rest (ChannelStates.refresh). A customer
// group's feed (groups.ts) is kept the same way: its own count, page and latest post, its channel's
// name, admins and state.
import type { Db } from '../db/db.ts'
import type { PostKind, TargetedPost } from '../../protocol/channels.ts'
import { parseTargeted, splitLangs } from './view.ts'

export interface ChannelState {
  /** the feed's id: its documents are ch:<id>… */
  id: string
  /** the channel: `id` itself, or the channel a customer group's feed belongs to */
  channelId: string
  /** a customer group's feed: who may read it is the group's (docs/access.ts) */
  group: boolean
  handle: string
  name: string
  /** the photo's content (sha256); the head shows its version */
  photo: string | null
  verified: boolean
  disabled: boolean
  admins: Set<string>
  /** the languages it posts in: a post's `langs` must be among them */
  langs: string[]
  /** the current page */
  page: number
  /** posts in the current page */
  pageLen: number
  /** posts ever written */
  count: number
  lastPreview: string
  lastTs: number
  lastKind: PostKind | ''
  /** the latest post's id: retracting it empties the preview */
  lastId: string
  /** the latest posts for some languages only (TARGETED_KEPT), oldest first */
  targeted: TargetedPost[]
}

interface ChannelRow {
  handle: string
  name: string
  photo: string | null
  verified: number
  disabled: number
  page: number
  page_len: number
  posts: number
  last_preview: string
  last_ts: number
  last_kind: string
  last_id: string
  langs: string
  targeted: string
}

const FEED_COLUMNS = 'page, page_len, posts, last_preview, last_ts, last_kind, last_id, targeted'

/** A channel's feed, or a customer group's (its counts, with its channel's name, admins and state). */
export async function readChannel(db: Db, id: string): Promise<ChannelState | null> {
  let channelId = id
  let c = await db.get<ChannelRow>(
    `SELECT handle, name, photo, verified, disabled, langs, ${FEED_COLUMNS} FROM channels WHERE id = ?`,
    [id],
  )
  if (!c) {
    c = await db.get<ChannelRow & { channel_id: string }>(
      `SELECT g.channel_id, c.handle, c.name, c.photo, c.verified, c.disabled, c.langs, ${FEED_COLUMNS.split(', ')
        .map((k) => `g.${k}`)
        .join(', ')}
       FROM channel_groups g JOIN channels c ON c.id = g.channel_id WHERE g.id = ?`,
      [id],
    )
    if (!c) return null
    channelId = (c as ChannelRow & { channel_id: string }).channel_id
  }
  const admins = await db.all<{ user_id: string }>('SELECT user_id FROM channel_admins WHERE channel_id = ?', [channelId])
  return {
    id,
    channelId,
    group: channelId !== id,
    handle: c.handle,
    name: c.name,
    photo: c.photo || null,
    verified: Number(c.verified) === 1,
    disabled: Number(c.disabled) === 1,
    admins: new Set(admins.map((a) => a.user_id)),
    langs: splitLangs(c.langs),
    page: Number(c.page),
    pageLen: Number(c.page_len),
    count: Number(c.posts),
    lastPreview: c.last_preview,
    lastTs: Number(c.last_ts),
    lastKind: c.last_kind as PostKind | '',
    lastId: c.last_id,
    targeted: parseTargeted(c.targeted),
  }
}

const MINUTE_MS = 60_000

export class ChannelStates {
  private cache = new Map<string, { state: ChannelState; refs: number }>()
  private loading = new Map<string, Promise<ChannelState | null>>()
  /**
   * channel → times (ms) of its posts of the last minute, for the rate limit. Kept apart from the
   * cache so that closing every socket (and so unloading the channel) does not reset it.
   */
  private recent = new Map<string, number[]>()
  private sweptAt = 0

  constructor(private db: Db) {}

  /** How many posts of the channel this server took in the last minute. */
  postsLastMinute(id: string, now = Date.now()): number {
    const times = (this.recent.get(id) ?? []).filter((t) => t > now - MINUTE_MS)
    if (times.length) this.recent.set(id, times)
    else this.recent.delete(id)
    return times.length
  }

  /** Records `n` posts of the channel, now. */
  posted(id: string, n: number, now = Date.now()): void {
    const times = this.recent.get(id) ?? []
    for (let i = 0; i < n; i++) times.push(now)
    this.recent.set(id, times)
    // channels that stopped posting leave: once a minute, forget whoever posted nothing in the last one
    if (now - this.sweptAt < MINUTE_MS) return
    this.sweptAt = now
    for (const [channel, list] of this.recent) if (list[list.length - 1] <= now - MINUTE_MS) this.recent.delete(channel)
  }

  cached(id: string): ChannelState | undefined {
    return this.cache.get(id)?.state
  }

  /** Holds the channel in the cache until `release`; null when there is no such channel. */
  async acquire(id: string): Promise<ChannelState | null> {
    const c = this.cache.get(id)
    if (c) {
      c.refs++
      return c.state
    }
    let p = this.loading.get(id)
    if (!p) {
      p = readChannel(this.db, id).finally(() => this.loading.delete(id))
      this.loading.set(id, p)
    }
    const state = await p
    if (!state) return null
    const again = this.cache.get(id)
    if (again) {
      again.refs++
      return again.state
    }
    this.cache.set(id, { state, refs: 1 })
    return state
  }

  release(id: string): void {
    const c = this.cache.get(id)
    if (c && --c.refs <= 0) this.cache.delete(id)
  }

  /**
   * Re-reads a cached channel in place: its name, photo, admins, state (after an API change), and, after
   * a failed commit (`failed`), also its count and page, which memory may hold of updates that are gone.
   */
  async refresh(id: string, failed = false): Promise<ChannelState | null> {
    const fresh = await readChannel(this.db, id)
    const c = this.cache.get(id)
    if (!c || !fresh) return fresh
    const s = c.state
    s.handle = fresh.handle
    s.name = fresh.name
    s.photo = fresh.photo
    s.verified = fresh.verified
    s.disabled = fresh.disabled
    s.admins = fresh.admins
    s.langs = fresh.langs
    if (failed) {
      s.page = fresh.page
      s.pageLen = fresh.pageLen
      s.count = fresh.count
      s.lastPreview = fresh.lastPreview
      s.lastTs = fresh.lastTs
      s.lastKind = fresh.lastKind
      s.lastId = fresh.lastId
      s.targeted = fresh.targeted
    }
    return s
  }
}
