// Per-chat settings (mute, pin, archive, hidden from the list), kept in the `settings` root of the
// user's own inbox doc u:<me>, one key per chat, so that every device of theirs shows the same list.
// The pure rules (what is muted now, what shows where and in which order) are exported for tests.
import { signal } from '@preact/signals'
import type * as Y from 'yjs'
import { ROOTS } from '../../protocol/docs.ts'

export interface ChatSettings {
  /** muted until this time (ms since epoch), or until turned back on */
  mutedUntil?: number | 'forever'
  /** when it was pinned: pinned chats come first, the latest pinned on top */
  pinned?: number
  /** in the Archived list; a new message keeps it there */
  archived?: boolean
  /** taken off the list: hidden until a message newer than this (the entry's `ts`) arrives */
  hiddenAt?: number
}

export const MUTE_HOUR = 60 * 60 * 1000
export const MUTE_8_HOURS = 8 * MUTE_HOUR

/** The settings key of a chat (conversation ids are 12 characters: well within the 40 allowed). */
export const settingKey = (convId: string): string => `chat.${convId}`

/** Keeps only well-formed fields: another client may have written anything. */
export function parseSettings(value: unknown): ChatSettings {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {}
  const v = value as Record<string, unknown>
  const s: ChatSettings = {}
  if (v.mutedUntil === 'forever' || (typeof v.mutedUntil === 'number' && Number.isFinite(v.mutedUntil)))
    s.mutedUntil = v.mutedUntil
  if (typeof v.pinned === 'number' && Number.isFinite(v.pinned)) s.pinned = v.pinned
  if (v.archived === true) s.archived = true
  if (typeof v.hiddenAt === 'number' && Number.isFinite(v.hiddenAt)) s.hiddenAt = v.hiddenAt
  return s
}

export function isMuted(s: ChatSettings | undefined, now: number): boolean {
  const until = s?.mutedUntil
  return until === 'forever' || (typeof until === 'number' && until > now)
}

/** Hidden from the list while nothing newer than the moment it was taken off has come. */
export const isHidden = (s: ChatSettings | undefined, ts: number): boolean => s?.hiddenAt !== undefined && ts <= s.hiddenAt

interface Listed {
  id: string
  ts: number
  unread: number
}

/** The chats of one list (the main one or Archived): pinned first (latest pinned on top), then newest first. */
export function arrange<T extends Listed>(
  list: readonly T[],
  settings: ReadonlyMap<string, ChatSettings>,
  archived: boolean,
): T[] {
  const shown = list.filter((c) => {
    const s = settings.get(c.id)
    return !isHidden(s, c.ts) && (s?.archived === true) === archived
  })
  const pin = (c: T): number => settings.get(c.id)?.pinned ?? -Infinity
  return shown.sort((a, b) => pin(b) - pin(a) || b.ts - a.ts)
}

/** The unread total for the tab bar and the document title: muted and hidden chats do not count. */
export function unreadTotal(list: readonly Listed[], settings: ReadonlyMap<string, ChatSettings>, now: number): number {
  let n = 0
  for (const c of list) {
    const s = settings.get(c.id)
    if (c.unread > 0 && !isMuted(s, now) && !isHidden(s, c.ts)) n += c.unread
  }
  return n
}

/** The soonest time after `now` at which a mute ends, if any. */
export function nextMuteEnd(settings: ReadonlyMap<string, ChatSettings>, now: number): number | null {
  let next: number | null = null
  for (const s of settings.values()) {
    const u = s.mutedUntil
    if (typeof u === 'number' && u > now && (next === null || u < next)) next = u
  }
  return next
}

export const chatSettings = signal<ReadonlyMap<string, ChatSettings>>(new Map())
/** the time the mutes are judged by: moves when one ends */
const clock = signal(Date.now())
let timer: ReturnType<typeof setTimeout> | undefined

function scheduleMuteEnd(): void {
  clearTimeout(timer)
  const now = Date.now()
  clock.value = now
  const next = nextMuteEnd(chatSettings.peek(), now)
  // setTimeout takes at most ~24.8 days; a longer mute is looked at again then
  if (next !== null) timer = setTimeout(scheduleMuteEnd, Math.min(next - now + 50, 2 ** 31 - 1))
}

