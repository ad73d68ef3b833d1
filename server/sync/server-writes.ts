// The server's own writes: head doc `meta` and inbox `chats` entries. They go through the same
// pipeline as users' updates (applied, group-committed, then fanned out), with a clientID bound to
// the system user. Inbox writes for new messages and reads are coalesced and made only into loaded
// inbox docs; an inbox doc is reconciled with the relational data when it loads.
import * as Y from 'yjs'
import { headDoc, inboxDoc, parseDocName, ROOTS } from '../../protocol/docs.ts'
import type { InboxEntry } from '../../protocol/messages.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { SyncContext } from './context.ts'
import type { SyncDoc } from './doc.ts'
import { unreadCount, type ConvState } from './convs.ts'
import { PAGE_STRIDE } from '../../protocol/limits.ts'

export function entryFor(conv: ConvState, userId: string): InboxEntry | null {
  const me = conv.members.get(userId)
  if (!me) return null
  let peer: string | undefined
  let title = conv.title
  if (conv.kind === 'direct') {
    for (const [id, m] of conv.members) if (id !== userId) { peer = id; title = m.name }
  }
  const e: InboxEntry = {
    kind: conv.kind,
    title,
    preview: conv.lastPreview,
    from: conv.lastFrom,
    ts: conv.lastTs || conv.created,
    unread: unreadCount(conv.pageLengths, me.readPos),
    members: conv.members.size,
  }
  if (peer) e.peer = peer
  return e
}

const ENTRY_KEYS = ['kind', 'title', 'peer', 'preview', 'from', 'ts', 'unread', 'members'] as const
function sameEntry(a: unknown, b: InboxEntry): boolean {
  if (typeof a !== 'object' || a === null) return false
  const o = a as Record<string, unknown>
  if (Object.keys(o).length !== Object.keys(b).length) return false
  return ENTRY_KEYS.every((k) => o[k] === b[k])
}

const sameValue = (a: unknown, b: unknown): boolean =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b

interface InboxRow {
  id: string; kind: string; title: string; created: number; last_preview: string; last_from: string; last_ts: number
  read_pos: number; n: number; peer: string | null; peer_name: string | null; unread: unknown
}

export class ServerWriter {
  private dirty = new Map<string, Set<string>>()
  private timer: NodeJS.Timeout | null = null

  constructor(private ctx: SyncContext) {}

  /** Runs `fn` on the doc as the server (call from inside one of the doc's jobs) and queues the result for commit. */
  async write(doc: SyncDoc, fn: (y: Y.Doc) => void): Promise<void> {
    await this.ctx.serverReady
    if (doc.dead) return
    const y = doc.ydoc
    y.clientID = this.ctx.serverClient
    const updates: Uint8Array[] = []
    const h = (u: Uint8Array) => { updates.push(u) }
    y.on('update', h)
    try { y.transact(() => fn(y)) } finally { y.off('update', h) }
    for (const update of updates) this.ctx.commit.add({ doc, update, sender: null, ack: null, clients: [this.ctx.serverClient], receivedAt: 0 })
  }

  /** Writes the head doc's `meta` keys that differ from the conversation (inside a head doc job). */
  async writeMeta(doc: SyncDoc): Promise<void> {
    const conv = doc.conv
    if (!conv) return
    const meta = doc.ydoc.getMap(ROOTS.head.meta)
    const want: Record<string, unknown> = {
      kind: conv.kind, title: conv.title, members: [...conv.members.keys()].sort(), page: conv.page,
    }
    const diff = Object.entries(want).filter(([k, v]) => !sameValue(meta.get(k), v))
    if (diff.length) await this.write(doc, () => { for (const [k, v] of diff) meta.set(k, v) })
  }

  /** Brings every entry of an inbox doc in line with the relational data, in one query (inside a job). */
  async reconcileInbox(doc: SyncDoc): Promise<void> {
    if (doc.parsed.kind !== 'inbox') return
    const userId = doc.parsed.userId
    const rows = await this.ctx.db.all<InboxRow>(
      `SELECT c.id, c.kind, c.title, c.created, c.last_preview, c.last_from, c.last_ts, m.read_pos,
        (SELECT COUNT(*) FROM members x WHERE x.conv_id = c.id) AS n,
        (SELECT x.user_id FROM members x WHERE x.conv_id = c.id AND x.user_id <> m.user_id ORDER BY x.user_id LIMIT 1) AS peer,
        (SELECT u.name FROM members x JOIN users u ON u.id = x.user_id WHERE x.conv_id = c.id AND x.user_id <> m.user_id ORDER BY x.user_id LIMIT 1) AS peer_name,
        (SELECT COALESCE(SUM(CASE WHEN p.page * ${PAGE_STRIDE} >= m.read_pos THEN p.length
                                  WHEN p.page * ${PAGE_STRIDE} + p.length > m.read_pos THEN p.page * ${PAGE_STRIDE} + p.length - m.read_pos
                                  ELSE 0 END), 0) FROM conv_pages p WHERE p.conv_id = c.id) AS unread
       FROM members m JOIN convs c ON c.id = m.conv_id WHERE m.user_id = ?`, [userId])
    const want = new Map<string, InboxEntry>()
    for (const r of rows) {
      const cached = this.ctx.convs.cached(r.id)
      const e = cached ? entryFor(cached, userId) : rowEntry(r)
      if (e) want.set(r.id, e)
    }
    await this.applyEntries(doc, want, true)
  }

