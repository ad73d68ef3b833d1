// The page docs one open chat shows: the newest follows the head's meta.page and stays live, older
// ones are opened on demand (Dexie first, then fetched from the server and let go again).
import type * as Y from 'yjs'
import { pageDoc } from '../../protocol/docs.ts'
import type { ChatMessage, MessageEdit, Reaction } from '../../protocol/messages.ts'
import { pageEdits, pageMsgs, pageReacts, pageSys } from '../kinds/page.ts'
import { onReset, openDoc, whenSynced, type DocRef } from '../sync/docs.ts'

export interface Page {
  n: number
  ref: DocRef
  msgs: Y.Array<ChatMessage>
  edits: Y.Map<MessageEdit>
  reacts: Y.Map<Reaction>
  sys: Y.Array<unknown>
  stopLive: (() => void) | null
  stopAck: () => void
}

export interface Pages {
  /** the newest page's number; -1 until the head is loaded */
  readonly newest: number
  get(n: number): Page | undefined
  /** oldest first */
  sorted(): Page[]
  /** the oldest page open, or -1 when none is */
  oldest(): number
  /** opens page n (once) */
  open(n: number): Page
  /** makes page n the newest and keeps it live */
  follow(n: number): void
  /** opens the page before the oldest one open and brings in what the server has of it */
  loadOlder(): Promise<void>
  /** closes the pages before page n (those the server refuses to a member who joined late) */
  dropBelow(n: number): void
  close(): void
}

/** an older page fetched from the server stays connected this long at most */
const OLDER_SYNC_MS = 15_000

/** The pages of chat `convId`; `changed` is called whenever what they hold (or its ack state) may have changed. */
export function openPages(convId: string, changed: () => void): Pages {
  const pages = new Map<number, Page>()
  let newest = -1

  function open(n: number): Page {
    let p = pages.get(n)
    if (p) return p
    const ref = openDoc(pageDoc(convId, n))
    const msgs = pageMsgs(ref.doc)
    const edits = pageEdits(ref.doc)
    msgs.observe(changed)
    edits.observe(changed)
    const reacts = pageReacts(ref.doc)
    reacts.observe(changed)
    const sys = pageSys(ref.doc)
    sys.observe(changed)
    p = { n, ref, msgs, edits, reacts, sys, stopLive: null, stopAck: ref.ackVersion.subscribe(changed) }
    pages.set(n, p)
    void ref.loaded.then(changed)
    return p
  }

  function drop(n: number, p: Page): void {
    p.msgs.unobserve(changed)
    p.edits.unobserve(changed)
    p.reacts.unobserve(changed)
    p.sys.unobserve(changed)
    p.stopAck()
    p.stopLive?.()
    p.ref.release()
    pages.delete(n)
  }

  const oldest = (): number => (pages.size > 0 ? Math.min(...pages.keys()) : -1)

  // a page set aside (its copy's clientID was someone else's: models/refused.ts) is shown from its fresh copy
  const stopReset = onReset((name) => {
    const p = [...pages.values()].find((x) => x.ref.name === name)
    if (!p) return
    const live = p.stopLive !== null
    drop(p.n, p)
    const q = open(p.n)
    if (live) q.stopLive = q.ref.live()
    changed()
  })

  return {
    get newest() {
      return newest
    },
    get: (n) => pages.get(n),
    sorted: () => [...pages.keys()].sort((a, b) => a - b).map((n) => pages.get(n) as Page),
    oldest,
    open,
    // the previous newest page stays live, since late messages written offline may still land there; pages
    // further back are let go when the chat moved on two pages or more (a device that was away, or a head
    // that came from the server after the stored one): the list shows pages without a gap between them,
    // and the page before the new newest is loaded as any older page is
    follow(n) {
      if (n === newest) return
      if (newest >= 0 && n > newest + 1) for (const [k, p] of pages) if (k < n) drop(k, p)
      newest = n
      const p = open(n)
      p.stopLive ??= p.ref.live()
    },
    async loadOlder() {
      if (pages.size === 0) return
      const n = oldest() - 1
      if (n < 0) return
      const p = open(n)
      await p.ref.loaded
      // fetch what the server has (late appends, or the whole page if never synced) and let go again
      const stop = p.ref.live()
      const synced = whenSynced(p.ref, OLDER_SYNC_MS).finally(stop)
      if (p.msgs.length === 0) await synced
      changed()
    },
    dropBelow(n) {
      for (const [k, p] of pages) if (k < n) drop(k, p)
    },
    close() {
      stopReset()
      for (const [k, p] of pages) drop(k, p)
    },
  }
}
