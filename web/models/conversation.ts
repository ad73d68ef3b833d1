// One open chat: the head doc and the newest page live, older pages on demand, as MessageViews.
import { computed, signal, type Signal } from '@preact/signals'
import { headDoc } from '../../protocol/docs.ts'
import {
  blockedNow,
  isHidden,
  reactKey,
  readPage,
  readPosition,
  type ChatMessage,
  type Reaction,
} from '../../protocol/messages.ts'
import { me } from '../account/session.ts'
import { currentPage, firstPage, headMeta, headReads, memberIds, memberNames } from '../kinds/head.ts'
import { messageItems, newMessageId } from '../kinds/page.ts'
import { onReset, openDoc, whenSynced } from '../sync/docs.ts'
import { connection } from '../sync/connection.ts'
import { readUpTo } from './append.ts'
import { openPages, type Page } from './conversation-pages.ts'
import { chatList } from './inbox.ts'
import { messageViews, unreadCounter, type MessageView } from './message-views.ts'
import { watchTyping } from './typing.ts'
import { deletedHere, hereKey } from './deleted-here.ts'
import { sayViewing } from './viewing.ts'

export type { MessageView } from './message-views.ts'

/**
 * Calls `fn` when chat `convId`'s head is set aside for the server's copy (models/refused.ts): an open
 * chat is opened again on the fresh copy. Returns a function that stops it.
 */
export function onHeadReset(convId: string, fn: () => void): () => void {
  const name = headDoc(convId)
  const stop = onReset((n) => {
    if (n === name) fn()
  })
  return () => void stop()
}

/** Where a message is: its page and its id. */
export type MessageAt = Pick<MessageView, 'page' | 'id'>

export interface Conversation {
  messages: Signal<MessageView[]>
  hasOlder: Signal<boolean>
  /** the newest page's stored copy is in: an empty list now means an empty chat, not one still loading */
  settled: Signal<boolean>
  /** id → name of everyone who is or was in the chat (the head's meta.names, live): who wrote what */
  authors: Signal<ReadonlyMap<string, string>>
  loadOlder(): Promise<void>
  send(body: string, replyTo?: string): void
  /**
   * A message is named by its page and id: ids are unique within a page only (docs/protocol.md), and
   * another member could give a message of theirs on a later page the id of one of mine.
   */
  edit(m: MessageAt, body: string): void
  retract(m: MessageAt): void
  /**
   * Whether one of my messages can be taken back before it is sent: the server does not hold it and its
   * page has no open socket (once one is open, it may be on its way). Not one I reacted to or edited:
   * those would reach the server naming a message it never gets.
   */
  canWithdraw(m: MessageAt): boolean
  /** Takes such a message back (docs/protocol.md, Withdrawing a message); false when it cannot be. */
  withdraw(m: MessageAt): boolean
  /** puts my reaction on a message (replacing the one I had), or takes mine back with null */
  react(m: MessageAt, reaction: Reaction | null): void
  markRead(): void
  /**
   * The first message of someone else's that was new to me as the chat opened (after where I had read up
   * to, including those the server brings on opening); null when there was none, undefined until known.
   */
  newFrom: Signal<MessageAt | null | undefined>
  typing: Signal<string[]>
  setTyping(on: boolean): void
  close(): void
}

/** a newest page shorter than this (it just rolled over) is topped up with the page before, at open */
const SHORT_PAGE = 50
/** how long a chat opened on a device that never stored its head waits for the server's copy of where I read up to */
const READS_WAIT_MS = 3_000
/** what the server brings of the newest page within this after opening is new "as the chat opened" */
const OPENING_SYNC_MS = 30_000

/** Calls `fn` once in a microtask however often this is called before then; never once `stopped()`. */
function batched(fn: () => void, stopped: () => boolean): () => void {
  let scheduled = false
  return () => {
    if (scheduled || stopped()) return
    scheduled = true
    queueMicrotask(() => {
      scheduled = false
      if (!stopped()) fn()
    })
  }
}

function sameNames(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>): boolean {
  if (a.size !== b.size) return false
  for (const [id, name] of a) if (b.get(id) !== name) return false
  return true
}

