// Search over the messages stored on this device (works offline): web/search's query over the local
// message index, as a live query, so that messages arriving (or being indexed) join the results shown.
import { liveQuery } from 'dexie'
import type { SearchResult } from '../search/query.ts'
import { db } from '../store/db.ts'

export interface SearchWatch {
  next(result: SearchResult): void
  error(e: unknown): void
}

// loaded on demand: the query code belongs with the search screen, not with the data layer that every
// signed-in start loads
const queryCode = () => Promise.all([import('../search/query.ts'), import('../search/dexie-index.ts')])

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
        sub = liveQuery(() => searchMessages(dexieIndex(store.messages), query, lang)).subscribe(watch)
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
