// The shapes of what clients write into documents, and the checks both sides run on them.
import {
  MAX_MEDIA_BYTES,
  MAX_MEDIA_NAME_CHARS,
  MAX_MESSAGE_CHARS,
  MEDIA_ID_RE,
  MESSAGE_ID_RE,
  ENTITY_ID_RE,
  PAGE_STRIDE,
} from './limits.ts'
import type { MediaKind } from './api.ts'
import { checkLinkPayload, linkPreview, type LinkPayload } from './link.ts'

/** One chat message: a plain object appended to the page doc's `msgs` Y.Array. */
export interface ChatMessage {
  id: string
  /** the author's user id; must equal the authenticated user */
  from: string
  /** the author's clock, ms since epoch (display only; order is the array's) */
  ts: number
  /**
   * 'text': `body` is the message; 'media': `media` is, and `body` its caption (may be empty); 'link': a
   * Sori Link card (`link`, protocol/link.ts), `body` empty
   */
  kind: 'text' | 'media' | 'link'
  body: string
  /** id of the message this one replies to */
  replyTo?: string
  /** kind 'media' only */
  media?: MediaRef
  /** kind 'link' only */
  link?: LinkPayload
}

export const MEDIA_KINDS: readonly MediaKind[] = ['photo', 'video', 'voice', 'file']

/**
 * What a media message carries: a blob the author uploaded to this chat (docs/protocol.md, "Media
 * messages"). The server checks it against the blob: `kind`, `mime`, `size` and, for a photo, `w` and `h`
 * must be what the upload's answer (BlobInfo) said.
 */
export interface MediaRef {
  /** BlobInfo.id */
  id: string
  kind: MediaKind
  /** BlobInfo.mime: sniffed by the server */
  mime: string
  /** BlobInfo.size */
  size: number
  /** photo (BlobInfo.width/height) and video: size in pixels */
  w?: number
  h?: number
  /** video and voice: length in ms */
  dur?: number
  /** file: its name (BlobInfo.name) */
  name?: string
  /** photo and video: a ThumbHash of the picture, base64, painted until the bytes are there */
  thumb?: string
}

const MIME_RE = /^[a-z0-9][a-z0-9.+-]{0,63}\/[a-z0-9][a-z0-9.+-]{0,63}$/
const THUMB_RE = /^[A-Za-z0-9+/]{4,44}={0,2}$/
/** pixels on a side, and ms of a video or voice note: generous bounds that no real file reaches */
const MAX_SIDE = 20_000
const MAX_DURATION_MS = 6 * 3_600_000

/** Returns an error text, or null when `v` is a well-formed media reference. */
export function checkMediaRef(v: unknown): string | null {
  if (!isObj(v)) return 'media is not an object'
  if (!onlyKeys(v, ['id', 'kind', 'mime', 'size', 'w', 'h', 'dur', 'name', 'thumb'])) return 'media has unknown fields'
  if (typeof v.id !== 'string' || !MEDIA_ID_RE.test(v.id)) return 'media id is malformed'
  if (!(MEDIA_KINDS as readonly unknown[]).includes(v.kind)) return 'media kind is unknown'
  const kind = v.kind as MediaKind
  if (typeof v.mime !== 'string' || !MIME_RE.test(v.mime)) return 'media type is malformed'
  if (!isTs(v.size) || (v.size as number) < 1 || (v.size as number) > MAX_MEDIA_BYTES[kind]) return 'media size is out of range'
  const visual = kind === 'photo' || kind === 'video'
  for (const k of ['w', 'h'] as const)
    if (v[k] !== undefined && (!visual || !isTs(v[k]) || (v[k] as number) < 1 || (v[k] as number) > MAX_SIDE))
      return 'media dimensions are malformed'
  if (kind === 'photo' && (v.w === undefined || v.h === undefined)) return 'photo has no dimensions'
  if (v.dur !== undefined && (kind === 'photo' || kind === 'file' || !isTs(v.dur) || (v.dur as number) > MAX_DURATION_MS))
    return 'media duration is malformed'
  if (v.name !== undefined && (typeof v.name !== 'string' || v.name.length === 0 || v.name.length > MAX_MEDIA_NAME_CHARS))
    return 'media name is malformed'
  if (v.thumb !== undefined && (!visual || typeof v.thumb !== 'string' || !THUMB_RE.test(v.thumb)))
    return 'media thumbnail is malformed'
  return null
}

/** Value of the page doc's `edits` Y.Map, keyed by the edited message's id (own messages only). */
export type MessageEdit = { body: string; ts: number } | { retracted: true; ts: number }

/** Value of the inbox doc's `chats` Y.Map, keyed by conversation id. Written by the server only. */
/** Names an untitled group's inbox entry carries at most (InboxEntry.names). */
export const UNTITLED_NAMES = 4