export function openConversation(convId: string): Conversation {
  const userId = me.value?.id ?? ''
  const head = openDoc(headDoc(convId))
  const stopHead = head.live()
  const meta = headMeta(head.doc)
  const reads = headReads(head.doc)
  const messages = signal<MessageView[]>([])
  const hasOlder = signal(false)
  const settled = signal(false)
  const newFrom = signal<MessageAt | null | undefined>(undefined)
  /** where I had read up to as the chat opened: taken from the head's stored copy, before anything marks read */
  let readAtOpen: number | null = null
  /** a read asked for before readAtOpen was known, done once it is */
  let readWanted = false
  /** until the newest page has synced with the server once since the chat opened (or stopped waiting for it) */
  let opening = true
  /** where I had read up to is known: in the head's stored copy, or else in the server's */
  let headIn = false
  /** the newest message, also when it is deleted on this device: what reading the chat reads up to */
  let lastRead: MessageView | undefined
  const authors = signal<ReadonlyMap<string, string>>(new Map())
  const views = new Map<string, MessageView>()
  let closed = false
  /** older pages are offered only once the newest page's stored copy is in: an empty newest page that
   * is merely still loading must not pull in the whole previous page (that cost every open ~1,000 messages) */
  let newestLoaded = false

  // someone I blocked: what they wrote while blocked is not shown (my inbox entry says which, hidden.ts)
  const hidden = computed(() => chatList.value.find((c) => c.id === convId)?.hidden)
  const render = (): void => {
    const h = hidden.peek()
    const all = messageViews(
      pages.sorted(),
      userId,
      unreadCounter(memberIds(meta.get('members')), reads, (id) => firstPage(meta, id)),
      views,
      blockedNow(h),
    )
    const unblocked = h ? all.filter((m) => !isHidden(h, m.from, m.page, m.index)) : all
    // reading reaches the newest message, shown or deleted on this device
    lastRead = unblocked[unblocked.length - 1]
    const gone = deletedHere.peek()
    const shown = gone.size ? unblocked.filter((m) => m.system || !gone.has(hereKey(convId, m.page, m.id))) : unblocked
    if (headIn && readAtOpen === null) readAtOpen = reads.get(userId) ?? 0
    if (newFrom.peek() === undefined && readAtOpen !== null && newestLoaded) {
      // (nothing before the page I joined on was ever mine to read)
      const at = Math.max(readAtOpen, readPosition(firstPage(meta, userId), 0))
      const first = shown.find((m) => !m.system && m.from !== userId && readPosition(m.page, m.index) >= at)
      // where I left off is in a page not open (more than a page is new): the line would sit under
      // messages that are new too, so there is none, and the room opens at the newest as it always did
      if (first && readPage(at) < pages.oldest()) newFrom.value = null
      else if (first) newFrom.value = { page: first.page, id: first.id }
      // nothing new in the stored copy: maybe in what the server brings; after that, what comes is live
      else if (!opening) newFrom.value = null
    }
    messages.value = shown
    hasOlder.value = newestLoaded && pages.oldest() > firstPage(meta, userId)
    if (readWanted && readAtOpen !== null) {
      readWanted = false
      markRead()
    }
  }
  const schedule = batched(render, () => closed)
  const pages = openPages(convId, schedule)
  const typing = watchTyping(head, userId)
  const stopViewing = sayViewing(head, userId)
  const stopHidden = hidden.subscribe(schedule)
  const stopDeleted = deletedHere.subscribe(schedule)
  const typingShown = computed(() => {
    const blocked = blockedNow(hidden.value)
    return blocked ? typing.who.value.filter((id) => id !== blocked) : typing.who.value
  })

  // the newest page follows the head's meta.page (it rolls over every PAGE_SIZE messages)
  const onMeta = (): void => {
    if (!closed) {
      const was = pages.newest
      pages.follow(currentPage(meta))
      // moved on two pages or more: the new newest page alone is open, and may hold next to nothing
      if (was >= 0 && pages.newest > was + 1) void topUp()
      // opened before the head said where I joined (a device that never synced it): let go of earlier pages
      pages.dropBelow(firstPage(meta, userId))
    }
    const names = memberNames(meta.get('names'))
    if (!sameNames(names, authors.peek())) authors.value = names
    schedule()
  }
  meta.observe(onMeta)
  reads.observe(schedule)
  const ready = head.loaded.then(onMeta)
  // a head this device never stored (a new device) does not know where I had read up to: the server's does
  void head.loaded
    .then(() => reads.has(userId) || connection.peek() === 'offline' || whenSynced(head, READS_WAIT_MS))
    .then(() => {
      headIn = true
      schedule()
    })

  async function loadOlder(): Promise<void> {
    await ready
    // the server refuses the pages before the one I joined on
    if (!closed && pages.oldest() > firstPage(meta, userId)) await pages.loadOlder()
  }

  /** the newest page, when it is alone and short once its stored copy and the server's are in, brings the one before */
  async function topUp(): Promise<void> {
    const p = pages.get(pages.newest)
    if (!p) return
    await p.ref.loaded
    await whenSynced(p.ref, OPENING_SYNC_MS)
    if (!closed && pages.get(pages.newest) === p && pages.oldest() === p.n && p.msgs.length < SHORT_PAGE) await loadOlder()
  }

  // a page that just rolled over shows next to nothing: bring in the previous one (Dexie first)
  void ready
    .then(() => pages.get(pages.newest)?.ref.loaded)
    .catch(() => undefined)
    .then(() => {
      newestLoaded = true
      settled.value = true
      schedule()
      const p = pages.get(pages.newest)
      if (p)
        void whenSynced(p.ref, OPENING_SYNC_MS).then(() => {
          opening = false
          schedule()
        })
      else opening = false
      if (!closed && p && p.msgs.length < SHORT_PAGE && pages.newest > firstPage(meta, userId)) return loadOlder()
    })
    .catch(() => undefined)

  const write = (fn: () => void): void => {
    // normally the head is already loaded from Dexie; only right after opening do we wait for it
    // (so that the message goes into the right page)
    if (pages.newest >= 0) fn()
    else
      void ready.then(() => {
        if (!closed) fn()
      })
  }
  /** the page of a message shown, and the message */
  const shownAt = (at: MessageAt): { p: Page; v: MessageView } | null => {
    const v = messages.peek().find((m) => m.page === at.page && m.id === at.id && !m.system)
    const p = v && pages.get(v.page)
    return p && v ? { p, v } : null
  }
  /** one of my messages that can be taken back before it is sent (canWithdraw), and its page */
  const withdrawable = (at: MessageAt): { p: Page; v: MessageView } | null => {
    const s = shownAt(at)
    if (!s || s.v.from !== userId || s.v.state !== 'waiting' || s.p.ref.provider()?.wsconnected) return null
    if (s.p.edits.has(at.id) || s.p.reacts.has(reactKey(at.id, userId))) return null
    return s
  }
  /** the page of one of my own messages, for editing it */
  const myPage = (at: MessageAt): Page | null => {
    const s = shownAt(at)
    return s?.v.from === userId ? s.p : null
  }

  function markRead(): void {
    const last = lastRead
    if (!last || !userId) return
    if (readAtOpen === null) {
      readWanted = true
      return
    }
    readUpTo(head.doc, userId, last.page, last.index + 1)
  }

  return {
    messages,
    hasOlder,
    settled,
    authors,
    newFrom,
    typing: typingShown,
    loadOlder,
    send(body, replyTo) {
      if (!userId || !body) return
      write(() => {
        const m: ChatMessage = { id: newMessageId(), from: userId, ts: Date.now(), kind: 'text', body }
        if (replyTo) m.replyTo = replyTo
        // insert at length uses Yjs's search markers; push walks the array from its start every time
        const msgs = pages.open(pages.newest).msgs
        msgs.insert(msgs.length, [m])
        // the sender has read up to their own message (docs/protocol.md), written in the same task so
        // that a tab closed right after keeps both (the stash is synchronous), not after the next render
        readUpTo(head.doc, userId, pages.newest, msgs.length)
      })
    },
    edit(at, body) {
      const p = myPage(at)
      if (p && body) p.edits.set(at.id, { body, ts: Date.now() })
    },
    retract(at) {
      myPage(at)?.edits.set(at.id, { retracted: true, ts: Date.now() })
    },
    canWithdraw: (at) => withdrawable(at) !== null,
    withdraw(at) {
      const s = withdrawable(at)
      if (!s) return false
      const { p } = s
      const item = [...messageItems(p.msgs)].find((m) => m.value.id === at.id)
      if (!item) return false
      p.msgs.delete(item.index, 1)
      // I had read up to my own message: my read position goes back to the page's end, unless the
      // server already holds it there (a read position never falls, and the server refuses one that does)
      const mine = reads.get(userId) ?? 0
      const end = readPosition(p.n, p.msgs.length)
      const held = reads._map.get(userId)
      if (mine > end && readPage(mine) === p.n && held && !head.isAcked(held.id.client, held.id.clock)) reads.set(userId, end)
      return true
    },
    react(at, reaction) {
      const p = shownAt(at)?.p
      if (!p || !userId) return
      const key = reactKey(at.id, userId)
      if (reaction) p.reacts.set(key, reaction)
      else p.reacts.delete(key)
    },
    markRead,
    setTyping: (on) => typing.set(on),
    close() {
      if (closed) return
      closed = true
      stopHidden()
      stopDeleted()
      typing.close()
      stopViewing()
      meta.unobserve(onMeta)
      reads.unobserve(schedule)
      pages.close()
      stopHead()
      head.release()
    },
  }
}
