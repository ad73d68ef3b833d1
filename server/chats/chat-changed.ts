// A conversation's relational state changed (created, members invited/left/removed, renamed): re-read it,
// write the head doc's `meta` and every member's inbox entry (and those of who left, and of a channel's admins), and close the
// sockets of users who lost access (4403). A block closes nothing: the blocked person must not notice it
// (hidden.ts).
import { headDoc, ROOTS } from '../../protocol/docs.ts'
import { CLOSE } from '../../protocol/wire.ts'
import type { SyncDoc } from '../sync/doc.ts'
import type { ChatDomain } from './domain.ts'
import type { HeadKey, HeadState } from './docs/head.ts'
import { entryHolders, mayOpen } from './convs.ts'

export async function chatChanged(chats: ChatDomain, convId: string): Promise<void> {
  const docs = chats.engine.docs
  const before = chats.convs.cached(convId)
  // members and, in a chat with a channel, its admins as they were: who loses the chat loses its entry
  const previous = before ? entryHolders(before) : new Set<string>()
  const fresh = before ? await chats.convs.refresh(convId) : await chats.convs.get(convId)
  if (before && !fresh) before.members.clear()
  const members = fresh?.members ?? new Map()

  // head meta (loading the head doc reconciles it; a loaded one is rewritten)
  const head = fresh ? ((await docs.acquire(headDoc(convId))) as SyncDoc<HeadKey, HeadState> | null) : null
  if (head) {
    const old = head.ydoc.getMap(ROOTS.head.meta).get('members')
    if (Array.isArray(old)) for (const u of old) if (typeof u === 'string') previous.add(u)
    await new Promise<void>((resolve) =>
      head.enqueue(async () => {
        try {
          await chats.meta.write(head)
        } finally {
          resolve()
        }
      }),
    )
    await head.lastCommit
    docs.release(head)
  }

  // inbox entries of members and of those who left
  chats.inbox.touch(convId, new Set([...(fresh ? entryHolders(fresh) : members.keys()), ...previous]))
  chats.inbox.flush()

  // sockets of users who lost access
  for (const doc of docs.inGroup(convId)) {
    for (const c of doc.conns)
      if (!fresh || !mayOpen(fresh, c.userId)) c.close(CLOSE.FORBIDDEN, 'no longer a member of this chat')
  }
}
