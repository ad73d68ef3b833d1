// Search over the messages stored on this device (works offline): web/search's query over the local
// message index, as a live query, so that messages arriving (or being indexed) join the results shown.
import { liveQuery } from 'dexie'
import { blockedNow, isHidden } from '../../protocol/messages.ts'
import type { SearchResult } from '../search/query.ts'
import { db } from '../store/db.ts'
import { deletedHere, hereKey } from './deleted-here.ts'
import { chatList } from './inbox.ts'
import { checkedHits, filterHits } from './search-fresh.ts'

export interface SearchWatch {
  next(result: SearchResult): void
  error(e: unknown): void
}

// loaded on demand: the query code belongs with the search screen, not with the data layer that every
// signed-in start loads
const queryCode = () => Promise.all([import('../search/query.ts'), import('../search/dexie-index.ts')])

/**
 * The results without the messages the chats' inbox entries say are hidden from me (someone I blocked; and
 * while I block them, their edited messages, whose words may be written since) and those I deleted on this
 * device.
 */
function withoutHidden(result: SearchResult): SearchResult {
  const hidden = new Map(chatList.peek().map((c) => [c.id, c.hidden]))
  const gone = deletedHere.peek()
  return filterHits(result, (r) => {
    const h = hidden.get(r.conv)
    if (h && (isHidden(h, r.from, r.page, r.index) || (r.edited && r.from === blockedNow(h)))) return false
    return !gone.has(hereKey(r.conv, r.page, r.id))
  })
}

/**
 * The search over this device's messages, or null while no account's database is open. Its function
 * runs `query` and reports results until the returned function is called.
 */
export function localSearch(): ((query: string, lang: string, watch: SearchWatch) => () => void) | null {
  const store = db()
  if (!store) return null
  return (query, lang, watch) => {
    let stopped = false
    let sub: { unsubscribe(): void } | null = null
    void queryCode().then(
      ([{ searchMessages }, { dexieIndex }]) => {
        if (stopped) return
        let last: SearchResult | null = null
        // shown again as each page its hits are on is checked with the server (search-fresh.ts)
        const show = (): void => {
          if (last && !stopped) watch.next(checkedHits(withoutHidden(last), show))
        }
        sub = liveQuery(() => searchMessages(dexieIndex(store.messages), query, lang)).subscribe({
          next: (result) => {
            last = result
            show()
          },
          error: (e) => watch.error(e),
        })
      },
      (e: unknown) => {
        if (!stopped) watch.error(e)
      },
    )
    return () => {
      stopped = true
      sub?.unsubscribe()
    }
  }
}