export interface InboxEntry {
  kind: 'direct' | 'group' | 'channel'
  /** group title; for direct chats the other member's display name; for a chat with a channel its name */
  title: string
  /** the other member's id, for direct chats */
  peer?: string
  /** a chat with a channel: the channel's id (its photo: GET /api/channels/:id/photo?v=<photo>) */
  channel?: string
  /**
   * In the inbox of one of the channel's admins, a user's chat with the channel: the channel's name, as
   * which the admin answers. `title`, `peer` and `photo` are then that user's, and `unread` is what none of
   * the channel's admins has read yet. Absent in the user's own entry.
   */
  asChannel?: string
  /** last message: preview (first 100 chars), author, time */
  preview: string
  from: string
  ts: number
  /** the last message is a media message of this kind (its preview is its caption, maybe empty) */
  media?: MediaKind
  /**
   * the last message is a photo without words that ends an album: this many (2 or more) of one sender's
   * photos without words, each less than ALBUM_GAP_MS after the one before ("3 photos" in a chat list)
   */
  photos?: number
  /** the last message was deleted by its author: `preview` is empty, and apps say so ("This message was deleted.") */
  retracted?: true
  /** messages in the conversation that this user has not read */
  unread: number
  members: number
  /**
   * A group with no title: the names of up to UNTITLED_NAMES of its other members, who joined first
   * first, for apps to call it by ("Jonas, Mina and Ayu"). Rewritten live as members come, go or rename.
   */
  names?: string[]
  /**
   * A group's photo version (as Chat.photo), in a direct chat the other person's profile photo
   * version (as Profile.photo), in a chat with a channel the channel's; absent when there is none. Rewritten live when it changes.
   */
  photo?: string
  /**
   * Direct chats, only in the entry of a member who blocked (or blocks) the other one: that member's
   * messages at read positions [from, to) are hidden from this user (to null: blocked now, so up to the
   * end). Clients hide them everywhere: the chat, search, notifications (isHidden).
   */
  hidden?: { author: string; ranges: [number, number | null][] }
  /**
   * This user muted the chat (PUT /api/chats/:id/mute): until this time (ms since epoch; a time past is
   * not muted any more), or -1 until turned back on. Absent: not muted.
   */
  muted?: number
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const onlyKeys = (o: Record<string, unknown>, allowed: readonly string[]) => Object.keys(o).every((k) => allowed.includes(k))
const isTs = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/** Returns an error text, or null when `v` is a valid message authored by `userId`. */
export function checkMessage(v: unknown, userId: string): string | null {
  if (!isObj(v)) return 'message is not an object'
  if (!onlyKeys(v, ['id', 'from', 'ts', 'kind', 'body', 'replyTo', 'media', 'link'])) return 'message has unknown fields'
  if (typeof v.id !== 'string' || !MESSAGE_ID_RE.test(v.id)) return 'message id is malformed'
  if (v.from !== userId) return 'message author is not the sender'
  if (!isTs(v.ts)) return 'message time is malformed'
  if (v.kind !== 'text' && v.kind !== 'media' && v.kind !== 'link') return 'message kind is unknown'
  if (v.kind !== 'media' && v.media !== undefined) return `a ${v.kind} message carries no media`
  if (v.kind !== 'link' && v.link !== undefined) return `a ${v.kind} message carries no link`
  if (v.kind === 'link') {
    // the card is all of it: the server checks it against the share ticket it names
    const err = checkLinkPayload(v.link)
    if (err) return err
    if (v.body !== '') return 'a link message carries no body'
  }
  if (v.kind === 'media') {
    const err = checkMediaRef(v.media)
    if (err) return err
  }
  // a caption may be empty; a text message may not
  if (typeof v.body !== 'string' || (v.kind === 'text' && v.body.length === 0) || v.body.length > MAX_MESSAGE_CHARS)
    return 'message body is empty or too long'
  if (v.replyTo !== undefined && (typeof v.replyTo !== 'string' || !MESSAGE_ID_RE.test(v.replyTo))) return 'replyTo is malformed'
  return null
}

/** `s` without NUL characters, for text that a server stores in Postgres columns (which refuse them). */
export const withoutNul = (s: string): string => (s.includes('\0') ? s.replaceAll('\0', '') : s)

/** The first `n` UTF-16 code units of `s`, one fewer when the last would be half of a character (an emoji). */
export function cutText(s: string, n: number): string {
  if (s.length <= n) return s
  const c = s.charCodeAt(n - 1)
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? n - 1 : n)
}

/** What a message says in a chat list, a notification or a search: its body, or a link card's title. */
export const messageText = (m: Pick<ChatMessage, 'kind' | 'body' | 'link'>): string =>
  m.kind === 'link' && m.link ? linkPreview(m.link.template) : m.body

/** Characters of a message kept as its chat's preview (the inbox entry's `preview`). */
export const PREVIEW_CHARS = 100

/**
 * A message's text (messageText) as its chat's preview. Without NUL characters: a message may hold them,
 * Postgres text may not, and a preview that cannot be stored would fail every commit that carries it.
 */
export const previewText = (text: string): string => cutText(withoutNul(text), PREVIEW_CHARS)

