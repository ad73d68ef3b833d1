// A chat's photos and videos, newest first: every one this device holds of the chat (its pages sync in the
// background), from the local message index, without retracted ones and without what is hidden from me.
import { isHidden, type MediaRef } from '../../protocol/messages.ts'
import { db } from '../store/db.ts'
import { chatList } from './inbox.ts'

export interface GalleryItem {
  msgId: string
  from: string
  ts: number
  media: MediaRef
  page: number
  index: number
}

/**
 * `convId`'s photos and videos, newest first: the index's, and `shown` (the messages on screen, which the
 * index may not hold yet: it is written in the background, behind what just arrived).
 */
export async function chatMedia(convId: string, shown: readonly GalleryItem[] = []): Promise<GalleryItem[]> {
  const store = db()
  if (!store) return newestFirst([...shown])
  const rows = await store.messages
    .where('conv')
    .equals(convId)
    .filter((r) => !r.retracted && (r.media?.kind === 'photo' || r.media?.kind === 'video'))
    .toArray()
  const hidden = chatList.peek().find((c) => c.id === convId)?.hidden
  const items = rows
    .filter((r) => !isHidden(hidden, r.from, r.page, r.index))
    .map((r): GalleryItem => ({ msgId: r.id, from: r.from, ts: r.ts, media: r.media!, page: r.page, index: r.index }))
  const have = new Set(items.map((g) => `${g.page}:${g.msgId}`))
  for (const g of shown) if (!have.has(`${g.page}:${g.msgId}`)) items.push(g)
  return newestFirst(items)
}

export const newestFirst = (items: GalleryItem[]): GalleryItem[] => items.sort((a, b) => b.page - a.page || b.index - a.index)
