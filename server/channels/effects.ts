// What committed posts change beyond their pages, as one commit participant (server/sync/commit.ts):
// the channel's running count, current page and latest post are written in the posts' own transaction
// (so the count a head shows is never ahead of or behind the posts stored), and so are the blobs its photo
// and video posts name (blob_refs, keyed by the feed's id: the channel's, or a customer group's), then its
// head's `meta` follows. Each post appended to a channel's own feed (ads too, a group's not) gets its row
// of counters in channel_posts, in the same transaction (insights.ts counts its views and taps there).
// O(1) per channel and O(posts) per batch: followers are neither written nor even looked up. Once
// committed, the batch's latest post of each channel that is not an ad (and its latest for each set of
// languages posts were targeted at) is told to the listeners of posts (the push sender,
// server/push/channel-lane.ts), which page through the followers later, off this path.
import type { Db, Tx } from '../db/db.ts'
import { parseChannelDoc, postPreview, type ChannelPost, type TargetedPost } from '../../protocol/channels.ts'
import type { CommitParticipant } from '../sync/commit.ts'
import { writeBlobRefs, type BlobRef } from '../media/refs.ts'
import type { SyncDoc } from '../sync/doc.ts'
import type { ChannelDomain } from './domain.ts'
import type { ChannelState } from './state.ts'

interface Snapshot {
  page: number
  pageLen: number
  count: number
  preview: string
  ts: number
  kind: string
  lastId: string
  targeted: TargetedPost[]
  /** a customer group's feed: its row is in channel_groups */
  group: boolean
}

/** A committed post, as the listeners of posts are told of it: never an ad. */
export interface ChannelPostNotice {
  channel: string
  /** the channel's name as the post was taken */
  name: string
  post: string
  author: string
  kind: ChannelPost['kind']
  /** postPreview: '' for a photo or video without a caption */
  preview: string
  /** the post is for followers in these languages only (ChannelPost.langs) */
  langs?: string[]
  /** the post is in this customer group's feed: for its people who follow the channel only */
  group?: string
}

/** Posts for the same readers replace each other's pushes; posts for other readers do not. */
export const noticeKey = (n: Pick<ChannelPostNotice, 'channel' | 'langs' | 'group'>): string =>
  `${n.channel}\n${n.group ?? ''}\n${n.langs?.join(',') ?? ''}`

/** An appended post as channel_posts keeps it: no author, no reader. */
interface CountedPost {
  channel: string
  post: string
  ts: number
  kind: ChannelPost['kind']
  preview: string
}

/** Rows of one INSERT into channel_posts: 5 parameters each, well under either database's limit. */
const COUNTED_ROWS_PER_INSERT = 100

export type ChannelPostListener = (notices: ChannelPostNotice[]) => void

/** A batch's share of the channels: channel id → its state after the batch. */
export class ChannelBatch {
  readonly channels = new Map<string, Snapshot>()
  /** noticeKey → the latest post of the batch for those readers that may be pushed (not an ad) */
  readonly posts = new Map<string, ChannelPostNotice>()
  /** scheduled posts (their ids) the server appended in this batch: marked sent in its transaction */
  readonly published: string[] = []
  /** the blobs the batch's posts name (or, retracted, no longer name), under their feed's id */
  readonly refs: BlobRef[] = []
  /** every post the batch appends to a channel's own feed, ads too: its row of counters (channel_posts) */
  readonly counted: CountedPost[] = []
  /** channel id → posts of its own feed the batch retracts: their counters' preview is emptied */
  readonly uncounted = new Map<string, string[]>()

  /**
   * Notes the channel's newest appended post that is not an ad (advertising is never pushed), and its
   * newest for each set of languages posts were targeted at.
   */
  posted(c: ChannelState, appended: readonly ChannelPost[]): void {
    // a group's posts get no counters: its readers are a list the admins wrote, so a view counted there
    // could tell them whether one listed person follows and reads (docs/protocol.md, "Customer groups")
    if (!c.group)
      for (const x of appended)
        this.counted.push({ channel: c.channelId, post: x.id, ts: x.ts, kind: x.kind, preview: postPreview(x) })
    for (const p of appended) {
      if (p.ad === true) continue
      const n: ChannelPostNotice = {
        channel: c.channelId,
        name: c.name,
        post: p.id,
        author: p.from,
        kind: p.kind,
        preview: postPreview(p),
      }
      if (p.langs) n.langs = p.langs
      if (c.group) n.group = c.id
      this.posts.set(noticeKey(n), n)
    }
  }

