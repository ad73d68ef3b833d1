// The data layer's public face (see .tmp/briefs/client.md) and its lifecycle: while someone is signed
// in, their database is open, the inbox is live and changed chats sync in the background.
import { effect } from '@preact/signals'
import { inboxDoc } from '../../protocol/docs.ts'
import { startBackground } from './background.ts'
import { forgetChatInfos } from './chats.ts'
import { trackConnection } from './connection.ts'
import { closeDb, openDb } from './db.ts'
import { closeAllDocs } from './docs.ts'
import { friends, loadCachedFriends } from './friends.ts'
import { startInbox } from './inbox.ts'
import { installMessageIndex } from './message-index.ts'
import { me } from './session.ts'

export { me, signUp, signIn, signOut, updateMe, api, ApiFailure } from './session.ts'
export { connection } from './connection.ts'
export { chatList, chatListLoaded, type ChatListItem } from './inbox.ts'
export { friends, refreshFriends, findByHandle, addFriend, hideFriend, blockFriend, unblockFriend, removeFriend } from './friends.ts'
export { openDirect, createGroup, invite, rename, removeMember, leave, chatInfo } from './chats.ts'
export { openConversation, type Conversation, type MessageView } from './conversation.ts'
export { storageEstimate, storageProblem } from './storage.ts'
export { lostChats } from './docs.ts'

let running: { userId: string; stop: () => void } | null = null

function start(userId: string): () => void {
  openDb(userId)
  installMessageIndex()
  void loadCachedFriends()
  const stops = [trackConnection(inboxDoc(userId)), startInbox(userId), startBackground()]
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
