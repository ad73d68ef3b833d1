// A channel's pages `ch:<id>:<n>`: its posts, CHANNEL_PAGE_SIZE at a time. The channel's admins append
// posts (their own, with fresh ids, in the post grammar of protocol/channels.ts) and may retract any post
// of the page; no post is ever deleted, and nobody else writes anything: a follower's or a stranger's
// update is refused whole. A committed append moves the channel's running count, latest post and, when
// the page is full, its current page (effects.ts), at a cost that does not depend on its followers. A
// post's coupon must be one of the channel's own: looked up when the update names it (coupons/facts.ts);
// so must a photo or video post's blob be an upload for this channel (media/facts.ts), which a committed
// post names in blob_refs under the channel's id (effects.ts): what lets anyone signed in fetch it and
// keeps it from the collector. A retraction drops that row, as a chat message's retraction does.
import type * as Y from 'yjs'
import {
  CHANNEL_PAGE_HARD_LIMIT,
  CHANNEL_PAGE_SIZE,
  CHANNEL_ROOTS,
  channelHeadDoc,
  checkPost,
  checkPostEdit,
  parseChannelDoc,
  postPreview,
  TARGETED_KEPT,
  type ChannelPost,
  type TargetedPost,
} from '../../../protocol/channels.ts'
import { CLOSE, NOT_ADMIN, PAGE_CLOSED, PAGE_FULL } from '../../../protocol/wire.ts'
import type { DocKind, Refusal, RootRule, UpdateRules } from '../../sync/kind.ts'
import type { Batch } from '../../sync/commit.ts'
import type { SyncDoc } from '../../sync/doc.ts'
import { isPlain } from '../../sync/validate.ts'
import type { ChannelDomain } from '../domain.ts'
import type { ChannelEffects } from '../effects.ts'
import type { ChannelState } from '../state.ts'
import { CHANNEL_PAGE_ROOTS } from './roots.ts'
import { channelAccess } from './access.ts'
import { couponMismatch, loadCouponChannels, type CouponLookup } from '../../coupons/facts.ts'
import { channelMediaMismatch, readBlobFacts, type BlobLookup } from '../../media/facts.ts'
import type { BlobRef } from '../../media/refs.ts'

/** What an update's second validation has: the coupons and the blobs its posts name. */
export interface PostFacts {
  coupons: CouponLookup
  blobs: BlobLookup
}

export interface PageKey {
  channelId: string
  page: number
}
export interface PageState {
  channel: ChannelState
  /** the ids of the page's posts, built on first use, dropped when the doc freezes */
  ids: Set<string> | null
}

/** The grammar of one update to a channel page by `userId`; once it passed, `appended` holds its new posts. */
export class PostGrammar implements UpdateRules<PostFacts> {
  readonly appended: ChannelPost[] = []
  /** ids of the posts whose retraction this update writes */
  readonly retracted = new Set<string>()
  private local = new Set<string>()
  /** coupon ids of the appended posts that `facts` does not tell the channel of yet */
  private lacking: string[] = []
  /** blob ids of the appended posts that `facts` has not looked up yet */
  private lackingBlobs: string[] = []
  private readonly posts: RootRule
  private readonly edits: RootRule

  constructor(
    userId: string,
    private doc: Y.Doc,
    private channel: ChannelState,
    private page: number,
    has: (id: string) => boolean,
    /** posts of the channel taken in the last minute, and how many it may post a minute (0: no limit) */
    private rate: { recent: () => number; perMinute: number },
    /** the channels of the coupons and the blobs this update names, once looked up for it */
    private lookups: {
      facts: PostFacts | undefined
      loadCoupons: (ids: string[]) => Promise<CouponLookup>
      loadBlobs: (ids: string[]) => Promise<BlobLookup>
    },
  ) {
    const admin = () => channel.admins.has(userId)
    this.posts = {
      type: 'array',
      undeletable: 'posts cannot be deleted',
      append: (values, fresh) => {
        if (!admin()) return NOT_ADMIN
        for (const v of values) {
          const err = checkPost(v, userId)
          if (err) return err
          if (!isPlain(v)) return 'post is not a plain object'
        }
        for (const v of values.slice(values.length - fresh)) {
          const p = v as ChannelPost
          // an id names one post: a retraction finds its target by it
          if (this.local.has(p.id) || has(p.id)) return 'post id is taken'
          this.appended.push(p)
          this.local.add(p.id)
        }
        // what the update says of values the server holds is not judged: it names no post
        return null
      },
    }
    this.edits = {
      type: 'map',
      // a retraction stays
      delete: 'overwrite',
      entry: (key, values, fresh) => {
        if (!admin()) return NOT_ADMIN
        if (!this.local.has(key) && !has(key)) return 'retracts only posts of this page'
        for (const value of values) {
          const err = checkPostEdit(value)
          if (err) return err
        }
        if (fresh && values.length > 0) this.retracted.add(key)
        return null
      },
    }
  }

