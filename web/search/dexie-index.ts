// The TokenIndex of query.ts over the account's Dexie database (table `messages`, multiEntry index
// `tokens`, kept by web/store/message-index.ts with tokenize.ts).
import type { Table } from 'dexie'
import type { SearchRow, TokenIndex } from './query.ts'

/** Any primary key: queries go through the `tokens` index only. */
export function dexieIndex<K>(messages: Table<SearchRow, K>): TokenIndex {
  return {
    countPrefix: (prefix) => messages.where('tokens').startsWith(prefix).count(),
    // one getAll over the index range: far cheaper than primaryKeys() and then a get per row
    rowsWithPrefix: (prefix) => messages.where('tokens').startsWith(prefix).toArray(),
  }
}
