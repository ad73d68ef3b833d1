// Forwarding: a message goes to another chat as a new message of the one who forwards it. It is
// written like any message of that chat, into its current page, and the outbox sends it whatever
// screen is open (also when it was written offline).
import { headDoc, pageDoc } from '../../protocol/docs.ts'
import { me } from '../account/session.ts'
import { currentPage, headMeta } from '../kinds/head.ts'
import { newMessageId, pageMsgs } from '../kinds/page.ts'
import { openDoc, whenSynced } from '../sync/docs.ts'

/** how long the target chat's head may take to come in from the server before the stored copy is used */
const HEAD_SYNC_MS = 5_000

/** Writes `body` into chat `convId` as a new message of mine. */
export async function forward(convId: string, body: string): Promise<void> {
  const userId = me.peek()?.id
  if (!userId || !body) return
  const head = openDoc(headDoc(convId))
  const stop = head.live()
  try {
    await head.loaded
    // the chat may have moved to a new page since this device last saw it
    await whenSynced(head, HEAD_SYNC_MS)
    const page = openDoc(pageDoc(convId, currentPage(headMeta(head.doc))))
    try {
      await page.loaded
      const msgs = pageMsgs(page.doc)
      msgs.insert(msgs.length, [{ id: newMessageId(), from: userId, ts: Date.now(), kind: 'text', body }])
    } finally {
      page.release()
    }
  } finally {
    stop()
    head.release()
  }
}
