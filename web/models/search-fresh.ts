// Search runs over this device's copy of the messages, which is as old as the last time each chat's page
// was open here. A message its author deleted for everyone since must not be found by its words: before a
// hit of a page not checked since the app started is shown, that page is synced with the server (which
// brings the deletion, and the index follows it, store/message-index.ts). Offline, what is here is shown.
import { pageDoc } from '../../protocol/docs.ts'
import type { SearchResult } from '../search/query.ts'
import { pageEdits } from '../kinds/page.ts'
import { connection } from '../sync/connection.ts'
import { openDoc, whenSynced } from '../sync/docs.ts'

/** how long a page may take to sync before its hits are shown as this device has them */
const CHECK_MS = 4_000

/** pages synced since the app started (`conv:page`) */
const checked = new Set<string>()
const checking = new Map<string, Promise<void>>()
/** messages found deleted for everyone in those pages, which the index may not have caught up with yet */
const retracted = new Set<string>()

/** pages synced at once: a search's hits may span many pages, each a socket of its own */
const AT_ONCE = 4
let running = 0
const waiting: (() => void)[] = []
const slot = (): Promise<void> => (running < AT_ONCE ? (running++, Promise.resolve()) : new Promise((r) => waiting.push(r)))
const freeSlot = (): void => {
  const next = waiting.shift()
  if (next) next()
  else running--
}

function check(conv: string, page: number): Promise<void> {
  const key = `${conv}:${page}`
  let p = checking.get(key)
  if (p) return p
  p = slot().then(() => sync(conv, page).finally(freeSlot))
  checking.set(key, p)
  return p
}

function sync(conv: string, page: number): Promise<void> {
  const key = `${conv}:${page}`
  const ref = openDoc(pageDoc(conv, page))
  const stop = ref.live()
  return ref.loaded
    .then(() => whenSynced(ref, CHECK_MS))
    .then(() => {
      for (const [id, e] of pageEdits(ref.doc)) if (e && 'retracted' in e) retracted.add(id)
    })
    .catch(() => {})
    .finally(() => {
      stop()
      ref.release()
      checked.add(key)
      checking.delete(key)
    })
}

/** `result` with only the hits `keep` keeps; each chat in the place of its newest hit. */
export function filterHits(
  result: SearchResult,
  keep: (r: SearchResult['groups'][number]['hits'][number]) => boolean,
): SearchResult {
  let dropped = 0
  const groups = result.groups.flatMap((g) => {
    const hits = g.hits.filter(keep)
    dropped += g.hits.length - hits.length
    return hits.length ? [{ ...g, newest: hits[0].ts, hits }] : []
  })
  if (!dropped) return result
  // hits are newest first
  groups.sort((a, b) => b.newest - a.newest)
  return { ...result, groups, total: result.total - dropped }
}

/**
 * `result` without the hits of pages still being checked (online) and of messages found deleted; pages not
 * checked yet are, and `again` is called as each check ends.
 */
export function checkedHits(result: SearchResult, again: () => void): SearchResult {
  const online = connection.peek() !== 'offline'
  // each page once, however many of its hits: `again` shows the results anew, once per page checked
  const pending = new Map<string, { conv: string; page: number }>()
  const shown = filterHits(result, (r) => {
    if (retracted.has(r.id)) return false
    const key = `${r.conv}:${r.page}`
    if (checked.has(key) || !online) return true
    pending.set(key, r)
    return false
  })
  for (const { conv, page } of pending.values()) void check(conv, page).then(again)
  return shown
}
