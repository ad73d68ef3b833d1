// Chat pages `c:<conv>:<n>`: the messages of one chat, PAGE_SIZE at a time. Members append messages
// (their own, with fresh ids), edit or retract their own messages, and put one reaction of their own on
// any message of the page (which they may take back); no message the server holds is ever deleted (one
// withdrawn before it was sent arrives deleted, its words gone, and counts as none). A
// committed append moves the chat's page length, latest message and, when the page is full, its current
// page (effects.ts); a page before the current one takes no new messages once the one after it has. A
// member blocked in a direct chat appends like anyone (they must not notice): what they write is hidden
// from the one who blocked them (hidden.ts). In a channel chat the channel's admins write as themselves,
// and nothing of theirs is taken once the member blocked the channel, nor a new message of the member's
// until they unblock it (channelSideRefusal). The system
// lines of a group (`sys`: invited, left, removed, renamed) are the server's to write (system-lines.ts). A media message must match the blob it names,
// which its author uploaded to this chat (server/media/facts.ts: looked up when memory does not hold it);
// its commit records that the page names the blob, and its retraction drops that (server/media/refs.ts).
// A link message (Sori Link) must match the share ticket it names, which its author made
// (server/apps/facts.ts: looked up for every update that carries one); its commit counts the ticket's use
// and queues the app's webhook call (server/apps/uses.ts). It can be retracted, never edited.
import * as Y from 'yjs'
import { parseDocName, ROOTS } from '../../../protocol/docs.ts'
import {
  checkEdit,
  checkMessage,
  isReaction,
  messageText,
  parseReactKey,
  type ChatMessage,
  type MediaRef,
} from '../../../protocol/messages.ts'
import type { LinkPayload } from '../../../protocol/link.ts'
import { PAGE_HARD_LIMIT, PAGE_MAX_TEXT_CHARS, PAGE_SIZE } from '../../../protocol/limits.ts'
import { CLOSE, MESSAGE_HELD, PAGE_CLOSED, PAGE_FULL, PAGE_TEXT_FULL } from '../../../protocol/wire.ts'
import type { DocKind, Refusal, RootRule, UpdateRules } from '../../sync/kind.ts'
import type { Batch } from '../../sync/commit.ts'
import type { SyncDoc } from '../../sync/doc.ts'
import { isPlain } from '../../sync/validate.ts'
import type { ConvState } from '../convs.ts'
import type { ChatDomain } from '../domain.ts'
import { PAGE_ROOTS } from './roots.ts'
import { chatAccess } from './access.ts'
import { asEdited, lastOf, withAlbum, type LastMessage } from '../mirror.ts'
import { lastMessage, setLastMessage } from '../convs.ts'
import { chatBatch, type ChatEffects } from '../effects.ts'
import { hiddenAfterAppend, hiddenRows } from '../hidden.ts'
import { mediaMismatch, type BlobFact, type BlobLookup } from '../../media/facts.ts'
import { loadTickets, ticketMismatch, type TicketFact, type TicketLookup } from '../../apps/facts.ts'

const SERVER: RootRule = { type: 'server' }

export interface PageKey {
  convId: string
  page: number
}

export interface PageState {
  conv: ConvState
  /** message id → author, built on first use, dropped when the doc freezes */
  authors: Map<string, string> | null
  /** message id → the blob it names, of the media messages; built and dropped with `authors` */
  blobs: Map<string, string> | null
  /** ids of the link messages; built and dropped with `authors` */
  links: Set<string> | null
  /** the characters of its messages' text (PAGE_ROLL_TEXT_CHARS); counted on first use, dropped with `authors` */
  textChars: number | null
}

/** What an update's second validation has: the blobs and the share tickets its messages name. */
export interface PageFacts {
  blobs: BlobLookup
  tickets: TicketLookup
}

