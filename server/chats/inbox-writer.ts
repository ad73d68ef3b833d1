// The server's writes into inbox docs: one `chats` entry per chat a user is in, from the conversation's
// cached state (or the relational tables). Writes for new messages and read positions are coalesced for
// inboxDelayMs and made only into loaded inbox docs; an inbox doc is reconciled in full when it loads.
import { inboxDoc, ROOTS } from '../../protocol/docs.ts'
import { UNTITLED_NAMES, type InboxEntry } from '../../protocol/messages.ts'
import { PAGE_STRIDE } from '../../protocol/limits.ts'
import type { SyncDoc } from '../sync/doc.ts'
import { answersFor, channelChatUser, lastMessage, unreadCount, type ConvState } from './convs.ts'
import { storedLastKind } from './mirror.ts'
import { groupPhotoVersion, profilePhotoVersion } from './store.ts'
import { hiddenField, viewerUnread } from './hidden.ts'
import type { ChatDomain } from './domain.ts'
import type { InboxKey } from './docs/inbox.ts'
import { logger } from '../log.ts'

const log = logger('chats')

/**
 * The chats with users an admin's inbox lists per channel when it loads: the latest ones. Older ones come
 * back when their user writes; all of them are in the channel's Chats list (GET /api/channels/:id/chats).
 */
export const ANSWERING_ENTRIES = 100

/**
 * The entry of a chat with a channel in the inbox of one of the channel's admins: the user who wrote to it,
 * with the unread count all its admins share. An empty chat, or one of a disabled channel, is not listed.
 */
function answererEntry(conv: ConvState, userId: string): InboxEntry | null {
  const ch = conv.channel
  const user = channelChatUser(conv)
  const member = user === undefined ? undefined : conv.members.get(user)
  if (!ch || ch.disabled || !user || !member || !answersFor(conv, userId) || !conv.lastTs) return null
  const last = lastMessage(conv)
  const e: InboxEntry = {
    kind: 'channel',
    title: member.name,
    peer: user,
    channel: ch.id,
    asChannel: ch.name,
    preview: last.preview,
    from: last.from,
    ts: last.ts,
    unread: unreadCount(conv.pageLengths, ch.read),
    members: conv.members.size,
  }
  if (last.media) e.media = last.media
  if (last.photos) e.photos = last.photos
  if (last.retracted) e.retracted = true
  const photo = profilePhotoVersion(member.photo)
  if (photo) e.photo = photo
  return e
}

export function entryFor(conv: ConvState, userId: string): InboxEntry | null {
  const me = conv.members.get(userId)
  if (!me) return answererEntry(conv, userId)
  // a 1:1 chat the other one opened is not on this one's list until it holds a message this one sees
  const hidden = conv.hidden.get(userId)
  if (conv.openedBy && conv.openedBy !== userId && (hidden ? !hidden.last.ts : !wroteSince(conv.pageLengths, 0))) return null
  let peer: string | undefined
  let title = conv.title
  let photo = groupPhotoVersion(conv.kind, conv.photo)
  // a chat with a channel shows the channel: its name and photo
  if (conv.channel) {
    title = conv.channel.name
    photo = profilePhotoVersion(conv.channel.photo)
  }
  if (conv.kind === 'direct') {
    for (const [id, m] of conv.members)
      if (id !== userId) {
        peer = id
        title = m.name
        photo = profilePhotoVersion(m.photo)
      }
    // the other one left, or deleted their account (name ''): the chat is still with them
    if (!peer)
      for (const [id, name] of conv.former)
        if (id !== userId) {
          peer = id
          title = name
        }
  }
  // someone who blocked the other member sees neither their messages since nor any sign of them
  let last = hidden?.last ?? lastMessage(conv)
  // nor does who joined a group see its latest message from before they came, until someone writes
  if (me.since && !wroteSince(conv.pageLengths, me.since)) last = { preview: '', from: '', ts: me.joined ?? 0 }
  const e: InboxEntry = {
    kind: conv.kind,
    title,
    preview: last.preview,
    from: last.from,
    ts: last.ts || conv.created,
    unread: hidden ? viewerUnread(conv.pageLengths, me.readPos, hidden) : unreadCount(conv.pageLengths, me.readPos),
    members: conv.members.size,
  }
  if (peer) e.peer = peer
  if (conv.kind === 'group' && !conv.title) e.names = untitledNames(conv, userId)
  if (conv.channel) e.channel = conv.channel.id
  if (last.media) e.media = last.media
  if (last.photos) e.photos = last.photos
  if (last.retracted) e.retracted = true
  if (photo) e.photo = photo
  const field = hidden && hiddenField(hidden)
  if (field) e.hidden = field
  const muted = mutedField(me.muted)
  if (muted) e.muted = muted
  return e
}

