// Writing a new message of mine into any chat, open on screen or not (forwarding, the media outbox): into
// its current page, which the outbox sends whatever screen is open (also when written offline).
import * as Y from 'yjs'
import { headDoc, pageDoc } from '../../protocol/docs.ts'
import { readPosition, type ChatMessage } from '../../protocol/messages.ts'
import { me } from '../account/session.ts'
import { currentPage, headMeta, headReads } from '../kinds/head.ts'
import { newMessageId, pageMsgs } from '../kinds/page.ts'
import { openDoc, whenSynced, type DocRef } from '../sync/docs.ts'

/** how long the target chat's head may take to come in from the server before the stored copy is used */
const HEAD_SYNC_MS = 5_000

export type NewMessage = Pick<ChatMessage, 'kind' | 'body' | 'media' | 'link'> & { id?: string }

/** Resolves true once the server holds the struct (client, clock) of `ref`, false after `ms`. */
export function whenAcked(ref: DocRef, client: number, clock: number, ms: number): Promise<boolean> {
  if (ref.isAcked(client, clock)) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      stop()
      resolve(false)
    }, ms)
    const stop = ref.ackVersion.subscribe(() => {
      if (!ref.isAcked(client, clock)) return
      clearTimeout(timer)
      queueMicrotask(() => stop())
      resolve(true)
    })
  })
}

/**
 * Moves my read position in a chat (its head `head`) past my own message, the `length`th of page `page`:
 * a sender has read up to what they wrote (docs/protocol.md, "Your own messages count too"), or it would
 * count as unread in their own chat list.
 */
export function readPastOwn(head: Y.Doc, userId: string, page: number, length: number): void {
  const reads = headReads(head)
  const pos = readPosition(page, length)
  if (pos > (reads.get(userId) ?? 0)) reads.set(userId, pos)
}

/**
 * Appends `m` as a new message of mine to chat `convId`. A message whose id is already in the page it
 * goes to, or the page before, is not written again (a send repeated after a reload). With `ackMs`, it
 * also waits that long for the server to hold it (a window about to close wants to know): true when it
 * does; false when the message is kept here for the outbox (offline, or slow).
 */
export async function appendToChat(convId: string, m: NewMessage, ackMs = 0): Promise<boolean> {
  const userId = me.peek()?.id
  if (!userId) return false
  const head = openDoc(headDoc(convId))
  const stop = head.live()
  try {
    await head.loaded
    // the chat may have moved to a new page since this device last saw it
    await whenSynced(head, HEAD_SYNC_MS)
    const n = currentPage(headMeta(head.doc))
    const page = openDoc(pageDoc(convId, n))
    // the page's socket stays open while an acknowledgement is awaited
    const stopPage = ackMs > 0 ? page.live() : null
    const before = n > 0 && m.id ? openDoc(pageDoc(convId, n - 1)) : null
    try {
      await Promise.all([page.loaded, before?.loaded])
      const msgs = pageMsgs(page.doc)
      const has = (a: typeof msgs) => a.toArray().some((x) => x?.id === m.id)
      if (m.id && (has(msgs) || (before && has(pageMsgs(before.doc))))) return true
      const msg: ChatMessage = { id: m.id ?? newMessageId(), from: userId, ts: Date.now(), kind: m.kind, body: m.body }
      if (m.media) msg.media = m.media
      if (m.link) msg.link = m.link
      // the insert's struct: this client's next clock
      const clock = Y.getState(page.doc.store, page.doc.clientID)
      msgs.insert(msgs.length, [msg])
      readPastOwn(head.doc, userId, n, msgs.length)
      return ackMs > 0 ? await whenAcked(page, page.doc.clientID, clock, ackMs) : true
    } finally {
      stopPage?.()
      page.release()
      before?.release()
    }
  } finally {
    stop()
    head.release()
  }
}
