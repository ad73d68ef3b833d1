// Reading messages out of page docs, with the Yjs item id of each (what acks are about).
import type * as Y from 'yjs'
import type { ChatMessage } from '../../protocol/messages.ts'
import { checkMessage } from '../../protocol/messages.ts'

export interface MessageItem { value: ChatMessage; client: number; clock: number; index: number }

/**
 * The messages of a page's `msgs` array in order, each with its (client, clock) and its index (the
 * position read positions count; invalid values still take theirs). Walks the array's
 * item list: consecutive pushes of one client merge into one Item whose k-th value has clock+k.
 * Values that are not valid messages are skipped (the server refuses them; a broken local copy
 * must not break the view).
 */
export function* messageItems(msgs: Y.Array<ChatMessage>): Generator<MessageItem> {
  let index = 0
  for (let it = msgs._start; it; it = it.right) {
    if (it.deleted || !it.countable) continue
    const values = it.content.getContent() as ChatMessage[]
    for (let k = 0; k < values.length; k++, index++) {
      const v = values[k]
      if (checkMessage(v, (v as ChatMessage | null)?.from as string) === null) yield { value: v, client: it.id.client, clock: it.id.clock + k, index }
    }
  }
}

/** Member ids from the head's meta.members, whichever JSON shape the server writes. */
export function memberIds(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((m) => (typeof m === 'string' ? m : (m as { id?: unknown } | null)?.id)).filter((m): m is string => typeof m === 'string')
  if (v && typeof v === 'object') return Object.keys(v)
  return []
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** 20 random url-safe characters (120 bits): unique without coordination, valid per MESSAGE_ID_RE. */
export function newMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20))
  let s = ''
  for (const b of bytes) s += ALPHABET[b & 63]
  return s
}
