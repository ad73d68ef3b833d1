// What the sync server needs to know about a conversation, cached while any of its documents is
// loaded: membership (checked at connect), the current page, page lengths and read positions (for
// unread counters), and blocks in direct chats. The relational tables stay the truth: every change
// goes through the group commit, and chatChanged() re-reads them.
import type { Db } from '../db/db.ts'
import { PAGE_STRIDE } from '../../protocol/limits.ts'
import type { MediaKind } from '../../protocol/api.ts'
import { readHidden, type HiddenView } from './hidden.ts'
import { storedLastKind, type LastMessage } from './mirror.ts'

export interface ConvMember {
  name: string
  /** their profile photo: the sha256 of its content (absent or '': none); a direct chat's entry shows it */
  photo?: string
  readPos: number
  /** the first page they may open (absent: 0): who joins a group that has messages does not see what came before */
  since?: number
  /** when they joined (ms) */
  joined?: number
  /** muted the chat (PUT /api/chats/:id/mute, server/push/http.ts): until this time in ms, -1 until turned back on; 0 or absent: not muted */
  muted?: number
}

/** A user's chat with a channel: the channel's side of it, read again whenever the channel or the chat changes. */
export interface ConvChannel {
  id: string
  name: string
  /** the channel's photo: the sha256 of its content ('' for none) */
  photo: string
  /** its current admins, who answer as the channel */
  admins: Set<string>
  disabled: boolean
  /** the member blocked the channel: nothing more of the channel's side reaches them */
  blocked: boolean
  /** the read position every admin shares (convs.channel_read) */
  read: number
}

export interface ConvState {
  id: string
  kind: 'direct' | 'group' | 'channel'
  title: string
  page: number
  created: number
  members: Map<string, ConvMember>
  /** who left it: id → display name (their messages keep saying who wrote them) */
  former: Map<string, string>
  pageLengths: Map<number, number>
  /** direct chats: per member who blocked (or blocks) the other, what of the other's they do not see */
  hidden: Map<string, HiddenView>
  lastPreview: string
  lastFrom: string
  lastTs: number
  /** the latest message is a media message of this kind */
  lastMedia?: MediaKind
  /** the latest message was retracted by its author */
  lastRetracted?: true
  /** the latest message ends an album of this many photos */
  lastPhotos?: number
  /** a group's photo: the sha256 of its content (absent or '': none) */
  photo?: string
  /** kind 'channel': the channel the member talks to */
  channel?: ConvChannel
  /** a direct chat only one of the two opened: that one (convs.opened_by); it is not listed for the other while empty */
  openedBy?: string
}

/** The one member of a channel chat (undefined once they left or deleted their account). */
export const channelChatUser = (conv: ConvState): string | undefined =>
  conv.kind === 'channel' ? conv.members.keys().next().value : undefined

/**
 * Whether `userId` answers in this chat with a channel as the channel: one of its current admins, while the
 * chat's user is still in it and has not blocked the channel (a block takes the chat away from the channel).
 */
export function answersFor(conv: ConvState, userId: string): boolean {
  const ch = conv.channel
  return !!ch && conv.members.size > 0 && !ch.blocked && ch.admins.has(userId)
}

/** Who may open the chat's documents: its members, and in a chat with a channel who answers for it. */
export function mayOpen(conv: ConvState, userId: string): boolean {
  return conv.members.has(userId) || answersFor(conv, userId)
}

/** How one user reads a chat: a member by their own position; the channel's admins share the channel's. */
export interface ChatReader {
  readPos: number
  /** a member's mute (ConvMember.muted); an admin's is the channel's, which has none */
  muted?: number
  /** an admin answering as the channel */
  asChannel: boolean
}

export function readerOf(conv: ConvState, userId: string): ChatReader | null {
  const me = conv.members.get(userId)
  if (me) return { readPos: me.readPos, muted: me.muted, asChannel: false }
  return answersFor(conv, userId) ? { readPos: conv.channel!.read, asChannel: true } : null
}

/** Whose inbox entries a change of the chat touches: its members and, in a chat with a channel, its admins. */
export function entryHolders(conv: ConvState): Set<string> {
  const out = new Set(conv.members.keys())
  if (conv.channel) for (const a of conv.channel.admins) out.add(a)
  return out
}

/** Reads the channel side of a channel chat. */
export async function readConvChannel(db: Db, channelId: string, read: number, member: string | undefined): Promise<ConvChannel> {
  const [c, admins, blocked] = await Promise.all([
    db.get<{ name: string; photo: string | null; disabled: number }>('SELECT name, photo, disabled FROM channels WHERE id = ?', [
      channelId,
    ]),
    db.all<{ user_id: string }>('SELECT user_id FROM channel_admins WHERE channel_id = ?', [channelId]),
    member
      ? db.get('SELECT 1 AS x FROM channel_blocks WHERE user_id = ? AND channel_id = ?', [member, channelId])
      : Promise.resolve(undefined),
  ])
  return {
    id: channelId,
    name: c?.name ?? '',
    photo: c?.photo ?? '',
    admins: new Set(admins.map((a) => a.user_id)),
    disabled: !c || Number(c.disabled) === 1,
    blocked: !!blocked,
    read,
  }
}

/** The chat's latest message, as an inbox entry shows it. */
export function lastMessage(conv: ConvState): LastMessage {
  const last: LastMessage = { preview: conv.lastPreview, from: conv.lastFrom, ts: conv.lastTs }
  if (conv.lastRetracted) last.retracted = true
  else if (conv.lastMedia) last.media = conv.lastMedia
  if (conv.lastPhotos && !conv.lastRetracted) last.photos = conv.lastPhotos
  return last
}

