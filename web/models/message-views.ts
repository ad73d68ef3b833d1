// What a chat screen shows of each message: its text after edits, whether the server has it yet, and
// how many members have not read it.
import type * as Y from 'yjs'
import { PAGE_STRIDE } from '../../protocol/limits.ts'
import { edited, messageItems, reactionsByMessage, systemLines, type MessageItem, type ReactionCount } from '../kinds/page.ts'
import type { MediaRef, SystemLine } from '../../protocol/messages.ts'
import type { LinkPayload } from '../../protocol/link.ts'
import type { Page } from './conversation-pages.ts'

export interface MessageView {
  id: string
  from: string
  ts: number
  body: string
  replyTo?: string
  /** a photo, video, voice note or file (then `body` is its caption) */
  media?: MediaRef
  /** a Sori Link card (then `body` is empty) */
  link?: LinkPayload
  page: number
  index: number
  edited: boolean
  retracted: boolean
  /** mine only: 'waiting' until the server's ack (or its sync state vector) covers it */
  state: 'waiting' | 'sent'
  /** members other than the author whose read position does not cover it */
  unread: number
  /** reactions in REACTIONS order, each with its count and whether one is mine */
  reactions: ReactionCount[]
  /**
   * a group's system line (who was invited, left, was removed, renamed it) rather than a message: `from`
   * is who did it, `index` the message it follows (so that reading it reads up to there), never unread
   */
  system?: SystemLine
}

/**
 * For a message at read position `key` by `from`: how many members other than its author have not read
 * it. `firstPage`: a member who joined late never sees the pages before theirs, so those count as read.
 */
export function unreadCounter(
  members: readonly string[],
  reads: Y.Map<number>,
  firstPage: (id: string) => number = () => 0,
): (key: number, from: string) => number {
  const memberSet = new Set(members)
  const positionOf = (m: string): number => Math.max(reads.get(m) ?? 0, firstPage(m) * PAGE_STRIDE)
  const positions = members.map(positionOf).sort((a, b) => a - b)
  return (key, from) => {
    // members whose position is <= key have not read the message at key
    let lo = 0,
      hi = positions.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (positions[mid] <= key) lo = mid + 1
      else hi = mid
    }
    const authorUnread = memberSet.has(from) && positionOf(from) <= key ? 1 : 0
    return lo - authorUnread
  }
}

const NONE: ReactionCount[] = []

function lineView(p: Page, line: SystemLine): MessageView {
  return {
    id: line.id,
    from: line.actor,
    ts: line.ts,
    body: '',
    page: p.n,
    index: line.at - 1,
    edited: false,
    retracted: false,
    state: 'sent',
    unread: 0,
    reactions: NONE,
    system: line,
  }
}

function viewOf(
  p: Page,
  item: MessageItem,
  userId: string,
  unread: (key: number, from: string) => number,
  reactions: Map<string, ReactionCount[]>,
  blocked: string | undefined,
): MessageView {
  const { value: m, client, clock, index } = item
  // as first written: a blocked person's edits could otherwise carry to me what they write meanwhile
  const shown = edited(m, m.from === blocked ? undefined : p.edits.get(m.id))
  const v: MessageView = {
    id: m.id,
    from: m.from,
    ts: m.ts,
    body: shown.body,
    page: p.n,
    index,
    edited: shown.edited,
    retracted: shown.retracted,
    state: m.from !== userId || p.ref.isAcked(client, clock) ? 'sent' : 'waiting',
    unread: unread(p.n * PAGE_STRIDE + index, m.from),
    reactions: reactions.get(m.id) ?? NONE,
  }
  if (m.replyTo) v.replyTo = m.replyTo
  if (m.media) v.media = m.media
  if (m.link) v.link = m.link
  return v
}

function sameView(a: MessageView, b: MessageView): boolean {
  return (
    a.body === b.body &&
    a.page === b.page &&
    a.index === b.index &&
    a.state === b.state &&
    a.unread === b.unread &&
    a.edited === b.edited &&
    a.retracted === b.retracted &&
    a.ts === b.ts &&
    a.system === b.system &&
    sameReactions(a.reactions, b.reactions)
  )
}

function sameReactions(a: ReactionCount[], b: ReactionCount[]): boolean {
  return (
    a.length === b.length && a.every((r, i) => r.reaction === b[i].reaction && r.count === b[i].count && r.mine === b[i].mine)
  )
}

/**
 * The views of every message of `pages` (oldest first), as user `userId` sees them. `known` holds the
 * views handed out before: an unchanged message keeps its object, so the UI can skip re-rendering it.
 * `blocked`: the other member of a direct chat while `userId` blocks them: their edits and reactions are
 * left out (their messages written meanwhile are hidden by the caller).
 */
export function messageViews(
  pages: readonly Page[],
  userId: string,
  unread: (key: number, from: string) => number,
  known: Map<string, MessageView>,
  blocked?: string,
): MessageView[] {
  const out: MessageView[] = []
  for (const p of pages) {
    const reactions = p.reacts.size > 0 ? reactionsByMessage(p.reacts, userId, blocked) : new Map<string, ReactionCount[]>()
    const lines = p.sys.length > 0 ? systemLines(p.sys) : []
    let next = 0
    const push = (v: MessageView): void => {
      // by page and id: an id is unique within its page only
      const key = `${v.page}:${v.id}`
      const old = known.get(key)
      if (old && sameView(old, v)) out.push(old)
      else {
        out.push(v)
        known.set(key, v)
      }
    }
    for (const item of messageItems(p.msgs)) {
      while (next < lines.length && lines[next].at <= item.index) push(lineView(p, lines[next++]))
      push(viewOf(p, item, userId, unread, reactions, blocked))
    }
    while (next < lines.length) push(lineView(p, lines[next++]))
  }
  return out
}
