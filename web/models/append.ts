// Writing a new message of mine into any chat, open on screen or not (forwarding, the media outbox): into
// its current page, which the outbox sends whatever screen is open (also when written offline).
import { headDoc, pageDoc } from '../../protocol/docs.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { me } from '../account/session.ts'
import { currentPage, headMeta } from '../kinds/head.ts'
import { newMessageId, pageMsgs } from '../kinds/page.ts'
import { openDoc, whenSynced } from '../sync/docs.ts'

/** how long the target chat's head may take to come in from the server before the stored copy is used */
const HEAD_SYNC_MS = 5_000

export type NewMessage = Pick<ChatMessage, 'kind' | 'body' | 'media'> & { id?: string }

/**
 * Appends `m` as a new message of mine to chat `convId`. A message whose id is already in the page it
 * goes to, or the page before, is not written again (a send repeated after a reload).
 */
export async function appendToChat(convId: string, m: NewMessage): Promise<void> {
  const userId = me.peek()?.id
  if (!userId) return
  const head = openDoc(headDoc(convId))
  const stop = head.live()
  try {
    await head.loaded
    // the chat may have moved to a new page since this device last saw it
    await whenSynced(head, HEAD_SYNC_MS)
    const n = currentPage(headMeta(head.doc))
    const page = openDoc(pageDoc(convId, n))
    const before = n > 0 && m.id ? openDoc(pageDoc(convId, n - 1)) : null
    try {
      await Promise.all([page.loaded, before?.loaded])
      const msgs = pageMsgs(page.doc)
      const has = (a: typeof msgs) => a.toArray().some((x) => x?.id === m.id)
      if (m.id && (has(msgs) || (before && has(pageMsgs(before.doc))))) return
      const msg: ChatMessage = { id: m.id ?? newMessageId(), from: userId, ts: Date.now(), kind: m.kind, body: m.body }
      if (m.media) msg.media = m.media
      msgs.insert(msgs.length, [msg])
    } finally {
      page.release()
      before?.release()
    }
  } finally {
    stop()
    head.release()
  }
}
