// Background sync: chats the inbox marks as changed are fetched (head + newest page) a few at a time,
// so that what arrived while the app was open can be read offline later.
import { effect, type ReadonlySignal } from '@preact/signals'
import { headDoc, pageDoc } from '../../protocol/docs.ts'
import { currentPage, firstPage, headMeta } from '../kinds/head.ts'
import { me } from '../account/session.ts'
import { pageMsgs } from '../kinds/page.ts'
import { db, kvGet } from '../store/db.ts'
import { guardWrite } from '../store/storage.ts'
import { connection } from './connection.ts'
import { lostChats, openDoc, whenSynced } from './docs.ts'

const PARALLEL = 3
const SYNC_MS = 20_000
/** a newest page shorter than this (it just rolled over) is not enough to read: the one before is synced too */
const SHORT_PAGE = 50
const KEY = 'synced'

/** A chat of the inbox, and the time of its latest change. */
export interface ChangedChat {
  id: string
  ts: number
}

/** Syncs the chats of `chats` (the inbox's list, newest first) whose time is past what is stored. */
export function startBackground(chats: ReadonlySignal<readonly ChangedChat[]>): () => void {
  /** convId → the inbox ts we have stored everything up to */
  let synced: Record<string, number> = {}
  const running = new Set<string>()
  let loaded = false
  let stopped = false

  const pump = (): void => {
    if (stopped || !loaded || connection.peek() !== 'online') return
    for (const chat of chats.peek()) {
      if (running.size >= PARALLEL) return
      if (running.has(chat.id) || lostChats.peek().has(chat.id) || (synced[chat.id] ?? -1) >= chat.ts) continue
      running.add(chat.id)
      void syncChat(chat.id).then((ok) => {
        running.delete(chat.id)
        if (stopped) return
        if (ok) {
          synced = { ...synced, [chat.id]: Math.max(synced[chat.id] ?? 0, chat.ts) }
          const store = db()
          if (store) void guardWrite(() => store.kv.put({ key: KEY, value: synced }))
        }
        // a failure is retried on the next change of the list or the connection
        if (ok) pump()
      })
    }
  }

  void kvGet<Record<string, number>>(KEY).then((s) => {
    synced = s ?? {}
    loaded = true
    pump()
  })
  const stopEffect = effect(() => {
    void chats.value
    void connection.value
    pump()
  })
  return () => {
    stopped = true
    stopEffect()
  }
}

async function syncChat(convId: string): Promise<boolean> {
  const head = openDoc(headDoc(convId))
  const stopHead = head.live()
  try {
    await head.loaded
    if (!(await whenSynced(head, SYNC_MS))) return false
    const meta = headMeta(head.doc)
    let page = currentPage(meta)
    // who joined a group late may not open the pages before their first one
    const first = firstPage(meta, me.peek()?.id ?? '')
    for (;;) {
      const length = await syncPage(convId, page)
      if (length === null) return false
      if (length >= SHORT_PAGE || page <= first) return true
      page--
    }
  } finally {
    stopHead()
    head.release()
  }
}

/** Syncs one page; its message count, or null when it did not sync in time. */
async function syncPage(convId: string, n: number): Promise<number | null> {
  const page = openDoc(pageDoc(convId, n))
  const stop = page.live()
  try {
    await page.loaded
    return (await whenSynced(page, SYNC_MS)) ? pageMsgs(page.doc).length : null
  } finally {
    stop()
    page.release()
  }
}
