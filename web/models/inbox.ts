// The chat list, from the user's inbox doc u:<me> (server-written; stored in Dexie, so it shows offline).
import { computed, effect, signal, type ReadonlySignal } from '@preact/signals'
import type * as Y from 'yjs'
import { inboxDoc } from '../../protocol/docs.ts'
import type { InboxEntry } from '../../protocol/messages.ts'
import { messagesAt } from '../kinds/index.ts'
import { inboxChats } from '../kinds/inbox.ts'
import { connection } from '../sync/connection.ts'
import { foundChat, openDoc } from '../sync/docs.ts'
import { unsentDocs } from '../sync/outbox.ts'
import { bindChatSettings, unreadCount } from './chat-settings.ts'
import { channelList } from './channel-list.ts'

export interface ChatListItem extends InboxEntry {
  id: string
}

/** newest first */
export const chatList = signal<ChatListItem[]>([])
/** false until the stored inbox has been read (lets the UI tell "no chats" from "not loaded yet") */
export const chatListLoaded = signal(false)
/**
 * The list is known: the server's (synced once) or this device's (not empty). Before that an empty list
 * says nothing: on a new device the chats are on their way, and "no chats yet" would be wrong.
 */
const chatListKnown = signal(false)
/** The inbox has synced with the server since the app started: its settings (what other devices wrote) are in. */
const synced = signal(false)
export const inboxSynced: ReadonlySignal<boolean> = synced
/** Whether an empty list is "no chats yet": it is known, or the phone is offline (nothing more will come now). */
export const chatListEmptyShown: ReadonlySignal<boolean> = computed(() => chatListKnown.value || connection.value === 'offline')

/** Chats holding messages (or edits) written on this device that the server has not acknowledged yet. */
export const unsentChats: ReadonlySignal<ReadonlySet<string>> = computed(() => {
  const chats = new Set<string>()
  for (const name of unsentDocs.value) {
    const at = messagesAt(name)
    if (at) chats.add(at.conv)
  }
  return chats
})

/**
 * Unread messages in chats that are neither muted nor taken off the list: the app's badge, which pushes set
 * too (the server counts the same chats; it knows nothing of what a follower read of a channel).
 */
export const unreadTotal: ReadonlySignal<number> = computed(() => unreadCount(chatList.value))

/** The chats tab's and the window title's total: the chats', and the posts of followed channels not muted. */
export const unreadWithChannels: ReadonlySignal<number> = computed(() => {
  let n = unreadTotal.value
  for (const c of channelList.value) if (!c.muted) n += c.unread
  return n
})

export function startInbox(userId: string): () => void {
  const ref = openDoc(inboxDoc(userId))
  const chats = inboxChats(ref.doc)
  const stopSettings = bindChatSettings(ref.doc)
  const read = (): void => {
    const list: ChatListItem[] = []
    chats.forEach((entry, id) => {
      if (entry && typeof entry === 'object') list.push({ ...entry, id })
    })
    list.sort((a, b) => b.ts - a.ts)
    // a chat lost here that the server lists again (invited back) is open again; one still listed when it
    // was lost is not (the entry's removal may come just after)
    const before = new Set(chatList.peek().map((c) => c.id))
    for (const c of list) if (!before.has(c.id)) foundChat(c.id)
    chatList.value = list
  }
  const onChange = (_e: Y.YMapEvent<InboxEntry>): void => read()
  chats.observe(onChange)
  void ref.loaded.then(() => {
    read()
    chatListLoaded.value = true
    if (chats.size > 0) chatListKnown.value = true
  })
  const stopKnown = effect(() => {
    if (ref.synced.value) {
      chatListKnown.value = true
      synced.value = true
    }
  })
  const stopLive = ref.live()
  return () => {
    stopKnown()
    chatListKnown.value = false
    synced.value = false
    chats.unobserve(onChange)
    stopSettings()
    stopLive()
    ref.release()
    chatList.value = []
    chatListLoaded.value = false
  }
}