/** Returns an error text, or null when `v` is a valid edit value. */
export function checkEdit(v: unknown): string | null {
  if (!isObj(v)) return 'edit is not an object'
  if (!isTs(v.ts)) return 'edit time is malformed'
  if ('retracted' in v) return onlyKeys(v, ['retracted', 'ts']) && v.retracted === true ? null : 'retraction is malformed'
  if (!onlyKeys(v, ['body', 'ts'])) return 'edit has unknown fields'
  if (typeof v.body !== 'string' || v.body.length === 0 || v.body.length > MAX_MESSAGE_CHARS)
    return 'edit body is empty or too long'
  return null
}

/** The reactions a member may put on a message: value of the page doc's `reacts` Y.Map. */
export const REACTIONS = ['like', 'love', 'laugh', 'wow', 'sad', 'ok'] as const
export type Reaction = (typeof REACTIONS)[number]
export const isReaction = (v: unknown): v is Reaction => typeof v === 'string' && (REACTIONS as readonly string[]).includes(v)

/** The `reacts` key of `userId`'s reaction to message `messageId`: one per message per member. */
export const reactKey = (messageId: string, userId: string): string => `${messageId}:${userId}`

/** A `reacts` key's message id and user id, or null when it is not exactly `<messageId>:<userId>`. */
export function parseReactKey(key: string): { messageId: string; userId: string } | null {
  const at = key.indexOf(':')
  if (at < 0) return null
  const messageId = key.slice(0, at)
  const userId = key.slice(at + 1)
  return MESSAGE_ID_RE.test(messageId) && ENTITY_ID_RE.test(userId) ? { messageId, userId } : null
}

/**
 * What a system line of a group's timeline tells: who was invited, joined by an invite link, left, was
 * removed, renamed the group, or changed or removed its photo.
 */
export const SYSTEM_EVENTS = ['invited', 'joined', 'left', 'removed', 'renamed', 'photoChanged', 'photoRemoved'] as const
export type SystemEvent = (typeof SYSTEM_EVENTS)[number]

/**
 * One system line: a value of the page doc's `sys` Y.Array, written by the server only. It carries no
 * text, so every client says it in its own language; it shows after the page's first `at` messages and
 * is neither a message (no read position, not unread, not a chat list preview) nor anyone's to write.
 */
export interface SystemLine {
  id: string
  kind: 'system'
  ts: number
  /** how many messages the page held when it was written */
  at: number
  event: SystemEvent
  /** who did it (for 'joined' and 'left', who joined or left) */
  actor: string
  /** 'invited', 'removed': who */
  target?: string
  /** 'renamed': the new title */
  title?: string
}

/** `v` as a system line, or null when it is not one (a broken local copy must not break the view). */
export function asSystemLine(v: unknown): SystemLine | null {
  if (!isObj(v) || v.kind !== 'system' || typeof v.id !== 'string' || !isTs(v.ts) || !isTs(v.at)) return null
  if (!(SYSTEM_EVENTS as readonly string[]).includes(v.event as string) || !ENTITY_ID_RE.test(String(v.actor))) return null
  if (v.target !== undefined && !ENTITY_ID_RE.test(String(v.target))) return null
  if (v.title !== undefined && typeof v.title !== 'string') return null
  return v as unknown as SystemLine
}

/** A read position says: everything before message `index` of page `page`, and all earlier pages, is read. */
export const readPosition = (page: number, messagesRead: number): number => page * PAGE_STRIDE + messagesRead
export const readPage = (pos: number): number => Math.floor(pos / PAGE_STRIDE)
export const readCountInPage = (pos: number): number => pos % PAGE_STRIDE
/** Has the member with read position `pos` read message `index` of page `page`? */
export const hasRead = (pos: number, page: number, index: number): boolean => pos > page * PAGE_STRIDE + index

/** Is message `index` of page `page`, written by `from`, hidden from the user whose inbox entry says `hidden`? */
export function isHidden(hidden: InboxEntry['hidden'], from: string, page: number, index: number): boolean {
  if (!hidden || from !== hidden.author) return false
  const pos = page * PAGE_STRIDE + index
  return hidden.ranges.some(([start, end]) => pos >= start && (end === null || pos < end))
}

/**
 * `@handle` in a message's text, for `handle` (compared case-insensitively): not inside a longer handle
 * nor an e-mail address. Group 1 is what comes before the @ (the start, or one character).
 */
export const mentionPattern = (handle: string, flags = 'i'): RegExp =>
  new RegExp(`(^|[^A-Za-z0-9._@])@${handle.replace(/[.]/g, '\\.')}(?![A-Za-z0-9_]|\\.[A-Za-z0-9_])`, flags)

/**
 * Whom the user whose inbox entry says `hidden` blocks now (a range still open), or undefined: their
 * typing, edits and reactions are not shown to that user while the block lasts.
 */
export const blockedNow = (hidden: InboxEntry['hidden']): string | undefined =>
  hidden?.ranges.some(([, end]) => end === null) ? hidden.author : undefined

export const isEntityId = (v: unknown): v is string => typeof v === 'string' && ENTITY_ID_RE.test(v)
