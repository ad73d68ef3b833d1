// What a committed batch changes in the chats beyond their documents, as one commit participant
// (server/sync/commit.ts): new current pages and read positions are written in the batch's own
// transaction, and so are the hidden ranges of blocks (hidden.ts) and the blobs media messages name
// (server/media/refs.ts) and the uses of link messages' share tickets (server/apps/uses.ts); the relational mirror of each chat's
// latest message and page length at most every mirrorMs (mirror.ts); once committed, the members' inbox entries and, after a roll-over, the head's
// meta follow (inbox-writer.ts, head-meta.ts).
import type { ChatMessage } from '../../protocol/messages.ts'
import type { Db, Tx } from '../db/db.ts'
import { statementChunks } from '../db/chunks.ts'
import type { Batch, CommitParticipant } from '../sync/commit.ts'
import type { SyncDoc } from '../sync/doc.ts'
import type { ChatDomain } from './domain.ts'
import { entryHolders } from './convs.ts'
import { writeHidden, type HiddenRow } from './hidden.ts'
import { MirrorChanges } from './mirror.ts'
import { writeBlobRefs, type BlobRef } from '../media/refs.ts'
import { writeLinkUses, type LinkUse } from '../apps/uses.ts'

/** A batch's share of the chats. */
export class ChatBatch {
  /** the chats' latest messages and page lengths this batch changes (written when the mirror is due) */
  readonly mirror = new MirrorChanges()
  /** conv → new current page */
  readonly pages = new Map<string, number>()
  /** `${conv}:${user}` → read position */
  readonly reads = new Map<string, { conv: string; user: string; pos: number }>()
  /** channel chat → the read position its channel's admins share */
  readonly channelReads = new Map<string, number>()
  /** conv → all its hidden ranges (they replace the stored ones) */
  readonly hidden = new Map<string, HiddenRow[]>()
  /** `${conv}:${page}:${msg}` → the blob a media message names, and whether it still does (retracted: no) */
  readonly refs = new Map<string, BlobRef>()
  /** conv → the texts of the messages this batch appends, oldest first (a push looks for mentions in all) */
  readonly texts = new Map<string, string[]>()
  /** conv → the last message this batch appends (for its push: read back from a long page, it costs a walk) */
  readonly latest = new Map<string, ChatMessage>()
  /** chats whose message of `latest` landed before the page's end: `mirror.last` is their older, unchanged one */
  offTail: Set<string> | null = null
  /** the link messages this batch appends: their tickets' uses and the apps' webhook calls */
  readonly links: LinkUse[] = []
  /** set once the batch's transaction committed */
  committed = false
}

const NOTHING = new MirrorChanges()

/**
 * Told of every committed batch of the chats, after the inbox and head writes are queued (server/push/
 * queues notifications from it). It runs on the commit's path: it must only take note and return.
 */
export type CommittedListener = (part: ChatBatch, chats: ChatDomain) => void

export class ChatEffects implements CommitParticipant<ChatBatch> {
  /** mirror values of committed batches, not written yet */
  private mirror = new MirrorChanges()
  /** what the transaction under way writes of the mirror, null when it is not due */
  private writing: MirrorChanges | null = null
  /** performance.now() from which the next commit writes the mirror */
  private mirrorAt = 0
  private forced = false
  private timer: NodeJS.Timeout | null = null
  /** see CommittedListener */
  readonly listeners: CommittedListener[] = []

  constructor(
    private chats: ChatDomain,
    private mirrorMs: number,
    private mirrorMark = true,
  ) {}

  create(): ChatBatch {
    return new ChatBatch()
  }

  async write(q: Tx, dialect: Db['dialect'], part: ChatBatch | undefined, flush: boolean): Promise<void> {
    if (part) writePagesAndReads(q, dialect, part)
    // a closed page's final length goes with the commit that closes it
    const due = flush || this.forced || (part?.pages.size ?? 0) > 0 || performance.now() >= this.mirrorAt
    this.writing = due ? this.mirror.with(part?.mirror ?? NOTHING) : null
    if (!this.writing) return
    this.forced = false
    if (this.mirrorMark || !this.writing.empty) this.writing.write(q, dialect, this.mirrorMark)
  }

