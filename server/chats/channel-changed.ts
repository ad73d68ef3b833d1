// A channel changed (renamed, a new photo, admins added or removed, disabled, blocked by someone): its chats
// with users follow. A cached chat is read again like any changed chat (the sockets of an admin removed
// close with 4403), on whichever node caches it (channelChatsChanged); the inbox entry of every user who
// has a chat with it shows its new name and photo (channelChanged, once).
import type { ChatDomain } from './domain.ts'
import { chatChanged } from './chat-changed.ts'
import { ANSWERING_ENTRIES } from './inbox-writer.ts'

export async function channelChanged(chats: ChatDomain, channelId: string): Promise<void> {
  const rows = await chats.db.all<{ id: string; user_id: string }>(
    'SELECT c.id, m.user_id FROM convs c JOIN members m ON m.conv_id = c.id WHERE c.channel_id = ? ORDER BY c.last_ts DESC, c.id',
    [channelId],
  )
  // its admins list its latest chats too (ANSWERING_ENTRIES; an admin removed loses theirs when the chat or
  // their inbox is read again)
  const admins = (
    await chats.db.all<{ user_id: string }>('SELECT user_id FROM channel_admins WHERE channel_id = ?', [channelId])
  ).map((a) => a.user_id)
  // only loaded inbox docs are written; one that loads later is reconciled in full
  rows.forEach((r, i) => chats.inbox.touch(r.id, i < ANSWERING_ENTRIES ? [r.user_id, ...admins] : [r.user_id]))
  chats.inbox.flush()
}

/** This node's cached chats with the channel are read again. */
export async function channelChatsChanged(chats: ChatDomain, channelId: string): Promise<void> {
  for (const id of chats.convs.cachedOfChannel(channelId)) await chatChanged(chats, id)
}