/** Makes `last` the chat's latest message. */
export function setLastMessage(conv: ConvState, last: LastMessage): void {
  conv.lastPreview = last.preview
  conv.lastFrom = last.from
  conv.lastTs = last.ts
  conv.lastMedia = last.media
  conv.lastRetracted = last.retracted
  conv.lastPhotos = last.photos
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

/** `repair`: store what the blocks say the hidden ranges lack (hidden.ts); not for a copy that is cached already */
export async function readConv(db: Db, id: string, repair = true): Promise<ConvState | null> {
  const c = await db.get<{
    kind: string
    title: string
    page: number
    created: number
    last_preview: string
    last_from: string
    last_ts: number
    last_media: string
    photo: string
    channel_id: string | null
    channel_read: number
    opened_by: string
  }>(
    'SELECT kind, title, page, created, last_preview, last_from, last_ts, last_media, photo, channel_id, channel_read, opened_by FROM convs WHERE id = ?',
    [id],
  )
  if (!c) return null
  const lastKind = storedLastKind(c.last_media)
  const [members, pages, former] = await Promise.all([
    db.all<{
      user_id: string
      read_pos: number
      name: string
      photo: string | null
      since_page: number
      joined: number
      muted: number
    }>(
      'SELECT m.user_id, m.read_pos, u.name, u.photo, m.since_page, m.joined, m.muted FROM members m JOIN users u ON u.id = m.user_id WHERE m.conv_id = ?',
      [id],
    ),
    db.all<{ page: number; length: number }>('SELECT page, length FROM conv_pages WHERE conv_id = ?', [id]),
    db.all<{ user_id: string; name: string }>(
      'SELECT f.user_id, u.name FROM former_members f JOIN users u ON u.id = f.user_id WHERE f.conv_id = ?',
      [id],
    ),
  ])
  const state: ConvState = {
    id,
    kind: c.kind === 'direct' || c.kind === 'channel' ? c.kind : 'group',
    title: c.title,
    page: Number(c.page),
    created: Number(c.created),
    members: new Map(
      members.map((m) => [
        m.user_id,
        {
          name: m.name,
          photo: m.photo ?? undefined,
          readPos: Number(m.read_pos),
          since: Number(m.since_page),
          joined: Number(m.joined),
          muted: Number(m.muted),
        },
      ]),
    ),
    former: new Map(former.map((f) => [f.user_id, f.name])),
    pageLengths: new Map(pages.map((p) => [Number(p.page), Number(p.length)])),
    hidden: new Map(),
    lastPreview: c.last_preview,
    lastFrom: c.last_from,
    lastTs: Number(c.last_ts),
    lastMedia: lastKind.media,
    lastRetracted: lastKind.retracted,
    lastPhotos: lastKind.photos,
    photo: c.photo,
    // always set: refresh() assigns this state over the cached one
    openedBy: c.kind === 'direct' && c.opened_by ? c.opened_by : undefined,
  }
  if (state.kind === 'channel' && c.channel_id)
    state.channel = await readConvChannel(db, c.channel_id, Number(c.channel_read), channelChatUser(state))
  await readHidden(db, state, repair)
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

  /** The cached chats with channel `channelId`. */
  cachedOfChannel(channelId: string): string[] {
    const out: string[] = []
    for (const [id, c] of this.cache) if (c.state.channel?.id === channelId) out.push(id)
    return out
  }

  /**
   * A user's new display name, into those of `convIds` that are cached or being read now (a read that
   * began before the rename committed would otherwise bring the old name into the cache).
   */
  renamed(convIds: Iterable<string>, userId: string, name: string, photo?: string): void {
    const patch = (s: ConvState | null | undefined): void => {
      if (!s) return
      const m = s.members.get(userId)
      if (m) {
        m.name = name
        m.photo = photo
      } else if (s.former.has(userId)) s.former.set(userId, name)
    }
    for (const id of convIds) {
      patch(this.cache.get(id)?.state)
      void this.loading.get(id)?.then(patch, () => undefined)
    }
  }

  /**
   * Re-reads a cached conversation in place (after chatChanged, or a failed commit: `failed`, when what
   * memory holds beyond the tables may be of updates that are gone).
   */
  async refresh(id: string, failed = false): Promise<ConvState | null> {
    const fresh = await readConv(this.db, id, !this.cache.has(id))
    const c = this.cache.get(id)
    if (!c || !fresh) return fresh
    // the hidden ranges in memory are ahead of the table (their writes go through the group commit)
    if (!failed) fresh.hidden = c.state.hidden
    // lengths in memory may be ahead of the table (uncommitted appends): keep the larger
    for (const [page, len] of c.state.pageLengths) fresh.pageLengths.set(page, Math.max(len, fresh.pageLengths.get(page) ?? 0))
    fresh.page = Math.max(fresh.page, c.state.page)
    // and so may the latest message be (the mirror writes it at most once a second)
    if (!failed && c.state.lastTs > fresh.lastTs) setLastMessage(fresh, lastMessage(c.state))
    // so is the channel's read position (its writes go through the group commit too)
    if (fresh.channel && c.state.channel && !failed) fresh.channel.read = Math.max(fresh.channel.read, c.state.channel.read)
    Object.assign(c.state, fresh)
    return c.state
  }
}