export const mutedNow = (convId: string): boolean => isMuted(chatSettings.value.get(convId), clock.value)

let settingsMap: Y.Map<unknown> | null = null

/**
 * Channel id → how many of its posts this user has been shown, on any of their devices (`chseen.<id>`
 * in the same settings root): a channel read on the phone is not unread on the laptop. Only the user's
 * own inbox doc holds it; no channel can read it.
 */
export const channelsSeen = signal<ReadonlyMap<string, number>>(new Map())
const CHANNEL_SEEN = 'chseen.'

/** Follows the settings root of the inbox doc; returns the function that stops. */
export function bindChatSettings(doc: Y.Doc): () => void {
  const map = doc.getMap<unknown>(ROOTS.inbox.settings)
  settingsMap = map
  const read = (): void => {
    const next = new Map<string, ChatSettings>()
    const seen = new Map<string, number>()
    map.forEach((value, key) => {
      if (key.startsWith('chat.')) next.set(key.slice(5), parseSettings(value))
      else if (key.startsWith(CHANNEL_SEEN) && typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)
        seen.set(key.slice(CHANNEL_SEEN.length), value)
    })
    chatSettings.value = next
    channelsSeen.value = seen
    scheduleMuteEnd()
  }
  map.observe(read)
  read()
  return () => {
    map.unobserve(read)
    clearTimeout(timer)
    if (settingsMap === map) settingsMap = null
    chatSettings.value = new Map()
    channelsSeen.value = new Map()
  }
}

/** This device has shown `n` posts of channel `id`: the user's other devices count them as read too (never less). */
export function shareChannelSeen(id: string, n: number): void {
  const map = settingsMap
  if (!map) return
  const had = map.get(CHANNEL_SEEN + id)
  if (typeof had !== 'number' || had < n) map.set(CHANNEL_SEEN + id, n)
}

/** An unfollowed channel's reading position goes, on every device. */
export const forgetChannelSeen = (id: string): void => settingsMap?.delete(CHANNEL_SEEN + id)

/** Changes a chat's settings on this device; the inbox doc carries it to the user's other devices. */
export function updateChatSettings(convId: string, patch: Partial<Record<keyof ChatSettings, unknown>>): void {
  const map = settingsMap
  if (!map) return
  const merged: Record<string, unknown> = { ...parseSettings(map.get(settingKey(convId))), ...patch }
  for (const k of Object.keys(merged)) if (merged[k] === undefined || merged[k] === false) delete merged[k]
  if (Object.keys(merged).length === 0) map.delete(settingKey(convId))
  else map.set(settingKey(convId), merged)
}

export const muteChat = (convId: string, forMs: number | 'forever'): void =>
  updateChatSettings(convId, { mutedUntil: forMs === 'forever' ? 'forever' : Date.now() + forMs })
export const unmuteChat = (convId: string): void => updateChatSettings(convId, { mutedUntil: undefined })
export const pinChat = (convId: string, on: boolean): void => updateChatSettings(convId, { pinned: on ? Date.now() : undefined })
export const archiveChat = (convId: string, on: boolean): void => updateChatSettings(convId, { archived: on })
/** "Delete" a chat from the list: it comes back with the next message. */
export const hideChat = (convId: string, ts: number): void => updateChatSettings(convId, { hiddenAt: ts })
/** After leaving a chat its settings mean nothing. */
export const forgetChatSettings = (convId: string): void => settingsMap?.delete(settingKey(convId))

/** Both lists, arranged (read inside a component or computed, it subscribes). */
export function listsOf<T extends Listed>(list: readonly T[]): { main: T[]; archived: T[] } {
  const settings = chatSettings.value
  return { main: arrange(list, settings, false), archived: arrange(list, settings, true) }
}

/** The unread total as the tab bar and the title show it (read inside a component or computed, it subscribes). */
export const unreadCount = (list: readonly Listed[]): number => unreadTotal(list, chatSettings.value, clock.value)
