// Updates the server refused (4400) for reasons the app can do something about.
//
// Messages written offline into a page that took no more by the time they arrived. While this device
// was away the chat moved on two pages (the others wrote a thousand messages, or two invitations came:
// each one into a chat that holds messages starts a page), and the server refused the old page's update
// (4400, "page is closed" or "page is full"). Nothing is wrong with the messages themselves: they are
// written again, with the same ids, at the end of the current page, and this device's copy of the old
// page is set aside, so that it never offers them there again and is read from the server next time.
// What else that copy held unsent (an edit, a reaction in the same update) is lost with it.
//
// A channel's feed refuses a post of someone who is no longer one of its admins (4400, NOT_ADMIN): it
// will never be taken, so this device's copy of that page is set aside the same way, the post with it,
// rather than offered again on every start.
//
// A page refuses the deletion of a message it holds (MESSAGE_HELD): a message I took back before it was
// sent had reached the server after all, its acknowledgement lost on the way. It stays, as sent, and the
// room says so; this device's copy of the page is set aside, and my other unsent messages of it are
// written again once the server's copy is in (those it holds already are not).
//
// A head refuses a read position lower than the one it holds: mine moved back after a withdrawal of a
// message the server had counted after all. This device's copy of the head is set aside for the server's.
//
// Any document refuses an update whose clientID another user wrote with first (CLIENT_TAKEN: two random
// 32-bit ids that met). Nothing under that id will ever be taken: this device's copy is set aside, and my
// unsent messages of a page are written again from a fresh copy, whose clientID is new.
import { signal } from '@preact/signals'
import * as Y from 'yjs'
import { CHANNEL_ROOTS } from '../../protocol/channels.ts'
import {
  CLIENT_TAKEN,
  MESSAGE_HELD,
  NOT_ADMIN,
  PAGE_CLOSED,
  PAGE_FULL,
  READ_OUT_OF_RANGE,
  READ_WOULD_FALL,
} from '../../protocol/wire.ts'
import { me } from '../account/session.ts'
import { headOf, messagesAt } from '../kinds/index.ts'
import { messageItems, pageMsgs, type MessageItem } from '../kinds/page.ts'
import { db } from '../store/db.ts'
import { FROM_STORE } from '../store/persistence.ts'
import { resetDoc, type RefusedDoc } from '../sync/docs.ts'
import { withLock } from '../sync/lock.ts'
import { appendMessages } from './append.ts'

/** Removes from `list` (in this copy only: neither stored nor sent) the items the server does not hold. */
function dropUnsent<T>(r: RefusedDoc, list: Y.Array<T>, unsent: (client: number, clock: number) => boolean): void {
  Y.transact(
    r.doc,
    () => {
      const at: number[] = []
      let index = 0
      for (let it = list._start; it; it = it.right) {
        if (it.deleted || !it.countable) continue
        for (let k = 0; k < it.length; k++, index++) if (unsent(it.id.client, it.id.clock + k)) at.push(index)
      }
      // last first, so that the earlier indexes still hold
      for (const i of at.reverse()) list.delete(i, 1)
    },
    FROM_STORE,
  )
}

/** My messages of the refused page that the server does not hold (none for a doc that is not a page). */
function myUnsent(r: RefusedDoc): MessageItem[] {
  const myId = me.peek()?.id
  if (!messagesAt(r.name) || !myId) return []
  return [...messageItems(pageMsgs(r.doc))].filter((m) => m.value.from === myId && !r.isAcked(m.client, m.clock))
}

/** One tab at a time writes again what one chat (or doc) refused. */
const rewriteLock = (key: string): string => `sori-rehome:${db()?.name ?? ''}:${key}`

/** Moves my unsent messages out of a page the server refused as closed or full. */
function rehome(r: RefusedDoc): void {
  const at = messagesAt(r.name)
  const unsent = myUnsent(r)
  if (!at || unsent.length === 0) return
  const lock = rewriteLock(at.conv)
  const moved = new Set(unsent.map((m) => `${m.client}:${m.clock}`))
  const msgs = unsent.map((m) => m.value)
  void withLock(lock, () => appendMessages(at.conv, msgs, { after: at.page, repeated: true }))
    .then(async (done) => {
      if (!done) return
      dropUnsent(r, pageMsgs(r.doc), (client, clock) => moved.has(`${client}:${clock}`))
      await resetDoc(r.name, r.doc)
    })
    .catch((e: unknown) => console.warn(`sori: moving the messages refused by ${r.name} failed`, e))
}

/**
 * Starts a copy of a refused doc afresh, my unsent messages in it written again (with `after`, only once
 * the server's copies of the head and the page say which it lacks: appendMessages).
 */
function renew(r: RefusedDoc, after?: number): void {
  const at = messagesAt(r.name)
  const unsent = myUnsent(r)
  void withLock(rewriteLock(at?.conv ?? r.name), async () => {
    await resetDoc(r.name, r.doc)
    if (at && unsent.length > 0)
      await appendMessages(
        at.conv,
        unsent.map((m) => m.value),
        { repeated: true, after },
      )
  }).catch((e: unknown) => console.warn(`sori: writing again what ${r.name} refused failed`, e))
}

/** A chat where a message I took back had reached the server before (it stays, as sent): its room says so. */
export const alreadySent = signal<{ conv: string; at: number } | null>(null)

/** Sets aside a page that refused a message's withdrawal; my other unsent messages are written again. */
function retake(r: RefusedDoc): void {
  const at = messagesAt(r.name)
  if (!at) return
  alreadySent.value = { conv: at.conv, at: Date.now() }
  // "after" the page before: the same page, once the server's copy says which of them it holds already
  renew(r, at.page - 1)
}

/** What the server refused and can be recovered from (docs.ts calls it for every 4400). */
export function recoverRefused(r: RefusedDoc): void {
  if (r.reason === PAGE_CLOSED || r.reason === PAGE_FULL) rehome(r)
  else if (r.reason === MESSAGE_HELD) retake(r)
  // a head's only writes of mine are where I read up to, which the next read writes again
  else if ((r.reason === READ_OUT_OF_RANGE || r.reason === READ_WOULD_FALL) && headOf(r.name)) void resetDoc(r.name, r.doc)
  else if (r.reason === CLIENT_TAKEN) renew(r)
  else if (r.reason === NOT_ADMIN) {
    dropUnsent(r, r.doc.getArray(CHANNEL_ROOTS.page.posts), (client, clock) => !r.isAcked(client, clock))
    void resetDoc(r.name, r.doc)
  }
}
