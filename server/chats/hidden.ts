// Blocks in direct chats, as KakaoTalk has them: the blocked person notices nothing (their appends are
// taken, stored and acknowledged like anyone's), and what they write while blocked never reaches the
// blocker. Their messages are in the page docs (every member's copy of a Yjs document is the same), so
// the server tells the blocker's clients which to hide: per blocker ("viewer"), ranges of read positions
// in which the other member's messages are hidden, sent only in the viewer's own inbox entry. A range
// opens at the chat's end when the block begins and closes at the chat's end when it is lifted; what was
// written in between stays hidden. The viewer's inbox entry shows the newest message they can see, and
// their unread count leaves out hidden positions, so nothing moves in their chat list either.
//
// The ranges are kept in conv_hidden, cached in ConvState.hidden; every change to them is written by
// the group commit (ChatBatch.hidden: a conversation's rows, replaced whole), in order with the appends.
import type * as Y from 'yjs'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import { PAGE_STRIDE } from '../../protocol/limits.ts'
import type { ChatMessage, InboxEntry } from '../../protocol/messages.ts'
import type { Db, Tx } from '../db/db.ts'
import { statementChunks } from '../db/chunks.ts'
import { hasBlocked } from '../users/blocks.ts'
import { AsyncLock } from '../db/lock.ts'
import { logger } from '../log.ts'
import { lastMessage, type ConvState } from './convs.ts'
import type { ChatDomain } from './domain.ts'
import { chatBatch, type ChatEffects } from './effects.ts'
import { lastOf, storedMedia, type LastMessage } from './mirror.ts'

const log = logger('chats')

export interface HiddenRange {
  /** the viewer's unread count skips positions from here to `to`: their read position when the block began */
  skip: number
  /** the author's messages at read positions [from, to) are hidden from the viewer */
  from: number
  /** null while the block is on */
  to: number | null
}

/** What one member of a direct chat (the viewer, who blocked or blocks the other) does not see. */
export interface HiddenView {
  author: string
  /** ordered by `from`, their [from, to) parts disjoint */
  ranges: HiddenRange[]
  /** the newest message the viewer sees: their inbox entry's preview */
  last: LastMessage
}

const END = Number.MAX_SAFE_INTEGER
const endOf = (r: HiddenRange): number => r.to ?? END
const blocking = (v: HiddenView): boolean => v.ranges.some((r) => r.to === null)
const covering = (v: HiddenView, pos: number): number => v.ranges.findIndex((r) => r.from <= pos && pos < endOf(r))

/** The chat's end: the read position just past its newest message. */
export const chatEnd = (conv: ConvState): number => conv.page * PAGE_STRIDE + (conv.pageLengths.get(conv.page) ?? 0)

/** The inbox entry's `hidden` field for the viewer (only the parts that hide something). */
export function hiddenField(v: HiddenView): NonNullable<InboxEntry['hidden']> | null {
  const ranges = v.ranges.filter((r) => r.from < endOf(r)).map((r): [number, number | null] => [r.from, r.to])
  return ranges.length ? { author: v.author, ranges } : null
}

/**
 * The viewer's unread messages: those past read position `pos`, but for the positions their ranges skip
 * (hidden messages, and their own written meanwhile, and what was unread when they blocked).
 */
export function viewerUnread(pageLengths: Map<number, number>, pos: number, v: HiddenView): number {
  // the skipped positions as disjoint intervals
  const skipped: [number, number][] = []
  for (const r of [...v.ranges].sort((a, b) => a.skip - b.skip)) {
    const last = skipped[skipped.length - 1]
    if (last && r.skip <= last[1]) last[1] = Math.max(last[1], endOf(r))
    else skipped.push([r.skip, endOf(r)])
  }
  let n = 0
  for (const [page, len] of pageLengths) {
    const lo = Math.max(pos, page * PAGE_STRIDE)
    const hi = page * PAGE_STRIDE + len
    if (lo >= hi) continue
    n += hi - lo
    for (const [a, b] of skipped) n -= Math.max(0, Math.min(hi, b) - Math.max(lo, a))
  }
  return n
}

/** The block begins at `end`: opens a range (unless one is open). Returns whether anything changed. */
function openRange(conv: ConvState, viewer: string, author: string, end: number): boolean {
  let v = conv.hidden.get(viewer)
  if (v && blocking(v)) return false
  if (!v || v.author !== author) {
    v = { author, ranges: [], last: lastMessage(conv) }
    conv.hidden.set(viewer, v)
  }
  const readPos = conv.members.get(viewer)?.readPos ?? 0
  const skip = Math.min(readPos, end)
  const prev = v.ranges[v.ranges.length - 1]
  // blocked again before anything was written since the last unblock: the same range goes on
  if (prev && prev.to === end) Object.assign(prev, { skip: Math.min(prev.skip, skip), to: null })
  else v.ranges.push({ skip, from: end, to: null })
  return true
}