export interface PageGrammarInput {
  userId: string
  /** the server's copy */
  doc: Y.Doc
  conv: ConvState | null
  page: number
  /** author of a message of this page held by the server */
  messageAuthor(id: string): string | undefined
  /** a blob's facts, from memory or this update's lookup (null: there is no such blob); undefined: not looked up */
  blob(id: string): BlobFact | null | undefined
  /** looks the blobs up, for this update */
  loadBlobs(ids: string[]): Promise<BlobLookup>
  /** is message `id` of this page held by the server a link message? (absent: none is) */
  isLink?(id: string): boolean
  /** a share ticket's facts from this update's lookup (null: there is no such ticket); undefined: not looked up */
  ticket?(id: string): TicketFact | null | undefined
  /** looks the share tickets up, for this update (absent: there are none, so every link message is refused) */
  loadTickets?(ids: string[]): Promise<TicketLookup>
  /** the characters of the text of the messages the server holds (absent: not counted) */
  textChars?(): number
  /** no message past this many characters of text in the page (PAGE_MAX_TEXT_CHARS unless configured) */
  textMax?: number
}

type MediaMessage = ChatMessage & { media: MediaRef }
type LinkMessage = ChatMessage & { link: LinkPayload }

/**
 * The grammar of one update to a page; once it passed, `appended` holds its new messages, `media` those of
 * them that are media messages, `edited` the ids of the messages whose edits it writes.
 */
export class PageGrammar implements UpdateRules<PageFacts> {
  readonly appended: ChatMessage[] = []
  readonly media: MediaMessage[] = []
  readonly links: LinkMessage[] = []
  readonly edited = new Set<string>()
  /** the id of the last value of an item that appends messages (where to look for the page's end) */
  appendedAt: Y.ID | null = null
  private newMsgs = 0
  /** characters of the new messages' text */
  private newChars = 0
  /** characters of the text of the edits the update writes (their last values), less those they replace */
  private newEditChars = 0
  /** blobs the update's media messages name that neither memory nor a lookup knows yet */
  private lacking: string[] = []
  /** tickets the update's link messages name that no lookup for it knows yet */
  private lackingTickets: string[] = []
  /** ids of the link messages this update carries */
  private localLinks = new Set<string>()
  /** message id → author, of the messages this update carries */
  private local = new Map<string, string>()
  private readonly msgs: RootRule
  // most updates append a message: the other roots' rules are made when an update writes there
  private edits: RootRule | null = null
  private reacts: RootRule | null = null

  constructor(private input: PageGrammarInput) {
    const { userId } = input
    this.msgs = {
      type: 'array',
      undeletable: MESSAGE_HELD,
      withdraw: true,
      append: (values, fresh, client, last) => {
        for (const v of values) {
          const err = checkMessage(v, userId)
          if (err) return err
          if (!isPlain(v)) return 'message is not a plain object'
        }
        if (fresh > 0) {
          this.appendedAt = { client, clock: last }
          this.newMsgs += fresh
          for (const v of values.slice(values.length - fresh)) {
            const m = v as ChatMessage
            this.newChars += m.body.length
            // an id names one message: edits and retractions find their target by it
            if (this.local.has(m.id) || input.messageAuthor(m.id) !== undefined) return 'message id is taken'
            this.appended.push(m)
            if (m.kind === 'media') this.media.push(m as MediaMessage)
            if (m.kind === 'link') this.links.push(m as LinkMessage)
            this.local.set(m.id, userId)
            if (m.kind === 'link') this.localLinks.add(m.id)
          }
        }
        // the values the server holds already are not judged (they are trimmed off): what the update says of
        // them names nobody's message (their authors are the server's to tell, messageAuthor)
        return null
      },
    }
  }

