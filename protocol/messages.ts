// The shapes of what clients write into documents, and the checks both sides run on them.
import { MAX_MESSAGE_CHARS, MESSAGE_ID_RE, ENTITY_ID_RE, PAGE_STRIDE } from './limits.ts'

/** One chat message: a plain object appended to the page doc's `msgs` Y.Array. */
export interface ChatMessage {
  id: string
  /** the author's user id; must equal the authenticated user */
  from: string
  /** the author's clock, ms since epoch (display only; order is the array's) */
  ts: number
  kind: 'text'
  body: string
  /** id of the message this one replies to */
  replyTo?: string
}

/** Value of the page doc's `edits` Y.Map, keyed by the edited message's id (own messages only). */
export type MessageEdit = { body: string; ts: number } | { retracted: true; ts: number }

/** Value of the inbox doc's `chats` Y.Map, keyed by conversation id. Written by the server only. */
export interface InboxEntry {
  kind: 'direct' | 'group'
  /** group title; for direct chats the other member's display name */
  title: string
  /** the other member's id, for direct chats */
  peer?: string
  /** last message: preview (first 100 chars), author, time */
  preview: string
  from: string
  ts: number
  /** messages in the conversation that this user has not read */
  unread: number
  members: number
  /**
   * Direct chats, only in the entry of a member who blocked (or blocks) the other one: that member's
   * messages at read positions [from, to) are hidden from this user (to null: blocked now, so up to the
   * end). Clients hide them everywhere: the chat, search, notifications (isHidden).
   */
  hidden?: { author: string; ranges: [number, number | null][] }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const onlyKeys = (o: Record<string, unknown>, allowed: readonly string[]) => Object.keys(o).every((k) => allowed.includes(k))
const isTs = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

/** Returns an error text, or null when `v` is a valid message authored by `userId`. */
export function checkMessage(v: unknown, userId: string): string | null {
  if (!isObj(v)) return 'message is not an object'
  if (!onlyKeys(v, ['id', 'from', 'ts', 'kind', 'body', 'replyTo'])) return 'message has unknown fields'
  if (typeof v.id !== 'string' || !MESSAGE_ID_RE.test(v.id)) return 'message id is malformed'
  if (v.from !== userId) return 'message author is not the sender'
  if (!isTs(v.ts)) return 'message time is malformed'
  if (v.kind !== 'text') return 'message kind is unknown'
  if (typeof v.body !== 'string' || v.body.length === 0 || v.body.length > MAX_MESSAGE_CHARS)
    return 'message body is empty or too long'
  if (v.replyTo !== undefined && (typeof v.replyTo !== 'string' || !MESSAGE_ID_RE.test(v.replyTo))) return 'replyTo is malformed'
  return null
}

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

/** What a system line of a group's timeline tells: who was invited, left, was removed, or renamed the group. */
export const SYSTEM_EVENTS = ['invited', 'left', 'removed', 'renamed'] as const
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
  /** who did it (for 'left', who left) */
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

export const isEntityId = (v: unknown): v is string => typeof v === 'string' && ENTITY_ID_RE.test(v)
