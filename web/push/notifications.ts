// While someone is signed in: the server's copy of the mutes follows the chat settings (mutes.ts), the app badge follows the chat list's unread total, a chat read (on this
// device or another: the inbox says so) loses its notification, and the subscription is handed to the
// server again at start and when the language changes (the server words pushes in it).
import { effect } from '@preact/signals'
import { chatList, unreadTotal } from '../models/inbox.ts'
import { lang } from '../i18n/lang.ts'
import { syncMutes } from './mutes.ts'
import { pushSupport, resync } from './subscription.ts'

type BadgeNavigator = Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> }

/** Closes the notifications of chats with nothing unread. */
async function closeRead(unread: ReadonlyMap<string, number>): Promise<void> {
  const reg = await navigator.serviceWorker?.getRegistration()
  for (const n of (await reg?.getNotifications()) ?? []) {
    const chat = (n.data as { chat?: unknown } | null)?.chat
    if (typeof chat === 'string' && unread.get(chat) === 0) n.close()
  }
}

export function startNotifications(userId: string): () => void {
  // the server counts badges by the mutes too, for this user's other devices
  const stopMutes = syncMutes()
  if (pushSupport() === 'unsupported') return stopMutes
  const nav = navigator as BadgeNavigator
  const stopBadge = effect(() => {
    const total = unreadTotal.value
    void (total > 0 ? nav.setAppBadge?.(total) : nav.clearAppBadge?.())?.catch(() => {})
    void closeRead(new Map(chatList.value.map((c) => [c.id, c.unread]))).catch(() => {})
  })
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
    stopLang()
  }
}