  committed(part: ChatBatch | undefined): void {
    if (part) part.committed = true
    if (this.writing) {
      this.mirror = new MirrorChanges()
      this.mirrorAt = performance.now() + this.mirrorMs
      this.writing = null
    } else if (part) {
      this.mirror.merge(part.mirror)
    }
    this.arm()
    if (!part) return
    const { convs, inbox, meta } = this.chats
    for (const conv of part.mirror.last.keys()) {
      const c = convs.cached(conv)
      if (c) inbox.touch(conv, entryHolders(c))
    }
    for (const r of part.reads.values()) inbox.touch(r.conv, [r.user])
    // the read position a channel's admins share: every admin's entry shows it
    for (const conv of part.channelReads.keys()) {
      const c = convs.cached(conv)
      if (c?.channel) inbox.touch(conv, c.channel.admins)
    }
    for (const conv of part.pages.keys()) void meta.writeFor(conv)
    for (const fn of this.listeners) fn(part, this.chats)
  }

  failed(docs: ReadonlySet<SyncDoc>): void {
    this.writing = null
    this.arm()
    // the chats' cached state may be ahead of what is stored: read it again (a chat document's group is its chat)
    for (const d of docs) {
      const conv = d.kind.group?.(d.key)
      if (conv) void this.chats.convs.refresh(conv, true).catch(() => {})
    }
  }

  pending(): boolean {
    return !this.mirror.empty
  }

  /** A page's length as committed but not mirrored into conv_pages yet (0 when the tables are current). */
  unmirroredLength(convId: string, page: number): number {
    return this.mirror.pageLengths.get(`${convId}:${page}`)?.length ?? 0
  }

  drained(): void {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
  }

  /** An idle server writes what the mirror still lacks once it is due. */
  private arm(): void {
    if (this.mirror.empty || this.timer) return
    this.timer = setTimeout(
      () => {
        this.timer = null
        if (this.mirror.empty) return
        this.forced = true
        this.chats.engine.commit.batch()
      },
      Math.max(0, this.mirrorAt - performance.now()),
    )
    this.timer.unref()
  }
}

/** The chats' share of `batch`, created on first use. */
export const chatBatch = (batch: Batch, effects: ChatEffects): ChatBatch => batch.part(effects)

// One statement per table and chunk, not one per conversation: a batch under load touches hundreds of
// conversations, and every statement is one more for the database to parse and plan (all of them are
// queued: on Postgres they go out with the commit). VALUES columns are named column1..N in both SQLite and
// Postgres; the casts tell Postgres the parameters' types.
function writePagesAndReads(q: Tx, dialect: Db['dialect'], b: ChatBatch): void {
  for (const [conv, page] of b.pages) {
    q.queue('UPDATE convs SET page = ? WHERE id = ? AND page < ?', [page, conv, page])
    q.queue('INSERT INTO conv_pages (conv_id, page, length) VALUES (?, ?, 0) ON CONFLICT (conv_id, page) DO NOTHING', [
      conv,
      page,
    ])
  }
  // below SQLite's parameter limit; few distinct SQL texts on SQLite, few statements for Postgres to parse and plan
  for (const part of statementChunks(dialect, [...b.reads.values()], 128)) {
    q.queue(
      'UPDATE members SET read_pos = v.column3 FROM (VALUES ' +
        part.map(() => '(?, ?, CAST(? AS BIGINT))').join(', ') +
        ') AS v WHERE members.conv_id = v.column1 AND members.user_id = v.column2 AND members.read_pos < v.column3',
      part.flatMap((r) => [r.conv, r.user, r.pos]),
    )
  }
  for (const [conv, pos] of b.channelReads)
    q.queue('UPDATE convs SET channel_read = ? WHERE id = ? AND channel_read < ?', [pos, conv, pos])
  writeHidden(q, dialect, b.hidden)
  if (b.refs.size) writeBlobRefs(q, dialect, b.refs.values())
  if (b.links.length) writeLinkUses(q, b.links)
}
