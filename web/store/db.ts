// The local store: ONE Dexie database per account ('sori-<userId>') for every doc, the message index and caches.
import Dexie, { type Table } from 'dexie'
import { dbName } from './db-name.ts'

export { dbName }

/** One stored Yjs update of one document (compacted into a single row when a doc has too many). */
export interface UpdateRow {
  id?: number
  doc: string
  data: Uint8Array
}
/** The flat message index: list rendering and search (web/search reads `tokens`; message-index.ts writes it). */
export interface MessageRow {
  id: string
  conv: string
  page: number
  index: number
  from: string
  ts: number
  body: string
  retracted: boolean
  tokens: string[]
}
export interface KvRow {
  key: string
  value: unknown
}

export class SoriDb extends Dexie {
  updates!: Table<UpdateRow, number>
  /** keyed by position: message ids come from clients, and one reused in another chat must not overwrite a row */
  messages!: Table<MessageRow, [string, number, number]>
  kv!: Table<KvRow, string>
  constructor(userId: string) {
    super(dbName(userId))
    this.version(1).stores({
      updates: '++id, doc',
      messages: '[conv+page+index], id, conv, *tokens',
      kv: 'key',
    })
  }
}

let current: SoriDb | null = null

export function openDb(userId: string): SoriDb {
  if (current?.name !== dbName(userId)) {
    current?.close()
    current = new SoriDb(userId)
  }
  return current
}

/** The signed-in account's database; null when signed out. */
export const db = (): SoriDb | null => current

export function closeDb(): void {
  current?.close()
  current = null
}

export async function kvGet<T>(key: string): Promise<T | undefined> {
  const row = await current?.kv.get(key).catch(() => undefined)
  return row?.value as T | undefined
}
