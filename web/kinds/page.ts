// A chat page c:<id>:<n>: up to PAGE_SIZE messages in `msgs` (append-only) and their edits and
// retractions in `edits`. Reading messages out of it, with the Yjs item id of each (what acks are about).
import type * as Y from 'yjs'
import { ROOTS } from '../../protocol/docs.ts'
import { checkMessage, type ChatMessage, type MessageEdit } from '../../protocol/messages.ts'

export const pageMsgs = (doc: Y.Doc): Y.Array<ChatMessage> => doc.getArray<ChatMessage>(ROOTS.page.msgs)
export const pageEdits = (doc: Y.Doc): Y.Map<MessageEdit> => doc.getMap<MessageEdit>(ROOTS.page.edits)

export interface MessageItem {
  value: ChatMessage
  client: number
  clock: number
  index: number
}

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
      if (checkMessage(v, (v as ChatMessage | null)?.from as string) === null)
        yield { value: v, client: it.id.client, clock: it.id.clock + k, index }
    }
  }
}

/** A message as it reads after its edit: the edited body, or nothing once retracted. */
export function edited(m: ChatMessage, edit: MessageEdit | undefined): { body: string; edited: boolean; retracted: boolean } {
  const retracted = !!edit && 'retracted' in edit
  return { body: retracted ? '' : edit && 'body' in edit ? edit.body : m.body, edited: !!edit && !retracted, retracted }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** 20 random url-safe characters (120 bits): unique without coordination, valid per MESSAGE_ID_RE. */
export function newMessageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(20))
  let s = ''
  for (const b of bytes) s += ALPHABET[b & 63]
  return s
}