/** The block is lifted at `end`: closes the open range. Returns whether anything changed. */
function closeRange(conv: ConvState, viewer: string, end: number): boolean {
  const open = conv.hidden.get(viewer)?.ranges.find((r) => r.to === null)
  if (!open) return false
  open.to = Math.max(open.from, end)
  return true
}

/**
 * An append landed in page `page` (the server's copy, already applied): keeps every range on the same
 * messages (a message that arrives late, written offline, can land before others and move them), hides
 * the new messages of an author who is blocked now, and moves each viewer's newest visible message.
 * Returns whether anything changed.
 */
export function hiddenAfterAppend(conv: ConvState, page: number, msgs: Y.Array<unknown>, appended: ChatMessage[]): boolean {
  if (conv.hidden.size === 0 || appended.length === 0) return false
  const fresh = new Map(appended.map((m) => [m.id, m]))
  // where each new message landed, and how many of the messages held before precede it
  const placed: { pos: number; oldBefore: number; m: ChatMessage }[] = []
  let index = 0
  let old = 0
  for (let it = msgs._start; it; it = it.right) {
    if (it.deleted || !it.countable) continue
    for (const v of it.content.getContent() as { id?: unknown }[]) {
      const m = typeof v?.id === 'string' ? fresh.get(v.id) : undefined
      if (m) placed.push({ pos: page * PAGE_STRIDE + index, oldBefore: old, m })
      else old++
      index++
    }
  }
  const shift = (x: number): number => {
    if (Math.floor(x / PAGE_STRIDE) !== page) return x
    const i = x - page * PAGE_STRIDE
    return x + placed.filter((p) => p.oldBefore < i).length
  }
  let changed = false
  for (const v of conv.hidden.values()) {
    for (const r of v.ranges) {
      const [skip, from, to] = [shift(r.skip), shift(r.from), r.to === null ? null : shift(r.to)]
      if (skip !== r.skip || from !== r.from || to !== r.to) changed = true
      Object.assign(r, { skip, from, to })
    }
    const on = blocking(v)
    let lastSeen: ChatMessage | null = null
    // in the order they were written: the newest visible one becomes the preview
    for (const m of appended) {
      const p = placed.find((x) => x.m === m)
      if (!p) continue
      if (m.from !== v.author) lastSeen = m
      else if (on) changed = hide(v, p.pos) || changed
      else {
        changed = unhide(v, p.pos) || changed
        lastSeen = m
      }
    }
    if (lastSeen) {
      v.last = lastOf(lastSeen)
      changed = true
    }
  }
  return changed
}

/** A message written while blocked that landed outside the open range (before it): hidden all the same. */
function hide(v: HiddenView, pos: number): boolean {
  if (covering(v, pos) >= 0) return false
  const at = v.ranges.findIndex((r) => r.from > pos)
  v.ranges.splice(at < 0 ? v.ranges.length : at, 0, { skip: pos, from: pos, to: pos + 1 })
  return true
}

/** A message written after the block was lifted that landed inside a closed range: shown all the same. */
function unhide(v: HiddenView, pos: number): boolean {
  const i = covering(v, pos)
  if (i < 0) return false
  const r = v.ranges[i]
  const parts = [
    { skip: r.skip, from: r.from, to: pos },
    { skip: pos + 1, from: pos + 1, to: r.to },
  ].filter((x) => x.skip < endOf(x))
  v.ranges.splice(i, 1, ...parts)
  return true
}

// ---- storage -----------------------------------------------------------------------------------------

export interface HiddenRow {
  viewer: string
  author: string
  skip: number
  from: number
  to: number | null
  last: LastMessage
}

/** The conversation's rows, as the group commit writes them. */
export function hiddenRows(conv: ConvState): HiddenRow[] {
  const rows: HiddenRow[] = []
  for (const [viewer, v] of conv.hidden)
    for (const r of v.ranges) rows.push({ viewer, author: v.author, skip: r.skip, from: r.from, to: r.to, last: v.last })
  return rows
}

/** Replaces the stored rows of each conversation with these (inside the group commit's transaction). */
export function writeHidden(q: Tx, dialect: Db['dialect'], byConv: Map<string, HiddenRow[]>): void {
  for (const [conv, rows] of byConv) {
    q.queue('DELETE FROM conv_hidden WHERE conv_id = ?', [conv])
    for (const part of statementChunks(dialect, rows, 64)) {
      q.queue(
        'INSERT INTO conv_hidden (conv_id, viewer_id, author_id, skip_pos, from_pos, to_pos, last_preview, last_from, last_ts, last_media) VALUES ' +
          part.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', '),
        part.flatMap((r) => [
          conv,
          r.viewer,
          r.author,
          r.skip,
          r.from,
          r.to,
          r.last.preview,
          r.last.from,
          r.last.ts,
          r.last.media ?? '',
        ]),
      )
    }
  }
}

/**
 * The conversation's hidden ranges, from the database, into `conv.hidden`. A direct chat's blocks are the
 * truth about whether a range is open: a block without an open range (one from before ranges were kept,
 * a chat made after the block, a write that failed) opens one at the chat's end; an open range without a
 * block closes there. Such repairs are stored at once (with `repair`).
 */