/** An untitled group's name for `userId`: its other members' names, who joined first first. */
function untitledNames(conv: ConvState, userId: string): string[] {
  const others = [...conv.members].filter(([id]) => id !== userId)
  others.sort(([a, x], [b, y]) => (x.joined ?? 0) - (y.joined ?? 0) || (a < b ? -1 : a > b ? 1 : 0))
  return others.slice(0, UNTITLED_NAMES).map(([, m]) => m.name)
}

/** A member's mute as the inbox entry's `muted` (undefined when not muted, or muted until a time past). */
const mutedField = (muted: number | undefined): number | undefined =>
  muted === -1 || (muted !== undefined && muted > Date.now()) ? muted : undefined

/** Whether a page from `since` on holds a message. */
function wroteSince(pageLengths: Map<number, number>, since: number): boolean {
  for (const [page, len] of pageLengths) if (page >= since && len > 0) return true
  return false
}

const ENTRY_KEYS = [
  'kind',
  'title',
  'peer',
  'channel',
  'preview',
  'from',
  'ts',
  'unread',
  'members',
  'media',
  'photo',
  'muted',
  'asChannel',
] as const
function sameEntry(a: unknown, b: InboxEntry): boolean {
  if (typeof a !== 'object' || a === null) return false
  const o = a as Record<string, unknown>
  if (Object.keys(o).length !== Object.keys(b).length) return false
  return (
    ENTRY_KEYS.every((k) => o[k] === b[k]) &&
    JSON.stringify(o.hidden) === JSON.stringify(b.hidden) &&
    JSON.stringify(o.names) === JSON.stringify(b.names)
  )
}

interface InboxRow {
  id: string
  kind: string
  title: string
  created: number
  last_preview: string
  last_from: string
  last_ts: number
  last_media: string
  photo: string
  read_pos: number
  since_page: number
  joined: number
  muted: number
  wrote_since: number
  n: number
  peer: string | null
  peer_name: string | null
  peer_photo: string | null
  unread: unknown
  /** the user blocks or blocked the other member: the entry needs the chat's hidden ranges */
  hides: unknown
  opened_by: string
}

/** Inbox doc names memoized at most (the memo starts over past it). */
const NAMES_MAX = 20_000

export class InboxWriter {
  private dirty = new Map<string, Set<string>>()
  private timer: NodeJS.Timeout | null = null
  /**
   * user → inbox doc name. touch() looks every member's inbox up for every message: a name made afresh
   * is a new string that V8 hashes again at each lookup, where a kept one carries its hash.
   */
  private names = new Map<string, string>()

  constructor(
    private chats: ChatDomain,
    private delayMs: number,
  ) {}