  root(name: string): RootRule | undefined {
    if (name === CHANNEL_ROOTS.page.posts) return this.posts
    if (name === CHANNEL_ROOTS.page.edits) return this.edits
    return undefined
  }

  finish(): Refusal | null {
    const n = this.appended.length
    if (n === 0) return null
    const c = this.channel
    if (c.disabled) return { code: CLOSE.FORBIDDEN, reason: 'channel is disabled' }
    if (this.page < c.page - 1) return { code: CLOSE.REFUSED, reason: PAGE_CLOSED }
    if (this.doc.getArray(CHANNEL_ROOTS.page.posts).length + n > CHANNEL_PAGE_HARD_LIMIT)
      return { code: CLOSE.REFUSED, reason: PAGE_FULL }
    const { perMinute } = this.rate
    if (perMinute > 0 && this.rate.recent() + n > perMinute)
      return { code: CLOSE.SLOW_DOWN, reason: `a channel posts at most ${perMinute} times a minute` }
    this.lacking = []
    this.lackingBlobs = []
    const facts = this.lookups.facts
    for (const p of this.appended) {
      if (p.langs?.some((l) => !c.langs.includes(l)))
        return { code: CLOSE.REFUSED, reason: 'a post is for languages the channel does not post in' }
      if (p.media) {
        const blob = facts?.blobs.get(p.media.id)
        if (blob === undefined) this.lackingBlobs.push(p.media.id)
        else {
          const err = channelMediaMismatch(p.media, c.channelId, blob)
          if (err) return { code: CLOSE.REFUSED, reason: err }
        }
      }
      if (!p.coupon) continue
      const owner = facts?.coupons.get(p.coupon.id)
      if (owner === undefined) {
        this.lacking.push(p.coupon.id)
        continue
      }
      const err = couponMismatch(c.channelId, owner)
      if (err) return { code: CLOSE.REFUSED, reason: err }
    }
    return null
  }

  lacks(): (() => Promise<PostFacts>) | null {
    if (this.lacking.length === 0 && this.lackingBlobs.length === 0) return null
    const coupons = [...new Set(this.lacking)]
    const blobs = [...new Set(this.lackingBlobs)]
    return async () => ({
      coupons: await this.lookups.loadCoupons(coupons),
      blobs: await this.lookups.loadBlobs(blobs),
    })
  }
}

/** The ids of the page's posts (built on first use). */
export function pageIds(doc: SyncDoc<PageKey, PageState>): Set<string> {
  if (!doc.state.ids) {
    const set = new Set<string>()
    for (const p of doc.ydoc.getArray<{ id?: unknown }>(CHANNEL_ROOTS.page.posts).toArray())
      if (p && typeof p.id === 'string') set.add(p.id)
    doc.state.ids = set
  }
  return doc.state.ids
}

/**
 * What appended and retracted posts change in the channel: count, latest post, roll-over to the next
 * page; a retraction of the latest post empties the head's preview. For an admin's update once applied,
 * and for the server's own append of a scheduled post (publish.ts).
 */
