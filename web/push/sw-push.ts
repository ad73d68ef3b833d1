/// <reference lib="webworker" />
// The service worker's side of notifications. The server decides whether a device is notified (muted,
// do not disturb, the sender, a device reading the chat) before it sends, and words the text in the
// device's language; so every push shows a notification, whatever it holds and whether or not a page
// has focus: a browser revokes the subscription of a worker that shows none. One notification per chat
// (its tag), replaced as messages arrive; a click opens the chat, in an open window when there is one.
// A channel's post (`channel` instead of `chat`) is one notification per channel (tag `ch:<id>`), whose
// click opens the channel; it carries no count or badge, so the app badge stays as it is.
//
// The notifications of chats and channels read since are closed here, on the page's word (`sori-read`),
// and never by the page itself: Chromium's getNotifications() deletes every stored notification not yet
// on screen that was created before the call, so a read that starts while a push's notification is
// between its creation and its display loses that notification for good. The worker shows every
// notification, so it alone can read only when none is on its way.
import type { ChannelPushPayload, PushPayload } from '../../protocol/push.ts'

declare const self: ServiceWorkerGlobalScope

const CHAT_ID = /^[A-Za-z0-9_-]{1,64}$/

/** What a push says, read defensively: the text is shown as text, anything malformed as a bare notice. */
export function readPush(data: PushMessageData | null): {
  title: string
  body: string
  chat: string | null
  /** a channel's post: the channel (then `chat` is null) */
  channel: string | null
  count: number
  badge: number | null
} {
  let p: Partial<PushPayload> & Partial<ChannelPushPayload> = {}
  try {
    const v: unknown = data?.json()
    if (v && typeof v === 'object') p = v as Partial<PushPayload> & Partial<ChannelPushPayload>
  } catch {
    /* not JSON: the bare notice */
  }
  const text = (s: unknown, max: number): string => (typeof s === 'string' ? s.slice(0, max) : '')
  const num = (n: unknown): number | null => (typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : null)
  return {
    title: text(p.title, 200) || 'Sori',
    body: text(p.body, 1000),
    chat: typeof p.chat === 'string' && CHAT_ID.test(p.chat) ? p.chat : null,
    channel: typeof p.chat !== 'string' && typeof p.channel === 'string' && CHAT_ID.test(p.channel) ? p.channel : null,
    count: num(p.count) ?? 0,
    badge: num(p.badge),
  }
}

/** Notifications this worker has asked for and that are not on screen yet. */
let showing = 0
let shown: Array<() => void> = []

/** Resolves once no notification is on its way to the screen. */
function noneShowing(): Promise<void> {
  return showing === 0 ? Promise.resolve() : new Promise((resolve) => shown.push(resolve))
}

async function showNotification(title: string, options: NotificationOptions): Promise<void> {
  showing++
  try {
    await self.registration.showNotification(title, options)
  } finally {
    if (--showing === 0) {
      const waiting = shown
      shown = []
      for (const resolve of waiting) resolve()
    }
  }
}

/** What the page says has nothing unread now (read here or on another device): their notifications close. */
export interface Read {
  chats: string[]
  channels: string[]
}

export async function closeRead(read: Read): Promise<void> {
  const chats = new Set(read.chats)
  const channels = new Set(read.channels)
  await noneShowing()
  for (const n of await self.registration.getNotifications()) {
    const d = n.data as { chat?: unknown; channel?: unknown } | null
    if ((typeof d?.chat === 'string' && chats.has(d.chat)) || (typeof d?.channel === 'string' && channels.has(d.channel)))
      n.close()
  }
}

/** A `sori-read` message (from a page of this origin), or null for anything else. */
export function asRead(data: unknown): Read | null {
  const d = data as { type?: unknown; chats?: unknown; channels?: unknown } | null
  if (d?.type !== 'sori-read') return null
  const ids = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((c): c is string => typeof c === 'string' && CHAT_ID.test(c)) : []
  const read = { chats: ids(d.chats), channels: ids(d.channels) }
  return read.chats.length || read.channels.length ? read : null
}

async function show(event: PushEvent): Promise<void> {
  const p = readPush(event.data)
  const nav = self.navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> }
  // the notification first: a badge call that never settles (or throws) must not hold it back
  await showNotification(p.title, {
    body: p.body,
    tag: p.chat ?? (p.channel ? `ch:${p.channel}` : 'sori'),
    // a replaced notification alerts again: it is a new message
    renotify: true,
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    data: { chat: p.chat, channel: p.channel, count: p.count },
  } as NotificationOptions)
  if (p.badge === null) return
  try {
    await (p.badge > 0 ? nav.setAppBadge?.(p.badge) : nav.clearAppBadge?.())
  } catch {
    /* no badge where the platform has none */
  }
}

/** What a click opens: a chat, a channel, or the app. */
type Target = { chat: string } | { channel: string } | null

/** Opens the chat or channel: an open window of the app is told to go there and focused, else a new one opens. */
async function open(to: Target): Promise<void> {
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
  const win = windows.find((w) => new URL(w.url).origin === self.location.origin)
  if (win) {
    if (to && 'chat' in to) win.postMessage({ type: 'sori-open-chat', chat: to.chat })
    else if (to) win.postMessage({ type: 'sori-open-channel', channel: to.channel })
    await win.focus().catch(() => {})
    return
  }
  await self.clients.openWindow(!to ? '/' : 'chat' in to ? `/#/chat/${to.chat}` : `/#/channel/${to.channel}`)
}

export function handlePushes(): void {
  self.addEventListener('push', (event) => event.waitUntil(show(event)))
  self.addEventListener('message', (event) => {
    const read = asRead(event.data)
    if (read) event.waitUntil(closeRead(read))
  })
  self.addEventListener('notificationclick', (event) => {
    event.notification.close()
    const d = event.notification.data as { chat?: unknown; channel?: unknown } | null
    const id = (v: unknown): string | null => (typeof v === 'string' && CHAT_ID.test(v) ? v : null)
    const chat = id(d?.chat)
    const channel = id(d?.channel)
    event.waitUntil(open(chat ? { chat } : channel ? { channel } : null))
  })
}
