// A chat page c:<id>:<n>: up to PAGE_SIZE messages in `msgs` (append-only), their edits and
// retractions in `edits`, and members' reactions to them in `reacts`. Reading messages out of it, with the Yjs item id of each (what acks are about).
import type * as Y from 'yjs'
import { ROOTS } from '../../protocol/docs.ts'
import {
  asSystemLine,
  checkMessage,
  isReaction,
  parseReactKey,
  REACTIONS,
  type ChatMessage,
  type MessageEdit,
  type Reaction,
  type SystemLine,
} from '../../protocol/messages.ts'

export const pageMsgs = (doc: Y.Doc): Y.Array<ChatMessage> => doc.getArray<ChatMessage>(ROOTS.page.msgs)
export const pageEdits = (doc: Y.Doc): Y.Map<MessageEdit> => doc.getMap<MessageEdit>(ROOTS.page.edits)
export const pageReacts = (doc: Y.Doc): Y.Map<Reaction> => doc.getMap<Reaction>(ROOTS.page.reacts)
/** the group's system lines on this page (invited, left, removed, renamed), written by the server */
export const pageSys = (doc: Y.Doc): Y.Array<unknown> => doc.getArray<unknown>(ROOTS.page.sys)

/** The valid system lines of a page, in the order they show (by the message count they follow). */
export const systemLines = (sys: Y.Array<unknown>): SystemLine[] =>
  sys
    .toArray()
    .map(asSystemLine)
    .filter((l): l is SystemLine => l !== null)
    .sort((a, b) => a.at - b.at)

/** One reaction under a message: how many put it there, and whether I am one of them. */
export interface ReactionCount {
  reaction: Reaction
  count: number
  mine: boolean
}

/**
 * Message id → its reactions in REACTIONS order (entries the server would refuse are skipped). `ignored`:
 * someone whose reactions are not counted (a person the reader blocks, while the block lasts).
 */
export function reactionsByMessage(reacts: Y.Map<Reaction>, userId: string, ignored?: string): Map<string, ReactionCount[]> {
  const counts = new Map<string, Map<Reaction, ReactionCount>>()
  for (const [key, value] of reacts) {
    const k = parseReactKey(key)
    if (!k || !isReaction(value) || k.userId === ignored) continue
    let of = counts.get(k.messageId)
    if (!of) counts.set(k.messageId, (of = new Map()))
    const c = of.get(value) ?? { reaction: value, count: 0, mine: false }
    c.count++
    if (k.userId === userId) c.mine = true
    of.set(value, c)
  }
  const out = new Map<string, ReactionCount[]>()
  for (const [id, of] of counts)
    out.set(
      id,
      REACTIONS.flatMap((r) => of.get(r) ?? []),
    )
  return out
}

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