  /** Brings every entry of an inbox doc in line with the relational data, in one query (inside a job). */
  async reconcile(doc: SyncDoc<InboxKey>): Promise<void> {
    const userId = doc.key.userId
    const rows = await this.chats.db.all<InboxRow>(
      `SELECT c.id, c.kind, c.title, c.created, c.last_preview, c.last_from, c.last_ts, c.last_media, c.photo, c.opened_by, m.read_pos,
        (SELECT COUNT(*) FROM members x WHERE x.conv_id = c.id) AS n,
        COALESCE((SELECT x.user_id FROM members x WHERE x.conv_id = c.id AND x.user_id <> m.user_id ORDER BY x.user_id LIMIT 1),
                 (SELECT f.user_id FROM former_members f WHERE f.conv_id = c.id AND f.user_id <> m.user_id ORDER BY f.user_id LIMIT 1)) AS peer,
        m.since_page, m.joined, m.muted,
        (SELECT COALESCE(MAX(p.length), 0) FROM conv_pages p WHERE p.conv_id = c.id AND p.page >= m.since_page) AS wrote_since,
        COALESCE((SELECT u.name FROM members x JOIN users u ON u.id = x.user_id WHERE x.conv_id = c.id AND x.user_id <> m.user_id ORDER BY x.user_id LIMIT 1),
                 (SELECT u.name FROM former_members f JOIN users u ON u.id = f.user_id WHERE f.conv_id = c.id AND f.user_id <> m.user_id ORDER BY f.user_id LIMIT 1)) AS peer_name,
        (SELECT u.photo FROM members x JOIN users u ON u.id = x.user_id WHERE x.conv_id = c.id AND x.user_id <> m.user_id ORDER BY x.user_id LIMIT 1) AS peer_photo,
        (SELECT COALESCE(SUM(CASE WHEN p.page * ${PAGE_STRIDE} >= m.read_pos THEN p.length
                                  WHEN p.page * ${PAGE_STRIDE} + p.length > m.read_pos THEN p.page * ${PAGE_STRIDE} + p.length - m.read_pos
                                  ELSE 0 END), 0) FROM conv_pages p WHERE p.conv_id = c.id) AS unread,
        (CASE WHEN c.kind = 'direct' AND (EXISTS (SELECT 1 FROM conv_hidden h WHERE h.conv_id = c.id AND h.viewer_id = m.user_id)
           OR EXISTS (SELECT 1 FROM friends f JOIN members x ON x.user_id = f.friend_id AND x.conv_id = c.id
                       WHERE f.user_id = m.user_id AND f.state = 'blocked')) THEN 1 ELSE 0 END) AS hides
       FROM members m JOIN convs c ON c.id = m.conv_id WHERE m.user_id = ?`,
      [userId],
    )
    const want = new Map<string, InboxEntry>()
    for (const r of rows) {
      // a channel chat's entry shows the channel, which the row does not hold
      // an untitled group's entry names its members, which the row does not hold either
      const cached =
        this.chats.convs.cached(r.id) ??
        (Number(r.hides) || r.kind === 'channel' || (r.kind === 'group' && !r.title) ? await this.chats.convs.get(r.id) : null)
      const e = cached ? entryFor(cached, userId) : unopened(r, userId) ? null : rowEntry(r)
      if (e) want.set(r.id, e)
    }
    // the chats of the channels this user answers for, the latest first (the tables' latest message may
    // lag the chat's by the mirror's second: an empty one is left out by entryFor, from the chat's state)
    const answering = await this.chats.db.all<{ id: string }>(
      `SELECT c.id FROM convs c JOIN channel_admins a ON a.channel_id = c.channel_id
        WHERE a.user_id = ? ORDER BY c.last_ts DESC, c.created DESC, c.id LIMIT ${ANSWERING_ENTRIES}`,
      [userId],
    )
    for (const r of answering) {
      const conv = this.chats.convs.cached(r.id) ?? (await this.chats.convs.get(r.id))
      const e = conv && entryFor(conv, userId)
      if (e) want.set(r.id, e)
    }
    await this.applyEntries(doc, want, true)
  }

  private async applyEntries(doc: SyncDoc, want: Map<string, InboxEntry | null>, removeOthers: boolean): Promise<void> {
    const chats = doc.ydoc.getMap(ROOTS.inbox.chats)
    const sets: [string, InboxEntry][] = []
    const dels: string[] = []
    for (const [id, e] of want) {
      if (e === null) {
        if (chats.has(id)) dels.push(id)
      } else if (!sameEntry(chats.get(id), e)) sets.push([id, e])
    }
    if (removeOthers) for (const id of chats.keys()) if (!want.has(id)) dels.push(id)
    if (sets.length || dels.length) {
      await this.chats.engine.write(doc, () => {
        for (const [id, e] of sets) chats.set(id, e)
        for (const id of dels) chats.delete(id)
      })
    }
  }

