// One open chat: the head doc and the newest page live, older pages on demand, as MessageViews.
import { effect, signal, type Signal } from '@preact/signals'
import * as Y from 'yjs'
import { headDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import { PAGE_STRIDE } from '../../protocol/limits.ts'
import { readPosition, type ChatMessage, type MessageEdit } from '../../protocol/messages.ts'
import { openDoc, whenSynced, type DocRef } from './docs.ts'
import { me } from './session.ts'
import { memberIds, messageItems, newMessageId } from './messages.ts'

export interface MessageView {
  id: string; from: string; ts: number; body: string; replyTo?: string
  page: number; index: number
  edited: boolean; retracted: boolean
  /** mine only: 'waiting' until the server's ack (or its sync state vector) covers it */
  state: 'waiting' | 'sent'
  /** members other than the author whose read position does not cover it */
  unread: number
}

export interface Conversation {
  messages: Signal<MessageView[]>
  hasOlder: Signal<boolean>
  /** the newest page's stored copy is in: an empty list now means an empty chat, not one still loading */
  settled: Signal<boolean>
  loadOlder(): Promise<void>
  send(body: string, replyTo?: string): void
  edit(id: string, body: string): void
  retract(id: string): void
  markRead(): void
  typing: Signal<string[]>
  setTyping(on: boolean): void
  close(): void
}

interface Page {
  n: number
  ref: DocRef
  msgs: Y.Array<ChatMessage>
  edits: Y.Map<MessageEdit>
  stopLive: (() => void) | null
  stopAck: () => void
}

/** an older page fetched from the server stays connected this long at most */
const OLDER_SYNC_MS = 15_000
/** a newest page shorter than this (it just rolled over) is topped up with the page before, at open */
const SHORT_PAGE = 50
/** typing stops by itself if the UI forgets to say so */
const TYPING_MS = 6_000

export function openConversation(convId: string): Conversation {
  const userId = me.value?.id ?? ''
  const head = openDoc(headDoc(convId))
  const stopHead = head.live()
  const meta = head.doc.getMap<unknown>(ROOTS.head.meta)
  const reads = head.doc.getMap<number>(ROOTS.head.reads)
  const pages = new Map<number, Page>()
  const messages = signal<MessageView[]>([])
  const hasOlder = signal(false)
  const settled = signal(false)
  const typing = signal<string[]>([])
  const views = new Map<string, MessageView>()
  let newest = -1
  let closed = false
  let scheduled = false
  /** older pages are offered only once the newest page's stored copy is in: an empty newest page that
   * is merely still loading must not pull in the whole previous page (that cost every open ~1,000 messages) */
  let newestLoaded = false

  const schedule = (): void => {
    if (scheduled || closed) return
    scheduled = true
    queueMicrotask(() => { scheduled = false; if (!closed) render() })
  }

  function render(): void {
    const members = memberIds(meta.get('members'))
    const memberSet = new Set(members)
    const positions = members.map((m) => reads.get(m) ?? 0).sort((a, b) => a - b)
    // members whose position is <= key have not read the message at key
    const notReadBy = (key: number): number => {
      let lo = 0, hi = positions.length
      while (lo < hi) { const mid = (lo + hi) >> 1; if (positions[mid] <= key) lo = mid + 1; else hi = mid }
      return lo
    }
    const out: MessageView[] = []
    for (const n of [...pages.keys()].sort((a, b) => a - b)) {
      const p = pages.get(n) as Page
      for (const { value: m, client, clock, index } of messageItems(p.msgs)) {
        const key = n * PAGE_STRIDE + index
        const edit = p.edits.get(m.id)
        const retracted = !!edit && 'retracted' in edit
        const authorUnread = memberSet.has(m.from) && (reads.get(m.from) ?? 0) <= key ? 1 : 0
        const v: MessageView = {
          id: m.id, from: m.from, ts: m.ts,
          body: retracted ? '' : edit && 'body' in edit ? edit.body : m.body,
          page: n, index,
          edited: !!edit && !retracted, retracted,
          state: m.from !== userId || p.ref.isAcked(client, clock) ? 'sent' : 'waiting',
          unread: notReadBy(key) - authorUnread,
        }
        if (m.replyTo) v.replyTo = m.replyTo
        const old = views.get(v.id)
        // keep identity for unchanged messages so the UI can skip re-rendering them
        out.push(old && sameView(old, v) ? old : v)
        if (!old || !sameView(old, v)) views.set(v.id, v)
      }
    }
    messages.value = out
    hasOlder.value = newestLoaded && pages.size > 0 && Math.min(...pages.keys()) > 0
  }

  function openPage(n: number): Page {
    let p = pages.get(n)
    if (p) return p
    const ref = openDoc(pageDoc(convId, n))
    const msgs = ref.doc.getArray<ChatMessage>(ROOTS.page.msgs)
    const edits = ref.doc.getMap<MessageEdit>(ROOTS.page.edits)
    msgs.observe(schedule)
    edits.observe(schedule)
    p = { n, ref, msgs, edits, stopLive: null, stopAck: ref.ackVersion.subscribe(schedule) }
    pages.set(n, p)
    void ref.loaded.then(schedule)
    return p
  }

  const currentPage = (): number => {
    const n = meta.get('page')
    return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : 0
  }

  // the newest page follows the head's meta.page (it rolls over every PAGE_SIZE messages);
  // the previous newest page stays live, since late messages written offline may still land there
  function follow(): void {
    const n = currentPage()
    if (n === newest || closed) return
    newest = n
    const p = openPage(n)
    p.stopLive ??= p.ref.live()
  }

  const onMeta = (): void => { follow(); schedule() }
  meta.observe(onMeta)
  reads.observe(schedule)
  const ready = head.loaded.then(() => { follow(); schedule() })
  let conv: Conversation | null = null
  // a page that just rolled over shows next to nothing: bring in the previous one (Dexie first)
  void ready.then(() => pages.get(newest)?.ref.loaded).catch(() => undefined).then(() => {
    newestLoaded = true
    settled.value = true
    schedule()
    const p = pages.get(newest)
    if (!closed && p && p.msgs.length < SHORT_PAGE && newest > 0) return conv?.loadOlder()
  }).catch(() => undefined)

  // typing, through the head provider's awareness
  let typingTimer: ReturnType<typeof setTimeout> | undefined
  const awareness = () => head.provider()?.awareness ?? null
  const onAwareness = (): void => {
    const a = awareness()
    if (!a) return
    const ids = new Set<string>()
    a.getStates().forEach((s, client) => {
      const st = s as { user?: { id?: unknown }; typing?: unknown }
      if (client !== a.clientID && st.typing === true && typeof st.user?.id === 'string' && st.user.id !== userId) ids.add(st.user.id)
    })
    const next = [...ids].sort()
    if (next.join() !== typing.value.join()) typing.value = next
  }
  // the head's provider starts once Dexie's copy is in (and may be dropped on lost access)
  const stopAwareness = effect(() => {
    const a = head.provider()?.awareness
    if (!a) return
    a.on('change', onAwareness)
    return () => a.off('change', onAwareness)
  })

  const write = (fn: () => void): void => {
    // normally the head is already loaded from Dexie; only right after opening do we wait for it
    // (so that the message goes into the right page)
    if (newest >= 0) fn()
    else void ready.then(() => { if (!closed) fn() })
  }

  const pageOf = (id: string): Page | null => {
    const v = views.get(id)
    return (v && pages.get(v.page)) ?? null
  }
  const mine = (id: string): boolean => views.get(id)?.from === userId

  conv = {
    messages,
    hasOlder,
    settled,
    typing,
    async loadOlder() {
      await ready
      if (closed || pages.size === 0) return
      const n = Math.min(...pages.keys()) - 1
      if (n < 0) return
      const p = openPage(n)
      await p.ref.loaded
      // fetch what the server has (late appends, or the whole page if never synced) and let go again
      const stop = p.ref.live()
      const synced = whenSynced(p.ref, OLDER_SYNC_MS).finally(stop)
      if (p.msgs.length === 0) await synced
      schedule()
    },
    send(body, replyTo) {
      if (!userId || !body) return
      write(() => {
        const m: ChatMessage = { id: newMessageId(), from: userId, ts: Date.now(), kind: 'text', body }
        if (replyTo) m.replyTo = replyTo
        // insert at length uses Yjs's search markers; push walks the array from its start every time
        const msgs = openPage(newest).msgs
        msgs.insert(msgs.length, [m])
      })
    },
    edit(id, body) {
      const p = pageOf(id)
      if (p && mine(id) && body) p.edits.set(id, { body, ts: Date.now() })
    },
    retract(id) {
      const p = pageOf(id)
      if (p && mine(id)) p.edits.set(id, { retracted: true, ts: Date.now() })
    },
    markRead() {
      const last = messages.value[messages.value.length - 1]
      if (!last || !userId) return
      const pos = readPosition(last.page, last.index + 1)
      // only forward: another device may already have read further
      if (pos > (reads.get(userId) ?? 0)) reads.set(userId, pos)
    },
    setTyping(on) {
      const a = awareness()
      clearTimeout(typingTimer)
      if (!a) return
      if ((a.getLocalState() as { typing?: boolean } | null)?.typing !== on) a.setLocalStateField('typing', on)
      if (on) typingTimer = setTimeout(() => a.setLocalStateField('typing', false), TYPING_MS)
    },
    close() {
      if (closed) return
      closed = true
      clearTimeout(typingTimer)
      const a = awareness()
      if (a && (a.getLocalState() as { typing?: boolean } | null)?.typing) a.setLocalStateField('typing', false)
      stopAwareness()
      meta.unobserve(onMeta)
      reads.unobserve(schedule)
      for (const p of pages.values()) {
        p.msgs.unobserve(schedule)
        p.edits.unobserve(schedule)
        p.stopAck()
        p.stopLive?.()
        p.ref.release()
      }
      pages.clear()
      stopHead()
      head.release()
    },
  }
  return conv
}

function sameView(a: MessageView, b: MessageView): boolean {
  return a.body === b.body && a.page === b.page && a.index === b.index && a.state === b.state &&
    a.unread === b.unread && a.edited === b.edited && a.retracted === b.retracted && a.ts === b.ts
}
