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
  /** a media message's photo, video, voice note or file (the chat's gallery reads it) */
  media?: import('../../protocol/messages.ts').MediaRef
  /** `body` is its author's edit, not what they first wrote */
  edited?: true
}
/**
 * A photo or file picked to send and not sent yet: the media outbox (models/media-outbox.ts). It stays
 * until its message is in the chat's page doc; nothing evicts it.
 */
export interface OutgoingRow {
  /** the id its message will have: appending it twice is seen and skipped */
  msgId: string
  conv: string
  /**
   * 'text': a text written while a photo or file of the same chat was still on its way, which waits here
   * behind it so that the chat gets them in the order they were sent (its `file` is empty)
   */
  kind: import('../../protocol/api.ts').MediaKind | 'text'
  file: Blob
  /** a waiting text's reply */
  replyTo?: string
  name?: string
  /** what the device measured (a photo after resizing) */
  w?: number
  h?: number
  /** a video's length, ms */
  dur?: number
  thumb?: string
  body: string
  created: number
  /** the resumable upload, once announced */
  uploadId?: string
  /** a refusal no retry will change (too large, over quota): shown, and sent no more */
  failed?: string
}
/** One blob in the `sori-media` Cache Storage cache: what the cache budget evicts, least recently used first. */
export interface CachedBlobRow {
  id: string
  size: number
  used: number
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
  outgoing!: Table<OutgoingRow, string>
  cachedBlobs!: Table<CachedBlobRow, string>
  constructor(userId: string) {
    super(dbName(userId))
    this.version(1).stores({
      updates: '++id, doc',
      messages: '[conv+page+index], id, conv, *tokens',
      kv: 'key',
    })
    this.version(2).stores({ outgoing: 'msgId, conv, created', cachedBlobs: 'id, used' })
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
