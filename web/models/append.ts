// Writing a new message of mine into any chat, open on screen or not (forwarding, the media outbox): into
// its current page, which the outbox sends whatever screen is open (also when written offline).
import * as Y from 'yjs'
import { headDoc, pageDoc } from '../../protocol/docs.ts'
import { readPosition, type ChatMessage } from '../../protocol/messages.ts'
import { me } from '../account/session.ts'
import { currentPage, headMeta, headReads } from '../kinds/head.ts'
import { messageItems, newMessageId, pageMsgs } from '../kinds/page.ts'
import { openDoc, whenSynced, type DocRef } from '../sync/docs.ts'

/** how long the target chat's head may take to come in from the server before the stored copy is used */
const HEAD_SYNC_MS = 5_000
/** how long the head and page may take to come in when only the server's word will do (`after`) */
const SYNC_MS = 10_000

export type NewMessage = Pick<ChatMessage, 'kind' | 'body' | 'media' | 'link' | 'replyTo'> & { id?: string }

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
 * Moves `userId`'s read position in a chat (its head `head`) up to the `length`th message of page `page`,
 * never back: another device may already have read further. A sender has read up to what they wrote
 * (docs/protocol.md, "Your own messages count too"), or it would count as unread in their own chat list.
 */
export function readUpTo(head: Y.Doc, userId: string, page: number, length: number): void {
  const reads = headReads(head)
  const pos = readPosition(page, length)
  if (pos > (reads.get(userId) ?? 0)) reads.set(userId, pos)
}

const idsIn = (doc: Y.Doc): Set<string> => new Set([...messageItems(pageMsgs(doc))].map((m) => m.value.id))

export interface AppendOptions {
  /** how long to wait for the server to hold them */
  ackMs?: number
  /**
   * the page they were refused in (refused.ts): they go only into a later one, which only the server's
   * copy of the head can tell (without it, nothing is written); the current page's copy is awaited too,
   * since another tab or device may have moved them already
   */
  after?: number
  /** they carry ids that may be in the chat already (a send repeated after a reload, an earlier recovery) */
  repeated?: boolean
}

/**
 * Appends `msgs`, all of one author, to the current page of chat `convId`, stamped with the time they go
 * in; with `repeated`, those whose id is in that page already, or in the page before (when it is later
 * than `after`), are not written again. True once written (or found there), or, with `ackMs`, once the
 * server holds them; false when they are kept here for the outbox (offline, or slow), or, with `after`,
 * when nothing was written.
 */
export async function appendMessages(convId: string, msgs: Omit<ChatMessage, 'ts'>[], o: AppendOptions = {}): Promise<boolean> {
  const { ackMs = 0, after, repeated = false } = o
  const moving = after !== undefined
  const head = openDoc(headDoc(convId))
  const stop = head.live()
  try {
    await head.loaded
    // the chat may have moved to a new page since this device last saw it
    const synced = await whenSynced(head, moving ? SYNC_MS : HEAD_SYNC_MS)
    const n = currentPage(headMeta(head.doc))
    if (moving && (!synced || n <= after)) return false
    const page = openDoc(pageDoc(convId, n))
    // the page's socket stays open while its sync or an acknowledgement is awaited
    const stopPage = moving || ackMs > 0 ? page.live() : null
    const before = repeated && n - 1 > (after ?? -1) ? openDoc(pageDoc(convId, n - 1)) : null
    try {
      await Promise.all([page.loaded, before?.loaded])
      if (moving) await whenSynced(page, SYNC_MS)
      const have = new Set<string>(repeated ? [...idsIn(page.doc), ...(before ? idsIn(before.doc) : [])] : [])
      const now = Date.now()
      const add = msgs.filter((m) => !have.has(m.id)).map((m): ChatMessage => ({ ...m, ts: now }))
      if (add.length === 0) return true
      const list = pageMsgs(page.doc)
      // the insert's struct: this client's next clock
      const clock = Y.getState(page.doc.store, page.doc.clientID)
      list.insert(list.length, add)
      readUpTo(head.doc, add[0].from, n, list.length)
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

/**
 * Appends `m` as a new message of mine to chat `convId`. A message whose id is already in the page it
 * goes to, or the page before, is not written again (a send repeated after a reload). With `ackMs`, it
 * also waits that long for the server to hold it (a window about to close wants to know): true when it
 * does; false when the message is kept here for the outbox (offline, or slow).
 */
export async function appendToChat(convId: string, m: NewMessage, ackMs = 0): Promise<boolean> {
  const userId = me.peek()?.id
  if (!userId) return false
  const msg: Omit<ChatMessage, 'ts'> = { id: m.id ?? newMessageId(), from: userId, kind: m.kind, body: m.body }
  if (m.media) msg.media = m.media
  if (m.link) msg.link = m.link
  if (m.replyTo) msg.replyTo = m.replyTo
  return appendMessages(convId, [msg], { ackMs, repeated: !!m.id })
}
