// The inbox u:<userId>: one entry per chat of the user's (title, preview, unread count), written by
// the server only.
import type * as Y from 'yjs'
import { ROOTS } from '../../protocol/docs.ts'
import type { InboxEntry } from '../../protocol/messages.ts'

export const inboxChats = (doc: Y.Doc): Y.Map<InboxEntry> => doc.getMap<InboxEntry>(ROOTS.inbox.chats)
