// What a chat screen shows of each message: its text after edits, whether the server has it yet, and
// how many members have not read it.
import type * as Y from 'yjs'
import { PAGE_STRIDE } from '../../protocol/limits.ts'
import { edited, messageItems, type MessageItem } from '../kinds/page.ts'
import type { Page } from './conversation-pages.ts'

export interface MessageView {
  id: string
  from: string
  ts: number
  body: string
  replyTo?: string
  page: number
  index: number
  edited: boolean
  retracted: boolean
  /** mine only: 'waiting' until the server's ack (or its sync state vector) covers it */
  state: 'waiting' | 'sent'
  /** members other than the author whose read position does not cover it */
  unread: number
}

/** For a message at read position `key` by `from`: how many members other than its author have not read it. */
export function unreadCounter(members: readonly string[], reads: Y.Map<number>): (key: number, from: string) => number {
  const memberSet = new Set(members)
  const positions = members.map((m) => reads.get(m) ?? 0).sort((a, b) => a - b)
  return (key, from) => {
    // members whose position is <= key have not read the message at key
    let lo = 0,
      hi = positions.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (positions[mid] <= key) lo = mid + 1
      else hi = mid
    }
    const authorUnread = memberSet.has(from) && (reads.get(from) ?? 0) <= key ? 1 : 0
    return lo - authorUnread
  }
}

function viewOf(p: Page, item: MessageItem, userId: string, unread: (key: number, from: string) => number): MessageView {
  const { value: m, client, clock, index } = item
  const shown = edited(m, p.edits.get(m.id))
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
  }
  if (m.replyTo) v.replyTo = m.replyTo
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
    a.ts === b.ts
  )
}

/**
 * The views of every message of `pages` (oldest first), as user `userId` sees them. `known` holds the
 * views handed out before: an unchanged message keeps its object, so the UI can skip re-rendering it.
 */
export function messageViews(
  pages: readonly Page[],
  userId: string,
  unread: (key: number, from: string) => number,
  known: Map<string, MessageView>,
): MessageView[] {
  const out: MessageView[] = []
  for (const p of pages) {
    for (const item of messageItems(p.msgs)) {
      const v = viewOf(p, item, userId, unread)
      const old = known.get(v.id)
      if (old && sameView(old, v)) out.push(old)
      else {
        out.push(v)
        known.set(v.id, v)
      }
    }
  }
  return out
}
