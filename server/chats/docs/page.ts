// Chat pages `c:<conv>:<n>`: the messages of one chat, PAGE_SIZE at a time. Members append messages
// (their own, with fresh ids), edit or retract their own messages, and put one reaction of their own on
// any message of the page (which they may take back); no message is ever deleted. A
// committed append moves the chat's page length, latest message and, when the page is full, its current
// page (effects.ts); a page before the current one takes no new messages once the one after it has. A
// member blocked in a direct chat appends like anyone (they must not notice): what they write is hidden
// from the one who blocked them (hidden.ts). The system lines of a group (`sys`: invited, left, removed,
// renamed) are the server's to write (system-lines.ts).
import type * as Y from 'yjs'
import { parseDocName, ROOTS } from '../../../protocol/docs.ts'
import { checkEdit, checkMessage, isReaction, parseReactKey, type ChatMessage } from '../../../protocol/messages.ts'
import { PAGE_HARD_LIMIT, PAGE_SIZE } from '../../../protocol/limits.ts'
import { CLOSE } from '../../../protocol/wire.ts'
import type { DocKind, Refusal, RootRule, UpdateRules } from '../../sync/kind.ts'
import type { Batch } from '../../sync/commit.ts'
import type { SyncDoc } from '../../sync/doc.ts'
import { isPlain } from '../../sync/validate.ts'
import type { ConvState } from '../convs.ts'
import type { ChatDomain } from '../domain.ts'
import { PAGE_ROOTS } from './roots.ts'
import { chatAccess } from './access.ts'
import { previewOf } from '../mirror.ts'
import { chatBatch, type ChatEffects } from '../effects.ts'
import { hiddenAfterAppend, hiddenRows } from '../hidden.ts'

const SERVER: RootRule = { type: 'server' }

export interface PageKey {
  convId: string
  page: number
}

export interface PageState {
  conv: ConvState
  /** message id → author, built on first use, dropped when the doc freezes */
  authors: Map<string, string> | null
}

export interface PageGrammarInput {
  userId: string
  /** the server's copy */
  doc: Y.Doc
  conv: ConvState | null
  page: number
  /** author of a message of this page held by the server */
  messageAuthor(id: string): string | undefined
}

/** The grammar of one update to a page; `appended` holds its new messages once it passed. */
export class PageGrammar implements UpdateRules {
  readonly appended: ChatMessage[] = []
  private newMsgs = 0
  /** message id → author, of the messages this update carries */
  private local = new Map<string, string>()
  private readonly msgs: RootRule
  private readonly edits: RootRule
  private readonly reacts: RootRule

  constructor(private input: PageGrammarInput) {
    const { userId } = input
    this.msgs = {
      type: 'array',
      undeletable: 'messages cannot be deleted',
      append: (values, fresh) => {
        for (const v of values) {
          const err = checkMessage(v, userId)
          if (err) return err
          if (!isPlain(v)) return 'message is not a plain object'
        }
        if (fresh > 0) {
          this.newMsgs += fresh
          for (const v of values.slice(values.length - fresh)) {
            const m = v as ChatMessage
            // an id names one message: edits and retractions find their target by it
            if (this.local.has(m.id) || input.messageAuthor(m.id) !== undefined) return 'message id is taken'
            this.appended.push(m)
            this.local.set(m.id, userId)
          }
        }
        for (const v of values) this.local.set((v as ChatMessage).id, userId)
        return null
      },
    }
    this.edits = {
      type: 'map',
      // a retraction stays: an edit goes only by being overwritten
      delete: 'overwrite',
      entry: (key, values) => {
        const author = this.local.get(key) ?? input.messageAuthor(key)
        if (author !== userId) return 'edits only your own messages of this page'
        for (const value of values) {
          const err = checkEdit(value)
          if (err) return err
          if (!isPlain(value)) return 'edit is not a plain object'
        }
        return null
      },
    }
    this.reacts = {
      type: 'map',
      // taking a reaction back deletes it; the engine lets a user delete only items of their own clientIDs
      delete: 'any',
      entry: (key, values) => {
        const k = parseReactKey(key)
        if (!k) return 'reaction key is malformed'
        if (k.userId !== userId) return 'reacts only as yourself'
        if (!this.local.has(k.messageId) && input.messageAuthor(k.messageId) === undefined)
          return 'reacts only to messages of this page'
        for (const value of values) if (!isReaction(value)) return 'reaction is unknown'
        return null
      },
    }
  }