  private async applyEntries(doc: SyncDoc, want: Map<string, InboxEntry | null>, removeOthers: boolean): Promise<void> {
    const chats = doc.ydoc.getMap(ROOTS.inbox.chats)
    const sets: [string, InboxEntry][] = []
    const dels: string[] = []
    for (const [id, e] of want) {
      if (e === null) { if (chats.has(id)) dels.push(id) }
      else if (!sameEntry(chats.get(id), e)) sets.push([id, e])
    }
    if (removeOthers) for (const id of chats.keys()) if (!want.has(id)) dels.push(id)
    if (sets.length || dels.length) {
      await this.write(doc, () => {
        for (const [id, e] of sets) chats.set(id, e)
        for (const id of dels) chats.delete(id)
      })
    }
  }

  /** Marks conversations changed for these users' inbox docs (only loaded ones are written). */
  touch(convId: string, users: Iterable<string>): void {
    for (const u of users) {
      if (!this.ctx.docs.get(inboxDoc(u))) continue
      let s = this.dirty.get(u)
      if (!s) this.dirty.set(u, (s = new Set()))
      s.add(convId)
    }
    if (this.dirty.size && !this.timer) {
      this.timer = setTimeout(() => { this.timer = null; this.flushInbox() }, this.ctx.opts.inboxDelayMs)
      this.timer.unref()
    }
  }

  flushInbox(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null }
    const dirty = this.dirty
    this.dirty = new Map()
    for (const [user, convIds] of dirty) {
      const doc = this.ctx.docs.get(inboxDoc(user))
      if (!doc) continue
      doc.enqueue(async () => {
        const want = new Map<string, InboxEntry | null>()
        for (const id of convIds) {
          const conv = this.ctx.convs.cached(id) ?? (await this.ctx.convs.get(id))
          want.set(id, conv ? entryFor(conv, user) : null)
        }
        await this.applyEntries(doc, want, false)
      })
    }
  }

  /** See SyncServer.chatChanged. */
  async chatChanged(convId: string): Promise<void> {
    const ctx = this.ctx
    const before = ctx.convs.cached(convId)
    const previous = new Set(before ? before.members.keys() : [])
    const fresh = before ? await ctx.convs.refresh(convId) : await ctx.convs.get(convId)
    if (before && !fresh) before.members.clear()
    const members = fresh?.members ?? new Map()

    // head meta (loading the head doc reconciles it; a loaded one is rewritten)
    const name = headDoc(convId)
    const head = fresh ? await ctx.docs.acquire(name, parseDocName(name)!) : undefined
    if (head) {
      const old = head.ydoc.getMap(ROOTS.head.meta).get('members')
      if (Array.isArray(old)) for (const u of old) if (typeof u === 'string') previous.add(u)
      await new Promise<void>((resolve) => head.enqueue(async () => { try { await this.writeMeta(head) } finally { resolve() } }))
      await head.lastCommit
      ctx.docs.release(head)
    }

    // inbox entries of members and of those who left
    this.touch(convId, new Set([...members.keys(), ...previous]))
    this.flushInbox()

    // sockets of users who lost access
    for (const doc of ctx.docs.ofConv(convId)) {
      for (const c of doc.conns) {
        if (!members.has(c.userId)) c.close(CLOSE.FORBIDDEN, 'no longer a member of this chat')
        else if (doc.parsed.kind === 'page' && fresh?.blockedAuthors.has(c.userId)) c.close(CLOSE.FORBIDDEN, 'blocked by the other member')
      }
    }
  }
}

function rowEntry(r: InboxRow): InboxEntry {
  const e: InboxEntry = {
    kind: r.kind === 'direct' ? 'direct' : 'group',
    title: r.kind === 'direct' ? (r.peer_name ?? '') : r.title,
    preview: r.last_preview,
    from: r.last_from,
    ts: Number(r.last_ts) || Number(r.created),
    unread: Number(r.unread),
    members: Number(r.n),
  }
  if (r.kind === 'direct' && r.peer) e.peer = r.peer
  return e
}
