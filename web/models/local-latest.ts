// The chat list's line for a chat whose latest message the server's inbox entry cannot know: one written on
// this device and not sent yet (offline), or one this device deleted on its own ("Delete on this device").
// Then the row shows the newest message this device holds and has not deleted, from the local message index.
import { effect, signal } from '@preact/signals'
import { liveQuery } from 'dexie'
import type { MediaKind } from '../../protocol/api.ts'
import { previewText } from '../../protocol/messages.ts'
import { db, type MessageRow } from '../store/db.ts'
import { deletedHere, hereKey } from './deleted-here.ts'
import { unsentChats, type ChatListItem } from './inbox.ts'

interface Local {
  /** the newest message here that is not deleted on this device */
  newest: MessageRow | null
  /** the messages after it, deleted on this device, by author and preview (the entry may be one of them) */
  deleted: Set<string>
}

/** this many of a chat's newest messages are looked at: a device rarely deletes more in a row */
const LOOK_BACK = 50

const local = signal<ReadonlyMap<string, Local>>(new Map())
// the entry names its message by author and preview only (its time may be moved on a little by the server)
const said = (from: string, preview: string) => `${from}\n${preview}`

let watching: { unsubscribe(): void } | null = null
effect(() => {
  const unsent = unsentChats.value
  const gone = deletedHere.value
  watching?.unsubscribe()
  watching = null
  const convs = new Set(unsent)
  for (const k of gone) convs.add(k.slice(0, k.indexOf(':')))
  const store = db()
  if (!store || convs.size === 0) {
    if (local.peek().size) local.value = new Map()
    return
  }
  // live: the index is written a moment after a message is (store/message-index.ts)
  watching = liveQuery(async () => {
    const out = new Map<string, Local>()
    for (const conv of convs) {
      const rows = await store.messages
        .where('[conv+page+index]')
        .between([conv, -Infinity, -Infinity], [conv, Infinity, Infinity])
        .reverse()
        .limit(LOOK_BACK)
        .toArray()
      const entry: Local = { newest: null, deleted: new Set() }
      for (const r of rows) {
        if (!gone.has(hereKey(conv, r.page, r.id))) {
          entry.newest = r
          break
        }
        entry.deleted.add(said(r.from, previewText(r.body)))
      }
      out.set(conv, entry)
    }
    return out
  }).subscribe({ next: (m) => (local.value = m), error: (e) => console.warn('sori: the local latest messages', e) })
})

/** The entry as the list shows it: its latest message this device's where the server's cannot be right. */
export function withLocalLatest(c: ChatListItem): ChatListItem {
  const l = local.value.get(c.id)
  if (!l) return c
  const unsentNewer = !!l.newest && unsentChats.value.has(c.id) && l.newest.ts > c.ts
  if (!unsentNewer && !l.deleted.has(said(c.from, c.preview))) return c
  const n = l.newest
  if (!n) return { ...c, preview: '', from: '', media: undefined, retracted: undefined, photos: undefined }
  const media: MediaKind | undefined = n.media?.kind
  return {
    ...c,
    preview: previewText(n.body),
    from: n.from,
    ts: Math.max(c.ts, n.ts),
    media,
    retracted: n.retracted || undefined,
    photos: undefined,
  }
}