  /**
   * Marks conversations changed for these users' inbox docs (only loaded ones are written; with several
   * nodes, those loaded on another node get the entries from this one, which holds the chat).
   */
  touch(convId: string, users: Iterable<string>): void {
    const shared = this.chats.engine.homes.shared
    for (const u of users) {
      if (!shared && !this.chats.engine.docs.get(this.inboxName(u))) continue
      let s = this.dirty.get(u)
      if (!s) this.dirty.set(u, (s = new Set()))
      s.add(convId)
    }
    if (this.dirty.size && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null
        this.flush()
      }, this.delayMs)
      this.timer.unref()
    }
  }

  private inboxName(userId: string): string {
    let name = this.names.get(userId)
    if (name === undefined) {
      if (this.names.size >= NAMES_MAX) this.names.clear()
      this.names.set(userId, (name = inboxDoc(userId)))
    }
    return name
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer)
      this.timer = null
    }
    const dirty = this.dirty
    this.dirty = new Map()
    const elsewhere: string[] = []
    for (const [user, convIds] of dirty) {
      const doc = this.chats.engine.docs.get(inboxDoc(user))
      if (!doc) {
        if (this.chats.engine.homes.shared) elsewhere.push(user)
        continue
      }
      doc.enqueue(async () => {
        await this.applyEntries(doc, await this.entries(user, convIds), false)
      })
    }
    if (elsewhere.length) void this.send(elsewhere, dirty)
  }

  private async entries(user: string, convIds: Iterable<string>): Promise<Map<string, InboxEntry | null>> {
    const want = new Map<string, InboxEntry | null>()
    for (const id of convIds) {
      const conv = this.chats.convs.cached(id) ?? (await this.chats.convs.get(id))
      want.set(id, conv ? entryFor(conv, user) : null)
    }
    return want
  }

  /**
   * To the nodes that hold these users' inboxes, for those that one does (the others reconcile from the
   * tables when they load): one look at the leases for all of them, entries made only for held ones.
   */
  private async send(users: string[], dirty: Map<string, Set<string>>): Promise<void> {
    try {
      await this.chats.engine.homes.tellEach(users.map(inboxDoc), 'inbox.entries', async (home) => {
        const user = home.slice(inboxDoc('').length)
        return [user, JSON.stringify([...(await this.entries(user, dirty.get(user) ?? []))])]
      })
    } catch (e) {
      log.error('sending inbox entries to their nodes failed', e, { users: users.length })
    }
  }

  /** Entries another node computed for a loaded inbox of this one (`send`). */
  async received(user: string, entries: string): Promise<void> {
    const doc = this.chats.engine.docs.get(inboxDoc(user))
    if (!doc) return
    const want = new Map(JSON.parse(entries) as [string, InboxEntry | null][])
    doc.enqueue(() => this.applyEntries(doc, want, false))
  }
}

/** A 1:1 chat the other one opened and nobody wrote in (entryFor's rule, from the tables). */
const unopened = (r: InboxRow, userId: string): boolean =>
  r.kind === 'direct' && r.opened_by !== '' && r.opened_by !== userId && Number(r.wrote_since) === 0

function rowEntry(r: InboxRow): InboxEntry {
  const before = Number(r.since_page) > 0 && Number(r.wrote_since) === 0
  const e: InboxEntry = {
    kind: r.kind === 'direct' ? 'direct' : 'group',
    title: r.kind === 'direct' ? (r.peer_name ?? '') : r.title,
    preview: before ? '' : r.last_preview,
    from: before ? '' : r.last_from,
    ts: before ? Number(r.joined) : Number(r.last_ts) || Number(r.created),
    unread: Number(r.unread),
    members: Number(r.n),
  }
  if (r.kind === 'direct' && r.peer) e.peer = r.peer
  const { media, retracted, photos } = before ? {} : storedLastKind(r.last_media)
  if (media) e.media = media
  if (photos) e.photos = photos
  if (retracted) e.retracted = true
  const photo = r.kind === 'direct' ? profilePhotoVersion(r.peer_photo) : groupPhotoVersion(r.kind, r.photo)
  if (photo) e.photo = photo
  const muted = mutedField(Number(r.muted))
  if (muted) e.muted = muted
  return e
}