export async function readHidden(db: Db, conv: ConvState, repair = true): Promise<void> {
  const rows = await db.all<{
    viewer_id: string
    author_id: string
    skip_pos: number
    from_pos: number
    to_pos: number | null
    last_preview: string
    last_from: string
    last_ts: number
    last_media: string
  }>(
    'SELECT viewer_id, author_id, skip_pos, from_pos, to_pos, last_preview, last_from, last_ts, last_media FROM conv_hidden WHERE conv_id = ? ORDER BY viewer_id, from_pos',
    [conv.id],
  )
  for (const r of rows) {
    let v = conv.hidden.get(r.viewer_id)
    if (!v) {
      const media = storedMedia(r.last_media)
      const last: LastMessage = { preview: r.last_preview, from: r.last_from, ts: Number(r.last_ts), ...(media ? { media } : {}) }
      v = { author: r.author_id, ranges: [], last }
      conv.hidden.set(r.viewer_id, v)
    }
    const to = r.to_pos === null ? null : Number(r.to_pos)
    v.ranges.push({ skip: Number(r.skip_pos), from: Number(r.from_pos), to })
  }
  if (!repair || conv.kind !== 'direct' || conv.members.size !== 2) return
  const [a, b] = [...conv.members.keys()]
  const blocks = await db.all<{ user_id: string; friend_id: string }>(
    "SELECT user_id, friend_id FROM friends WHERE state = 'blocked' AND ((user_id = ? AND friend_id = ?) OR (user_id = ? AND friend_id = ?))",
    [a, b, b, a],
  )
  const blockers = new Map(blocks.map((r) => [r.user_id, r.friend_id]))
  let repaired = false
  for (const [viewer, author] of blockers) repaired = openRange(conv, viewer, author, chatEnd(conv)) || repaired
  for (const viewer of conv.hidden.keys())
    if (!blockers.has(viewer)) repaired = closeRange(conv, viewer, chatEnd(conv)) || repaired
  if (repaired) await db.tx(async (q) => writeHidden(q, db.dialect, new Map([[conv.id, hiddenRows(conv)]])))
}

// ---- blocking and unblocking -------------------------------------------------------------------------

/** per chat: block changes one at a time, so that the last one read is the one applied */
const running = new WeakMap<ChatDomain, Map<string, AsyncLock>>()

/**
 * `viewer` blocked or unblocked `author` (after the relational commit), who share direct chat `convId`:
 * opens or closes the viewer's range at the chat's exact end, stores it through the group commit, and
 * rewrites the viewer's inbox entry (their unread count drops what they had not read). Nobody's
 * sockets are touched: the author notices nothing.
 */
export function blockChanged(
  chats: ChatDomain,
  effects: ChatEffects,
  convId: string,
  viewer: string,
  author: string,
): Promise<void> {
  let byConv = running.get(chats)
  if (!byConv) running.set(chats, (byConv = new Map()))
  let lock = byConv.get(convId)
  if (!lock) byConv.set(convId, (lock = new AsyncLock()))
  const held = lock
  const next = held.run(() => applyBlock(chats, effects, convId, viewer, author))
  // the lock's own count drops before this runs (its callbacks were registered first)
  const forget = () => {
    if (held.idle() && byConv.get(convId) === held) byConv.delete(convId)
  }
  next.then(forget, forget)
  return next
}

async function applyBlock(
  chats: ChatDomain,
  effects: ChatEffects,
  convId: string,
  viewer: string,
  author: string,
): Promise<void> {
  const { convs, engine } = chats
  const conv = await convs.acquire(convId)
  if (!conv) return
  try {
    if (conv.kind !== 'direct') return
    const blocked = await hasBlocked(chats.db, viewer, author)
    // the current page's exact length is its loaded document's (the relational copy may lag a second)
    let doc = null
    for (;;) {
      const page = conv.page
      doc = await engine.docs.acquire(pageDoc(convId, page))
      if (!doc || conv.page === page) break
      engine.docs.release(doc)
    }
    try {
      if (doc) conv.pageLengths.set(conv.page, doc.ydoc.getArray(ROOTS.page.msgs).length)
      const end = chatEnd(conv)
      const changed = blocked ? openRange(conv, viewer, author, end) : closeRange(conv, viewer, end)
      if (!changed) return
      const batch = engine.commit.batch()
      const part = chatBatch(batch, effects)
      part.hidden.set(convId, hiddenRows(conv))
      await batch.done
      if (!part.committed) {
        // the ranges in memory are ahead of the database: take the database's (repaired from the blocks)
        log.error('storing a block failed', undefined, { conv: convId })
        conv.hidden.clear()
        await readHidden(chats.db, conv)
      }
    } finally {
      if (doc) engine.docs.release(doc)
    }
  } finally {
    convs.release(convId)
  }
  chats.inbox.touch(convId, [viewer])
  chats.inbox.flush()
}