export function recordPosts(
  channels: ChannelDomain,
  effects: ChannelEffects,
  doc: SyncDoc<PageKey, PageState>,
  appended: readonly ChannelPost[],
  retracted: ReadonlySet<string>,
  batch: Batch,
): void {
  const c = doc.state.channel
  const page = doc.key.page
  // the blobs the posts name, and the retracted posts that name them no more: stored with the posts
  const refs: BlobRef[] = [
    ...appended.flatMap((p) => (p.media ? [{ convId: c.id, page, msgId: p.id, blobId: p.media.id, on: true }] : [])),
    ...[...retracted].map((msgId) => ({ convId: c.id, page, msgId, blobId: '', on: false })),
  ]
  const hidesLast = (): boolean => c.lastId !== '' && retracted.has(c.lastId) && c.lastPreview !== ''
  const hidesTargeted = (): boolean => c.targeted.some((t) => !t.retracted && retracted.has(t.id))
  const shown = appended.length > 0 || hidesLast() || hidesTargeted()
  if (!shown && refs.length === 0) return
  if (appended.length > 0) {
    for (const p of appended) doc.state.ids?.add(p.id)
    channels.states.posted(c.channelId, appended.length)
    // a post for some languages takes its place among all the posts (a reader's unread count is a
    // position) but is the head's latest only for those readers
    const targeted: TargetedPost[] = []
    appended.forEach((p, i) => {
      if (p.langs) targeted.push({ id: p.id, pos: c.count + i, langs: p.langs, preview: postPreview(p), ts: p.ts, kind: p.kind })
    })
    if (targeted.length) c.targeted = [...c.targeted, ...targeted].slice(-TARGETED_KEPT)
    c.count += appended.length
    const last = appended.findLast((p) => !p.langs)
    if (last) {
      c.lastPreview = postPreview(last)
      c.lastTs = last.ts
      c.lastKind = last.kind
      c.lastId = last.id
    }
    if (page === c.page) {
      c.pageLen = doc.ydoc.getArray(CHANNEL_ROOTS.page.posts).length
      if (c.pageLen >= CHANNEL_PAGE_SIZE) {
        c.page = page + 1
        c.pageLen = 0
      }
    }
  }
  if (hidesLast()) c.lastPreview = ''
  if (hidesTargeted()) c.targeted = c.targeted.map((t) => (retracted.has(t.id) ? { ...t, preview: '', retracted: true } : t))
  const part = batch.part(effects)
  part.refs.push(...refs)
  part.retracted(c, retracted)
  if (!shown) return
  part.record(c)
  if (appended.length > 0) part.posted(c, appended)
}

export function channelPageKind(channels: ChannelDomain, effects: ChannelEffects): DocKind<PageKey, PageState, PostFacts> {
  return {
    name: 'channelPage',
    // an admin must not see who reads the channel (docs/protocol.md, "Awareness")
    ownAwareness: true,
    match(name) {
      const p = parseChannelDoc(name)
      return p?.kind === 'channelPage' ? { channelId: p.channelId, page: p.page } : null
    },
    roots: () => CHANNEL_PAGE_ROOTS,
    group: (key) => channelHeadDoc(key.channelId),
    // a page after the current one does not exist yet
    access: (userId, key) => channelAccess(channels, key.channelId, userId, (c) => key.page <= c.page),
    async open(key) {
      const channel = await channels.states.acquire(key.channelId)
      return channel ? { channel, ids: null } : null
    },
    release: (key) => channels.states.release(key.channelId),
    loaded(doc) {
      const c = doc.state.channel
      if (doc.key.page === c.page) c.pageLen = Math.max(c.pageLen, doc.ydoc.getArray(CHANNEL_ROOTS.page.posts).length)
    },
    frozen(doc) {
      doc.state.ids = null
    },
    closed: (doc) => doc.key.page < doc.state.channel.page,
    rules(doc, userId, facts) {
      const g = new PostGrammar(
        userId,
        doc.ydoc,
        doc.state.channel,
        doc.key.page,
        (id) => pageIds(doc).has(id),
        // a channel's posts to its groups count with its own
        { recent: () => channels.states.postsLastMinute(doc.state.channel.channelId), perMinute: channels.postsPerMinute },
        {
          facts,
          loadCoupons: (couponIds) => loadCouponChannels(channels.db, couponIds),
          loadBlobs: (blobIds) => readBlobFacts(channels.db, blobIds),
        },
      )
      return Object.assign(g, {
        applied: (batch: Batch) => recordPosts(channels, effects, doc, g.appended, g.retracted, batch),
        // a follower writes nothing here, not even structs that carry nothing
        readOnly: !doc.state.channel.admins.has(userId),
      })
    },
  }
}
