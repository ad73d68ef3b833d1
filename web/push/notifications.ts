// While someone is signed in: the server's copy of the mutes follows the chat settings (mutes.ts), the
// app badge follows the chat list's unread total, a chat or channel read (on this device or another: the
// inbox says so) loses its notification (the service worker closes it), and the subscription is handed to the
// server again at start and when the language changes (the server words pushes in it).
import { effect } from '@preact/signals'
import { channelList } from '../models/channel-list.ts'
import { chatList, chatListLoaded, unreadTotal } from '../models/inbox.ts'
import { lang } from '../i18n/lang.ts'
import { syncMutes } from './mutes.ts'
import { pushSupport, resync } from './subscription.ts'

type BadgeNavigator = Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> }

/**
 * Tells the service worker which chats and channels have nothing unread now, so it closes their
 * notifications (web/push/sw-push.ts says why the worker reads them and the page does not).
 */
async function tellRead(read: { chats?: string[]; channels?: string[] }): Promise<void> {
  const worker = (await navigator.serviceWorker?.getRegistration())?.active
  worker?.postMessage({ type: 'sori-read', chats: read.chats ?? [], channels: read.channels ?? [] })
}

/**
 * Follows a list's unread counts (`list()`: null until it is loaded) and tells the worker which of its
 * items have become read since the last look: only those are news to it (at the first look every read
 * one is, as it may have been read on another device meanwhile).
 */
function tellWhenRead(what: 'chats' | 'channels', list: () => ReadonlyArray<{ id: string; unread: number }> | null): () => void {
  let unread: Set<string> | null = null
  return effect(() => {
    const items = list()
    if (!items) return
    const read = items.filter((c) => c.unread === 0 && (unread === null || unread.has(c.id))).map((c) => c.id)
    unread = new Set(items.filter((c) => c.unread > 0).map((c) => c.id))
    if (read.length) void tellRead({ [what]: read }).catch(() => {})
  })
}

export function startNotifications(userId: string): () => void {
  // the server counts badges by the mutes too, for this user's other devices
  const stopMutes = syncMutes()
  if (pushSupport() === 'unsupported') return stopMutes
  const nav = navigator as BadgeNavigator
  const stopBadge = effect(() => {
    const total = unreadTotal.value
    void (total > 0 ? nav.setAppBadge?.(total) : nav.clearAppBadge?.())?.catch(() => {})
  })
  const stopChats = tellWhenRead('chats', () => (chatListLoaded.value ? chatList.value : null))
  // filled once the channels' code has started; empty until then
  const stopChannels = tellWhenRead('channels', () => (channelList.value.length ? channelList.value : null))
  let first = true
  const stopLang = effect(() => {
    void lang.value
    // the first run is the start's resync; later ones follow a language change
    if (!first) void resync(userId).catch(() => {})
    first = false
  })
  void resync(userId).catch(() => {})
  return () => {
    stopMutes()
    stopBadge()
    stopChats()
    stopChannels()
    stopLang()
  }
}