  private editsRule(): RootRule {
    const { input } = this
    const { userId } = input
    return {
      type: 'map',
      // a retraction stays: an edit goes only by being overwritten
      delete: 'overwrite',
      entry: (key, values, fresh) => {
        const author = this.local.get(key) ?? input.messageAuthor(key)
        if (author !== userId) return 'edits only your own messages of this page'
        const link = this.localLinks.has(key) || (input.isLink?.(key) ?? false)
        for (const value of values) {
          const err = checkEdit(value)
          if (err) return err
          if (!isPlain(value)) return 'edit is not a plain object'
          // the card is the ticket's: its author may take it back, not rewrite it
          if (link && !('retracted' in value)) return 'a link message cannot be edited'
        }
        if (fresh) {
          this.edited.add(key)
          // net of the text it replaces
          const last = values[values.length - 1] as { body?: unknown } | undefined
          const held = input.doc.getMap<{ body?: unknown }>(ROOTS.page.edits).get(key)
          if (typeof last?.body === 'string') this.newEditChars += last.body.length
          if (typeof held?.body === 'string') this.newEditChars -= held.body.length
        }
        return null
      },
    }
  }

  private reactsRule(): RootRule {
    const { input } = this
    const { userId } = input
    return {
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
    if (name === ROOTS.page.edits) return (this.edits ??= this.editsRule())
    if (name === ROOTS.page.reacts) return (this.reacts ??= this.reactsRule())
    if (name === ROOTS.page.sys) return SERVER
    return undefined
  }

  finish(): Refusal | null {
    const side = channelSideRefusal(this.input.conv, this.input.userId, this.newMsgs)
    if (side) return side
    // an edit's text counts as a message's does: else edits of one-letter messages fill a page past its bound
    const max = this.input.textMax ?? PAGE_MAX_TEXT_CHARS
    if (this.newEditChars > 0 && this.input.textChars && this.input.textChars() + this.newChars + this.newEditChars > max)
      return { code: CLOSE.REFUSED, reason: PAGE_TEXT_FULL }
    if (this.newMsgs === 0) return null
    const { conv, page, doc } = this.input
    if (!conv) return { code: CLOSE.FORBIDDEN, reason: 'conversation is unknown' }
    if (page < conv.page - 1) return { code: CLOSE.REFUSED, reason: PAGE_CLOSED }
    if (doc.getArray(ROOTS.page.msgs).length + this.newMsgs > PAGE_HARD_LIMIT) return { code: CLOSE.REFUSED, reason: PAGE_FULL }
    if (this.input.textChars && this.input.textChars() + this.newChars > max) return { code: CLOSE.REFUSED, reason: PAGE_FULL }
    this.lacking = []
    for (const m of this.media) {
      const blob = this.input.blob(m.media.id)
      if (blob === undefined) {
        this.lacking.push(m.media.id)
        continue
      }
      const err = mediaMismatch(m.media, m.from, conv.id, blob)
      if (err) return { code: CLOSE.REFUSED, reason: err }
    }
    this.lackingTickets = []
    const now = Date.now()
    for (const m of this.links) {
      const ticket = this.input.ticket?.(m.link.ticket)
      if (ticket === undefined) {
        this.lackingTickets.push(m.link.ticket)
        continue
      }
      const err = ticketMismatch(m.link, m.from, conv.id, ticket, now)
      if (err) return { code: CLOSE.REFUSED, reason: err }
    }
    return null
  }

  lacks(): (() => Promise<PageFacts>) | null {
    if (this.lacking.length === 0 && this.lackingTickets.length === 0) return null
    const blobs = [...new Set(this.lacking)]
    const tickets = [...new Set(this.lackingTickets)]
    return async () => ({
      blobs: blobs.length ? await this.input.loadBlobs(blobs) : new Map(),
      tickets: new Map(
        tickets.length && this.input.loadTickets ? await this.input.loadTickets(tickets) : tickets.map((id) => [id, null]),
      ),
    })
  }
}

/**
 * In a channel chat, who writes for the channel must be one of its admins now, and writes nothing once the
 * member blocked the channel or the channel was disabled; the member writes no new message while they block
 * it. The update is refused whole.
 */
function channelSideRefusal(conv: ConvState | null, userId: string, newMsgs: number): Refusal | null {
  if (conv?.kind !== 'channel') return null
  const ch = conv.channel
  // the user took the chat away from the channel: what they would write now no admin could read
  if (conv.members.has(userId))
    return ch?.blocked && newMsgs > 0
      ? { code: CLOSE.REFUSED, reason: 'you blocked this channel: unblock it to write to it' }
      : null
  if (!ch || !ch.admins.has(userId) || conv.members.size === 0)
    return { code: CLOSE.FORBIDDEN, reason: 'only the channel’s admins write for it' }
  if (ch.blocked) return { code: CLOSE.REFUSED, reason: 'this person blocked the channel' }
  if (ch.disabled) return { code: CLOSE.REFUSED, reason: 'the channel is disabled' }
  return null
}

/** The page's index of its messages' authors, blobs and link messages, built on first use. */
function indexed(doc: SyncDoc<PageKey, PageState>): {
  authors: Map<string, string>
  blobs: Map<string, string>
  links: Set<string>
} {
  const { state } = doc
  if (!state.authors || !state.blobs || !state.links) {
    const authors = (state.authors = new Map())
    const blobs = (state.blobs = new Map())
    const links = (state.links = new Set())
    for (const m of doc.ydoc
      .getArray<{ id?: unknown; from?: unknown; kind?: unknown; media?: { id?: unknown } }>(ROOTS.page.msgs)
      .toArray()) {
      if (!m || typeof m.id !== 'string') continue
      if (typeof m.from === 'string') authors.set(m.id, m.from)
      if (typeof m.media?.id === 'string') blobs.set(m.id, m.media.id)
      if (m.kind === 'link') links.add(m.id)
    }
  }
  return { authors: state.authors, blobs: state.blobs, links: state.links }
}

const messageAuthor = (doc: SyncDoc<PageKey, PageState>, id: string): string | undefined => indexed(doc).authors.get(id)

/**
 * What an applied append changes in the chat: page length, latest message, roll-over to the next page.
 * `author` wrote every message of `appended` (the grammar checked `from`): the index keeps that one string,
 * not each decoded message's copy of it, which would outlive the update in the old generation.
 */
function recordAppend(
  effects: ChatEffects,
  doc: SyncDoc<PageKey, PageState>,
  author: string,
  g: PageGrammar,
  batch: Batch,
  rollTextChars: number,
): void {
  const { appended } = g
  if (appended.length === 0 || !g.appendedAt) return
  const conv = doc.state.conv
  const page = doc.key.page
  const part = chatBatch(batch, effects)
  const length = doc.ydoc.getArray(ROOTS.page.msgs).length
  conv.pageLengths.set(page, length)
  part.mirror.pageLengths.set(`${conv.id}:${page}`, { conv: conv.id, page, length })
  // An append lands after the message it names, not always at the end (two members writing at once, one
  // offline; Yjs orders them by clientID): the chat list shows the page's last message, as its members do.
  // (Found from the appended item: the page's items by index would be a walk from its start.)
  const tailId = pageTail(doc.ydoc, g.appendedAt)
  const newest = appended.find((m) => m.id === tailId)
  if (newest) {
    // the appended messages one after another, each after the latest before it: an album's count
    let last = lastMessage(conv)
    for (const m of appended) {
      last = withAlbum(last, m, latestOf(conv, m, undefined, true))
      if (m === newest) break
    }
    setLastMessage(conv, last)
    part.mirror.last.set(conv.id, last)
  } else {
    // the chat got a message all the same: its inbox entries' counts, its push (push/notices.ts), and its
    // time, which moves on as for any new message (it sorts chat lists and brings a hidden chat back)
    const last = { ...lastMessage(conv), ts: latestOf(conv, appended[appended.length - 1]!, undefined, true).ts }
    setLastMessage(conv, last)
    part.mirror.last.set(conv.id, last)
    ;(part.offTail ??= new Set()).add(conv.id)
  }
  part.latest.set(conv.id, newest ?? appended[appended.length - 1])
  let texts = part.texts.get(conv.id)
  if (!texts) part.texts.set(conv.id, (texts = []))
  for (const m of appended) {
    const text = messageText(m)
    if (text) texts.push(text)
    doc.state.authors?.set(m.id, author)
    if (m.media) doc.state.blobs?.set(m.id, m.media.id)
    if (m.link) {
      doc.state.links?.add(m.id)
      part.links.push({
        ticket: m.link.ticket,
        convId: conv.id,
        chatType: conv.kind === 'group' ? 'group' : 'direct',
        messageId: m.id,
        ts: Date.now(),
      })
    }
  }
  if (hiddenAfterAppend(conv, page, doc.ydoc.getArray(ROOTS.page.msgs), appended)) part.hidden.set(conv.id, hiddenRows(conv))
  // (the update is in the server's copy now: counted afresh, the copy holds it; else it is added)
  const chars =
    doc.state.textChars === null ? textChars(doc) : doc.state.textChars + appended.reduce((n, m) => n + m.body.length, 0)
  doc.state.textChars = chars
  if (page === conv.page && (length >= PAGE_SIZE || chars >= rollTextChars)) {
    conv.page = page + 1
    if (!conv.pageLengths.has(page + 1)) conv.pageLengths.set(page + 1, 0)
    part.pages.set(conv.id, page + 1)
  }
}

/**
 * The characters of the text of the page's messages and of their edits in the server's copy (counted once,
 * then kept up by appends; counted again after an edit, which replaces a text of its own).
 */
function textChars(doc: SyncDoc<PageKey, PageState>): number {
  if (doc.state.textChars === null) {
    let n = 0
    for (const m of doc.ydoc.getArray<ChatMessage>(ROOTS.page.msgs)) n += typeof m.body === 'string' ? m.body.length : 0
    for (const e of doc.ydoc.getMap<unknown>(ROOTS.page.edits).values())
      if (isPlain(e) && typeof (e as { body?: unknown }).body === 'string') n += (e as { body: string }).body.length
    doc.state.textChars = n
  }
  return doc.state.textChars
}

/**
 * `m` as the chat's latest message, its time never before the chat's start nor its last one's, and after it
 * when `m` is new: chat lists are sorted by it, and a chat hidden from a list comes back when it moves past
 * the time it was hidden at (docs/protocol.md); an author's clock running late would leave it hidden.
 */
function latestOf(conv: ConvState, m: ChatMessage, edit: unknown, isNew: boolean): LastMessage {
  const last = lastOf(m, edit)
  last.ts = Math.max(last.ts, conv.lastTs + (isNew ? 1 : 0), conv.created)
  return last
}

/** The id of the page's last message, found from the item at `from` onwards. */
function pageTail(doc: Y.Doc, from: Y.ID): unknown {
  if (Y.getState(doc.store, from.client) <= from.clock) return undefined // not integrated: never after validation
  let item: Y.Item | null = Y.getItem(doc.store, from)
  let tail: Y.Item | null = null
  for (; item; item = item.right) if (!item.deleted && item.countable) tail = item
  const values = tail?.content.getContent()
  return (values?.[values.length - 1] as { id?: unknown } | undefined)?.id
}

/**
 * An edit or retraction of the chat's latest message changes what chat lists show of it: its new text, or
 * that it was deleted (never the text its author took back).
 */
function recordLastEdit(effects: ChatEffects, doc: SyncDoc<PageKey, PageState>, g: PageGrammar, batch: Batch): void {
  if (g.edited.size === 0) return
  const conv = doc.state.conv
  const page = doc.key.page
  // the newest page that holds messages (a page that has just rolled over holds none yet)
  if (page !== conv.page && !(page === conv.page - 1 && !conv.pageLengths.get(conv.page))) return
  const msgs = doc.ydoc.getArray<ChatMessage>(ROOTS.page.msgs)
  if (msgs.length === 0) return
  const m = msgs.get(msgs.length - 1)
  if (!g.edited.has(m.id)) return
  const edit = doc.ydoc.getMap<unknown>(ROOTS.page.edits).get(m.id)
  const last = latestOf(conv, m, edit, false)
  setLastMessage(conv, last)
  const part = chatBatch(batch, effects)
  part.mirror.last.set(conv.id, last)
  // a message appended in this same batch is pushed as it now reads, or not at all (push/notices.ts)
  if (part.latest.get(conv.id)?.id === m.id) {
    const now = asEdited(m, edit)
    if (now) part.latest.set(conv.id, now)
    else part.latest.delete(conv.id)
  }
}

/**
 * The blobs an applied update's media messages name, and those whose messages it retracted (or, editing
 * a retraction over, brought back): in the batch's transaction, with the messages (server/media/refs.ts).
 */
function recordRefs(effects: ChatEffects, doc: SyncDoc<PageKey, PageState>, g: PageGrammar, batch: Batch): void {
  if (g.media.length === 0 && g.edited.size === 0) return
  const convId = doc.state.conv.id
  const page = doc.key.page
  const refs = chatBatch(batch, effects).refs
  const ref = (msgId: string, blobId: string, on: boolean) =>
    refs.set(`${convId}:${page}:${msgId}`, { convId, page, msgId, blobId, on })
  for (const m of g.media) ref(m.id, m.media.id, true)
  if (g.edited.size === 0) return
  const edits = doc.ydoc.getMap<unknown>(ROOTS.page.edits)
  const { blobs } = indexed(doc)
  for (const id of g.edited) {
    const blob = blobs.get(id)
    if (!blob) continue
    const e = edits.get(id)
    ref(id, blob, !(isPlain(e) && e.retracted === true))
  }
}

export function pageKind(chats: ChatDomain, effects: ChatEffects): DocKind<PageKey, PageState, PageFacts> {
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
      return conv ? { conv, authors: null, blobs: null, links: null, textChars: null } : null
    },
    release: (key) => chats.convs.release(key.convId),
    loaded(doc) {
      const { conv } = doc.state
      const len = doc.ydoc.getArray(ROOTS.page.msgs).length
      conv.pageLengths.set(doc.key.page, Math.max(len, conv.pageLengths.get(doc.key.page) ?? 0))
    },
    frozen(doc) {
      doc.state.authors = null
      doc.state.blobs = null
      doc.state.links = null
      doc.state.textChars = null
    },
    closed: (doc) => doc.key.page < doc.state.conv.page,
    rules(doc, userId, facts) {
      const g = new PageGrammar({
        userId,
        doc: doc.ydoc,
        conv: doc.state.conv,
        page: doc.key.page,
        messageAuthor: (id) => messageAuthor(doc, id),
        blob: (id) => chats.blobs.cached(id) ?? facts?.blobs.get(id),
        loadBlobs: (ids) => chats.blobs.load(ids),
        isLink: (id) => indexed(doc).links.has(id),
        ticket: (id) => facts?.tickets.get(id),
        loadTickets: (ids) => loadTickets(chats.db, ids),
        textChars: () => textChars(doc),
        textMax: chats.pageText.max,
      })
      return Object.assign(g, {
        applied: (batch: Batch) => {
          recordAppend(effects, doc, userId, g, batch, chats.pageText.roll)
          recordLastEdit(effects, doc, g, batch)
          // an edit replaced a text of its own: the page's characters are counted again when next asked
          if (g.edited.size > 0) doc.state.textChars = null
          recordRefs(effects, doc, g, batch)
        },
      })
    },
  }
}
