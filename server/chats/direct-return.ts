// A 1:1 chat that one of the two left comes back to them with the other's next message, as in KakaoTalk:
// leaving a 1:1 chat takes it off your list, it does not stop the other person reaching you (a block
// does, hidden.ts). Without this, what the one who stayed wrote went nowhere until one of them opened the
// chat again with POST /api/chats/direct.
import { hasBlocked } from '../users/blocks.ts'
import { logger } from '../log.ts'
import type { ChatDomain } from './domain.ts'
import type { CommittedListener } from './effects.ts'
import { chatChanged } from './chat-changed.ts'
import { addMembers } from './store.ts'

const log = logger('chats')

/** The listener that brings the other person back into a direct chat a new message was committed to. */
export function returnOnMessage(chats: ChatDomain): CommittedListener {
  // a chat whose return is under way: the messages after the first need nothing more
  const returning = new Set<string>()
  return (part) => {
    for (const convId of part.mirror.last.keys()) {
      const c = chats.convs.cached(convId)
      if (!c || c.kind !== 'direct' || c.members.size !== 1 || c.former.size === 0 || returning.has(convId)) continue
      const writer = [...c.members.keys()][0]!
      const peer = [...c.former.keys()].find((id) => id !== writer)
      if (!peer) continue
      returning.add(convId)
      // off the commit's path
      void bringBack(chats, convId, writer, peer)
        .catch((e: unknown) => log.error('bringing a 1:1 chat back failed', e, { conv: convId }))
        .finally(() => returning.delete(convId))
    }
  }
}

async function bringBack(chats: ChatDomain, convId: string, writer: string, peer: string): Promise<void> {
  const { db } = chats
  // a deleted account is gone for good; someone who blocked the writer does not get them back
  if (!(await db.get('SELECT 1 AS x FROM users WHERE id = ? AND deleted = 0', [peer]))) return
  if (await hasBlocked(db, peer, writer)) return
  const added = await db.tx((q) => addMembers(q, convId, [peer]))
  if (added) await chatChanged(chats, convId)
}
