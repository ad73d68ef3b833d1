// What a committed batch of the chats means for pushes: per chat that got messages, its latest one and
// who wrote it. Taken from the batch on the commit's path (no I/O), acted on later (service.ts).
import { PAGE_STRIDE } from '../../protocol/limits.ts'
import { mentionPattern, messageText } from '../../protocol/messages.ts'
import type { ChatBatch } from '../chats/effects.ts'
import type { HiddenView } from '../chats/hidden.ts'
import { lastOf } from '../chats/mirror.ts'
import type { Latest } from './render.ts'

export interface Notice {
  conv: string
  author: string
  latest: Latest
  /** the latest message's read position (-1: unknown) */
  pos: number
  /** the texts of the chat's messages this batch committed, earlier ones too (a mention may be in any) */
  texts: string[]
}

export function noticesOf(part: ChatBatch): Notice[] {
  if (part.mirror.last.size === 0) return []
  // each chat's newest page this batch wrote, with its length
  const newest = new Map<string, { page: number; length: number }>()
  for (const p of part.mirror.pageLengths.values()) {
    const n = newest.get(p.conv)
    if (!n || p.page > n.page) newest.set(p.conv, { page: p.page, length: p.length })
  }
  const out: Notice[] = []
  for (const [conv, last] of part.mirror.last) {
    // only new messages are pushed: an edit or retraction of the latest one changes chat lists, not pushes
    const m = part.latest.get(conv)
    if (!m) continue
    const at = newest.get(conv)
    // a message that landed before the page's end is pushed as itself; the chat list keeps its older last one
    const latest: Latest = { last: part.offTail?.has(conv) ? lastOf(m) : last }
    let pos = -1
    if (at && at.length > 0) pos = at.page * PAGE_STRIDE + at.length - 1
    // as the batch appended it (the message `last` describes): read back from the page by index, Yjs walks
    // the page's items (on a page near its 1,000 messages that was a quarter of the server's CPU under
    // bench:delivery's load)
    latest.msg = { id: m.id, body: messageText(m), kind: m.kind, media: m.media }
    out.push({ conv, author: latest.last.from, latest, pos, texts: part.texts.get(conv) ?? [last.preview] })
  }
  return out
}

/** A viewer who blocked `author` sees nothing of what they write (server/chats/hidden.ts): no push either. */
export function hiddenFrom(v: HiddenView | undefined, author: string, pos: number): boolean {
  if (!v || v.author !== author) return false
  return v.ranges.some((r) => (r.to === null && (pos < 0 || pos >= r.from)) || (pos >= r.from && r.to !== null && pos < r.to))
}

/** Whether `body` names `handle` as `@handle` (not as part of a longer handle or an e-mail address). */
export function mentions(body: string, handle: string): boolean {
  if (!handle || !body.includes('@')) return false
  return mentionPattern(handle).test(body)
}
