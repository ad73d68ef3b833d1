// The data layer's public face: what screens, components and the app shell read and call (they import
// nothing else of it, apart from web/account). And its lifecycle: while someone is signed in, their
// database is open, the inbox is live, changed chats sync in the background, what was written here
// and not yet acknowledged is sent (sync/outbox.ts), and every page doc opened keeps the local
// message index.
import { effect } from '@preact/signals'
import { inboxDoc } from '../../protocol/docs.ts'
import { me } from '../account/session.ts'
import { messagesAt } from '../kinds/index.ts'
import { closeDb, dbName, openDb } from '../store/db.ts'
import { indexPage, preloadIndexing } from '../store/message-index.ts'
import { startBackground } from '../sync/background.ts'
import { trackConnection } from '../sync/connection.ts'
import { closeAllDocs, onDocOpen, onRefused } from '../sync/docs.ts'
import { startOutbox } from '../sync/outbox.ts'
import { forgetChatInfos } from './chats.ts'
import { friends, loadCachedFriends, refreshFriends } from './friends.ts'
import { chatList, chatListLoaded, startInbox } from './inbox.ts'
import { recoverRefused } from './refused.ts'

export { me, signUp, signIn, signOut, updateMe, setMyPhoto, api, ApiFailure } from '../account/session.ts'
export { connection } from '../sync/connection.ts'
export { lostChats } from '../sync/docs.ts'
export { storageEstimate, storageProblem } from '../store/storage.ts'
export { snapshotDrop, snapshotPut } from '../store/room-snapshot.ts'
export {
  chatList,
  chatListEmptyShown,
  chatListLoaded,
  unsentChats,
  unreadTotal,
  unreadWithChannels,
  type ChatListItem,
} from './inbox.ts'
export { channelList, type ChannelListItem } from './channel-list.ts'
export {
  chatSettings,
  listsOf,
  mutedNow,
  unreadCount,
  muteChat,
  unmuteChat,
  pinChat,
  archiveChat,
  hideChat,
  MUTE_HOUR,
  MUTE_8_HOURS,
} from './chat-settings.ts'
export {
  friends,
  refreshFriends,
  findByHandle,
  addFriend,
  hideFriend,
  blockFriend,
  unblockFriend,
  removeFriend,
} from './friends.ts'
export { openDirect, createGroup, invite, rename, setGroupPhoto, removeMember, leave, chatInfo } from './chats.ts'
// the open chat, forwarding and search are the room's and the search screen's (web/models/room.ts,
// search.ts): kept out of what the chat list loads, only their types are here
export type { Conversation, MessageView } from './conversation.ts'
export type { SearchWatch } from './search.ts'

// what the server refused as written into a page that took no more goes into the current one; what it
// will never take is forgotten
onRefused(recoverRefused)

// docs open only while someone is signed in (their database is open), so this holds from the start
onDocOpen((name, doc, loaded) => {
  const at = messagesAt(name)
  if (at) indexPage(at.conv, at.page, doc, loaded, () => me.peek()?.lang ?? 'en')
})

let running: { userId: string; stop: () => void } | null = null

const idle = (fn: () => void): void =>
  void ('requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 5000 }) : setTimeout(fn, 2000))

/**
 * Starts, once the first screen is up, something whose code loads on its own; the stop function works
 * before it has loaded too.
 */
function startLater(load: () => Promise<() => void>): () => void {
  let stopped = false
  let stop: (() => void) | null = null
  // the chat list is read from this device first: after that, when the page is idle
  const waiting = effect(() => {
    if (!chatListLoaded.value) return
    idle(() => {
      if (!stopped) void load().then((s) => (stopped ? s() : (stop = s)))
    })
    queueMicrotask(() => waiting())
  })
  return () => {
    stopped = true
    waiting()
    stop?.()
  }
}

function start(userId: string): () => void {
  openDb(userId)
  void loadCachedFriends()
  // friends' names and photos as they are now (the chat list shows a 1:1 chat with its person's photo),
  // once the first screen is up
  const idle = (fn: () => void) =>
    'requestIdleCallback' in window ? requestIdleCallback(fn, { timeout: 5000 }) : setTimeout(fn, 2000)
  idle(() => void refreshFriends().catch(() => {}))
  // the message index's tokenizer, here before the phone may go offline (store/message-index.ts)
  idle(preloadIndexing)
  const stops = [
    trackConnection(inboxDoc(userId)),
    startInbox(userId),
    startBackground(chatList),
    // what this device wrote goes out whichever screen is open
    startOutbox(dbName(userId)),
    // what was picked to send and is not sent yet (its code is not on the way to the first screen)
    startLater(() => import('./media-outbox.ts').then((m) => m.startMediaOutbox())),
    // the channels I follow, their latest posts live (they show in the chat list)
    startLater(() => import('./channels.ts').then((m) => m.startChannels(userId))),
    // the app badge, read chats' notifications closed, the push subscription handed over again
    startLater(() => import('../push/notifications.ts').then((m) => m.startNotifications(userId))),
  ]
  return () => {
    for (const s of stops.reverse()) s()
    closeAllDocs()
    forgetChatInfos()
    friends.value = null
    closeDb()
  }
}

effect(() => {
  const id = me.value?.id ?? null
  if (running?.userId === id) return
  running?.stop()
  running = id ? { userId: id, stop: start(id) } : null
})
