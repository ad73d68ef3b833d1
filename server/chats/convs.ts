// What the sync server needs to know about a conversation, cached while any of its documents is
// loaded: membership (checked at connect), the current page, page lengths and read positions (for
// unread counters), and blocks in direct chats. The relational tables stay the truth: every change
// goes through the group commit, and chatChanged() re-reads them.
import type { Db } from '../db/db.ts'
import { PAGE_STRIDE } from '../../protocol/limits.ts'

export interface ConvMember {
  name: string
  readPos: number
}

export interface ConvState {
  id: string
  kind: 'direct' | 'group'
  title: string
  page: number
  created: number
  members: Map<string, ConvMember>
  pageLengths: Map<number, number>
  /** direct chats: members whom the other member has blocked (they may not append) */
  blockedAuthors: Set<string>
  lastPreview: string
  lastFrom: string
  lastTs: number
}

/** Messages after read position `pos`, given every page's length. */
export function unreadCount(pageLengths: Map<number, number>, pos: number): number {
  let n = 0
  for (const [page, len] of pageLengths) {
    const start = page * PAGE_STRIDE
    if (start >= pos) n += len
    else if (start + len > pos) n += start + len - pos
  }
  return n
}

export async function readConv(db: Db, id: string): Promise<ConvState | null> {
  const c = await db.get<{
    kind: string
    title: string
    page: number
    created: number
    last_preview: string
    last_from: string
    last_ts: number
  }>('SELECT kind, title, page, created, last_preview, last_from, last_ts FROM convs WHERE id = ?', [id])
  if (!c) return null
  const [members, pages] = await Promise.all([
    db.all<{ user_id: string; read_pos: number; name: string }>(
      'SELECT m.user_id, m.read_pos, u.name FROM members m JOIN users u ON u.id = m.user_id WHERE m.conv_id = ?',
      [id],
    ),
    db.all<{ page: number; length: number }>('SELECT page, length FROM conv_pages WHERE conv_id = ?', [id]),
  ])
  const state: ConvState = {
    id,
    kind: c.kind === 'direct' ? 'direct' : 'group',
    title: c.title,
    page: Number(c.page),
    created: Number(c.created),
    members: new Map(members.map((m) => [m.user_id, { name: m.name, readPos: Number(m.read_pos) }])),
    pageLengths: new Map(pages.map((p) => [Number(p.page), Number(p.length)])),
    blockedAuthors: new Set(),
    lastPreview: c.last_preview,
    lastFrom: c.last_from,
    lastTs: Number(c.last_ts),
  }
  if (state.kind === 'direct' && members.length === 2) {
    const [a, b] = members.map((m) => m.user_id)
    const blocks = await db.all<{ user_id: string; friend_id: string }>(
      "SELECT user_id, friend_id FROM friends WHERE state = 'blocked' AND ((user_id = ? AND friend_id = ?) OR (user_id = ? AND friend_id = ?))",
      [a, b, b, a],
    )
    for (const r of blocks) state.blockedAuthors.add(r.friend_id)
  }
  return state
}

export class Convs {
  private cache = new Map<string, { state: ConvState; refs: number }>()
  private loading = new Map<string, Promise<ConvState | null>>()

  constructor(private db: Db) {}

  cached(id: string): ConvState | undefined {
    return this.cache.get(id)?.state
  }

  /** The conversation, from the cache or the database (not cached by this call). */
  get(id: string): Promise<ConvState | null> {
    const c = this.cache.get(id)
    if (c) return Promise.resolve(c.state)
    let p = this.loading.get(id)
    if (!p) {
      p = readConv(this.db, id).finally(() => this.loading.delete(id))
      this.loading.set(id, p)
    }
    return p
  }

  /** Holds the conversation in the cache until `release`. */
  async acquire(id: string): Promise<ConvState | null> {
    const c = this.cache.get(id)
    if (c) {
      c.refs++
      return c.state
    }
    const state = await this.get(id)
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

  /** Re-reads a cached conversation in place (after chatChanged, or a failed commit). */
  async refresh(id: string): Promise<ConvState | null> {
    const fresh = await readConv(this.db, id)
    const c = this.cache.get(id)
    if (!c || !fresh) return fresh
    // lengths in memory may be ahead of the table (uncommitted appends): keep the larger
    for (const [page, len] of c.state.pageLengths) fresh.pageLengths.set(page, Math.max(len, fresh.pageLengths.get(page) ?? 0))
    fresh.page = Math.max(fresh.page, c.state.page)
    Object.assign(c.state, fresh)
    return c.state
  }
}