  root(name: string): RootRule | undefined {
    if (name === ROOTS.page.msgs) return this.msgs
    if (name === ROOTS.page.edits) return this.edits
    if (name === ROOTS.page.reacts) return this.reacts
    if (name === ROOTS.page.sys) return SERVER
    return undefined
  }

  finish(): Refusal | null {
    if (this.newMsgs === 0) return null
    const { conv, page, doc } = this.input
    if (!conv) return { code: CLOSE.FORBIDDEN, reason: 'conversation is unknown' }
    if (page < conv.page - 1) return { code: CLOSE.REFUSED, reason: 'page is closed' }
    if (doc.getArray(ROOTS.page.msgs).length + this.newMsgs > PAGE_HARD_LIMIT)
      return { code: CLOSE.REFUSED, reason: 'page is full' }
    return null
  }
}

function messageAuthor(doc: SyncDoc<PageKey, PageState>, id: string): string | undefined {
  let authors = doc.state.authors
  if (!authors) {
    authors = doc.state.authors = new Map()
    for (const m of doc.ydoc.getArray<{ id?: unknown; from?: unknown }>(ROOTS.page.msgs).toArray()) {
      if (m && typeof m.id === 'string' && typeof m.from === 'string') authors.set(m.id, m.from)
    }
  }
  return authors.get(id)
}

/** What an applied append changes in the chat: page length, latest message, roll-over to the next page. */
function recordAppend(effects: ChatEffects, doc: SyncDoc<PageKey, PageState>, appended: ChatMessage[], batch: Batch): void {
  if (appended.length === 0) return
  const conv = doc.state.conv
  const page = doc.key.page
  const part = chatBatch(batch, effects)
  const length = doc.ydoc.getArray(ROOTS.page.msgs).length
  conv.pageLengths.set(page, length)
  part.mirror.pageLengths.set(`${conv.id}:${page}`, { conv: conv.id, page, length })
  const last = appended[appended.length - 1]
  conv.lastPreview = previewOf(last)
  conv.lastFrom = last.from
  conv.lastTs = last.ts
  part.mirror.last.set(conv.id, { preview: conv.lastPreview, from: conv.lastFrom, ts: conv.lastTs })
  for (const m of appended) doc.state.authors?.set(m.id, m.from)
  if (hiddenAfterAppend(conv, page, doc.ydoc.getArray(ROOTS.page.msgs), appended)) part.hidden.set(conv.id, hiddenRows(conv))
  if (page === conv.page && length >= PAGE_SIZE) {
    conv.page = page + 1
    if (!conv.pageLengths.has(page + 1)) conv.pageLengths.set(page + 1, 0)
    part.pages.set(conv.id, page + 1)
  }
}

export function pageKind(chats: ChatDomain, effects: ChatEffects): DocKind<PageKey, PageState> {
  return {
    name: 'page',
    match(name) {
      const p = parseDocName(name)
      return p?.kind === 'page' ? { convId: p.convId, page: p.page } : null
    },
    roots: () => PAGE_ROOTS,
    group: (key) => key.convId,
    // a page after the current one does not exist yet; one before a member joined is not theirs to read
    access: (userId, key) =>
      chatAccess(
        chats,
        userId,
        key.convId,
        (conv) => key.page <= conv.page && key.page >= (conv.members.get(userId)?.since ?? 0),
      ),
    async open(key) {
      const conv = await chats.convs.acquire(key.convId)
      return conv ? { conv, authors: null } : null
    },
    release: (key) => chats.convs.release(key.convId),
    loaded(doc) {
      const { conv } = doc.state
      const len = doc.ydoc.getArray(ROOTS.page.msgs).length
      conv.pageLengths.set(doc.key.page, Math.max(len, conv.pageLengths.get(doc.key.page) ?? 0))
    },
    frozen(doc) {
      doc.state.authors = null
    },
    closed: (doc) => doc.key.page < doc.state.conv.page,
    rules(doc, userId) {
      const g = new PageGrammar({
        userId,
        doc: doc.ydoc,
        conv: doc.state.conv,
        page: doc.key.page,
        messageAuthor: (id) => messageAuthor(doc, id),
      })
      return Object.assign(g, { applied: (batch: Batch) => recordAppend(effects, doc, g.appended, batch) })
    },
  }
}