  /** Notes posts of the channel's own feed that the batch retracts (a group's have no counters). */
  retracted(c: ChannelState, ids: ReadonlySet<string>): void {
    if (c.group || ids.size === 0) return
    const list = this.uncounted.get(c.channelId) ?? []
    list.push(...ids)
    this.uncounted.set(c.channelId, list)
  }

  record(c: ChannelState): void {
    this.channels.set(c.id, {
      page: c.page,
      pageLen: c.pageLen,
      count: c.count,
      preview: c.lastPreview,
      ts: c.lastTs,
      kind: c.lastKind,
      lastId: c.lastId,
      targeted: c.targeted,
      group: c.group,
    })
  }
}

export class ChannelEffects implements CommitParticipant<ChannelBatch> {
  constructor(
    private channels: ChannelDomain,
    /** told of the posts of each committed batch (sync.ts onChannelPosts) */
    private listeners: readonly ChannelPostListener[] = [],
  ) {}

  create(): ChannelBatch {
    return new ChannelBatch()
  }

  async write(q: Tx, dialect: Db['dialect'], part: ChannelBatch | undefined): Promise<void> {
    if (!part) return
    writeBlobRefs(q, dialect, part.refs)
    for (const [id, s] of part.channels)
      q.queue(
        `UPDATE ${s.group ? 'channel_groups' : 'channels'} SET page = ?, page_len = ?, posts = ?, last_preview = ?, last_ts = ?, last_kind = ?, last_id = ?, targeted = ? WHERE id = ? AND posts <= ?`,
        [s.page, s.pageLen, s.count, s.preview, s.ts, s.kind, s.lastId, JSON.stringify(s.targeted), id, s.count],
      )
    for (const id of part.published) q.queue("UPDATE channel_scheduled SET state = 'sent' WHERE id = ?", [id])
    for (let i = 0; i < part.counted.length; i += COUNTED_ROWS_PER_INSERT) {
      const rows = part.counted.slice(i, i + COUNTED_ROWS_PER_INSERT)
      // a post the server appends again (a scheduled one whose commit is retried) keeps its counters
      q.queue(
        `INSERT INTO channel_posts (channel_id, post_id, ts, kind, preview) VALUES ${rows.map(() => '(?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT (channel_id, post_id) DO NOTHING`,
        rows.flatMap((r) => [r.channel, r.post, r.ts, r.kind, r.preview]),
      )
    }
    // the statistics show a retracted post as the head does: without its words
    for (const [channel, ids] of part.uncounted)
      for (let i = 0; i < ids.length; i += COUNTED_ROWS_PER_INSERT) {
        const chunk = ids.slice(i, i + COUNTED_ROWS_PER_INSERT)
        q.queue(
          `UPDATE channel_posts SET preview = '' WHERE channel_id = ? AND post_id IN (${chunk.map(() => '?').join(', ')})`,
          [channel, ...chunk],
        )
      }
  }

  committed(part: ChannelBatch | undefined): void {
    if (!part) return
    for (const id of part.channels.keys()) void this.channels.heads.writeFor(id)
    if (part.posts.size === 0) return
    const notices = [...part.posts.values()]
    for (const l of this.listeners) l(notices)
  }

  failed(docs: ReadonlySet<SyncDoc>): void {
    // the cached count and page may be of updates that are gone: read them again (a channel doc's group
    // is its head's name, channelGroup)
    for (const d of docs) {
      const id = parseChannelDoc(d.kind.group?.(d.key) ?? '')?.channelId
      if (id && this.channels.states.cached(id)) void this.channels.states.refresh(id, true).catch(() => {})
    }
  }
}
