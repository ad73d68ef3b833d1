// The relational mirror of what chats' page docs say: each conversation's latest message (convs.last_*,
// for chat lists and inbox entries) and its current page's length (conv_pages.length, for unread counts).
//
// Writing both with every group commit was a large share of each commit's time (BENCHMARKS.md,
// "Measurements behind the defaults"), for values that only the latest write of each chat matters for. So the group
// commit collects them (effects.ts) and writes them at most every MIRROR_MS (and in any commit that closes a
// page, and at shutdown), in the same transaction as that commit's updates, together with a mark: the
// last stored update id the mirror covers. After a crash the rows written since the mark are the only
// ones whose effects may be missing; repairMirror() recomputes those chats from their page docs before
// the server starts serving. In memory (ConvState) the values are always current.
import * as Y from 'yjs'
import type { Db, Tx } from '../db/db.ts'
import { statementChunks } from '../db/chunks.ts'
import { parseDocName, ROOTS } from '../../protocol/docs.ts'
import { MEDIA_KINDS, messageText, previewText, type ChatMessage } from '../../protocol/messages.ts'
import type { MediaKind } from '../../protocol/api.ts'
import { ALBUM_GAP_MS } from '../../protocol/limits.ts'
import type { Store } from '../store/store.ts'
import { emptyDoc } from '../sync/doc.ts'
import { isPlain } from '../sync/validate.ts'
import { PAGE_ROOTS } from './docs/roots.ts'

/** How long the mirror may lag behind the committed messages, ms (SORI_MIRROR_MS). */
export const MIRROR_MS = 1000

/** A message's preview: a link message's is its card's title (messageText). */
export const previewOf = (m: Pick<ChatMessage, 'kind' | 'body' | 'link'>): string => previewText(messageText(m))

/**
 * A message as its chat's latest: a media message's preview is its caption, often empty, so it says its kind
 * too. With its entry of `edits` (if any): an edited message shows its new text, a retracted one nothing of
 * what it said (the chat lists of everyone in the chat must not keep what its author took back).
 */
export function lastOf(m: ChatMessage, edit?: unknown): LastMessage {
  // chat lists are sorted by it: an author's clock set to 2100 would keep their chat on top of everyone's
  const ts = Math.min(m.ts, Date.now())
  const now = asEdited(m, edit)
  if (!now) return { preview: '', from: m.from, ts, retracted: true }
  const last: LastMessage = { preview: previewOf(now), from: m.from, ts }
  if (m.kind === 'media' && m.media) last.media = m.media.kind
  return last
}

/** A message as its entry of `edits` (if any) leaves it: with the edited body, or null when it was retracted. */
export function asEdited(m: ChatMessage, edit: unknown): ChatMessage | null {
  if (!isPlain(edit)) return m
  if (edit.retracted === true) return null
  return typeof edit.body === 'string' ? { ...m, body: edit.body } : m
}

/** last_media of a latest message that was retracted. */
const RETRACTED = 'retracted'

/** A stored last_media column ('' for a text message) as LastMessage.media. */
export const storedMedia = (v: string): MediaKind | undefined =>
  (MEDIA_KINDS as readonly string[]).includes(v) ? (v as MediaKind) : undefined

/** An album's photos in a last_media column: `photo*<n>` (the column held a kind only before albums). */
const ALBUM_COLUMN = /^photo\*([2-9]|[1-9][0-9]+)$/

/** What a stored last_media column says: a media kind (and an album's count), a retraction, or nothing. */
export function storedLastKind(v: string): Pick<LastMessage, 'media' | 'retracted' | 'photos'> {
  if (v === RETRACTED) return { retracted: true }
  const album = ALBUM_COLUMN.exec(v)
  if (album) return { media: 'photo', photos: Number(album[1]) }
  const media = storedMedia(v)
  return media ? { media } : {}
}

/** LastMessage's media kind or retraction as its last_media column. */
export const lastKindColumn = (l: Pick<LastMessage, 'media' | 'retracted' | 'photos'>): string =>
  l.retracted ? RETRACTED : l.media === 'photo' && l.photos ? `photo*${l.photos}` : (l.media ?? '')

/** A photo without words: what an album is made of. */
const albumPhoto = (m: ChatMessage): boolean => m.kind === 'media' && m.media?.kind === 'photo' && !m.body && !m.replyTo

/**
 * `next`, the message that follows `prev` as the chat's latest, with the count of the album it ends: a photo
 * without words from the sender of a photo without words (or of an album) less than ALBUM_GAP_MS before.
 */
export function withAlbum(prev: LastMessage, m: ChatMessage, next: LastMessage): LastMessage {
  if (!albumPhoto(m) || prev.media !== 'photo' || prev.preview || prev.retracted || prev.from !== m.from) return next
  if (m.ts - prev.ts > ALBUM_GAP_MS || m.ts < prev.ts - ALBUM_GAP_MS) return next
  return { ...next, photos: (prev.photos ?? 1) + 1 }
}

export interface PageLength {
  conv: string
  page: number
  length: number
}
export interface LastMessage {
  preview: string
  from: string
  ts: number
  /** set when it is a media message: its kind */
  media?: MediaKind
  /** set when its author retracted it (preview '') */
  retracted?: true
  /** a photo without words that ends an album of this many (InboxEntry.photos) */
  photos?: number
}

/** Mirror values not yet written: the latest per page and per conversation. */
export class MirrorChanges {
  /** `${conv}:${page}` → length */
  readonly pageLengths = new Map<string, PageLength>()
  /** conv → its latest message */
  readonly last = new Map<string, LastMessage>()

  get empty(): boolean {
    return this.pageLengths.size === 0 && this.last.size === 0
  }

  /** Takes `newer`'s values over these. */
  merge(newer: MirrorChanges): void {
    for (const [k, v] of newer.pageLengths) this.pageLengths.set(k, v)
    for (const [k, v] of newer.last) this.last.set(k, v)
  }

  /** A copy with `newer`'s values over these (nothing is changed: the transaction may still fail). */
  with(newer: MirrorChanges): MirrorChanges {
    const m = new MirrorChanges()
    m.merge(this)
    m.merge(newer)
    return m
  }

  /**
   * Writes the values and moves the mark to the newest stored update, inside the caller's transaction.
   * One statement per table and chunk, queued (Tx.queue): on Postgres they go out with the commit. VALUES columns are
   * named column1..N in both SQLite and Postgres; the casts tell Postgres the parameters' types.
   */
  write(q: Tx, dialect: Db['dialect'], mark = true): void {
    // below SQLite's parameter limit; few distinct SQL texts on SQLite, few statements for Postgres to parse and plan
    const chunks = <T>(rows: T[]) => statementChunks(dialect, rows, 128)
    for (const part of chunks([...this.pageLengths.values()])) {
      q.queue(
        'INSERT INTO conv_pages (conv_id, page, length) VALUES ' +
          part.map(() => '(?, ?, ?)').join(', ') +
          ' ON CONFLICT (conv_id, page) DO UPDATE SET length = excluded.length',
        part.flatMap((p) => [p.conv, p.page, p.length]),
      )
    }
    for (const part of chunks([...this.last])) {
      q.queue(
        'UPDATE convs SET last_preview = v.column2, last_from = v.column3, last_ts = v.column4, last_media = v.column5 FROM (VALUES ' +
          part.map(() => '(?, ?, ?, CAST(? AS BIGINT), ?)').join(', ') +
          ') AS v WHERE convs.id = v.column1',
        part.flatMap(([conv, l]) => [conv, l.preview, l.from, l.ts, lastKindColumn(l)]),
      )
    }
    if (mark) markMirrored(q)
  }
}

/** Everything stored so far is mirrored (inside the transaction that wrote the mirror). */
function markMirrored(q: Tx): void {
  // each MAX(id) is one look at the end of its table's b-tree
  q.queue(
    "UPDATE sync_marks SET value = (SELECT COALESCE(MAX(n), 0) FROM (SELECT MAX(id) AS n FROM doc_updates UNION ALL SELECT MAX(id) FROM doc_journal) AS m) WHERE name = 'mirror'",
  )
}

/**
 * After a crash: recomputes the mirror of every chat page written since the mark, from the page docs
 * themselves, then moves the mark. Run before the server serves anything; after a clean shutdown there
 * is nothing to do (the last commit wrote the mirror).
 */
export async function repairMirror(db: Db, store: Store): Promise<number> {
  const mark = Number((await db.get<{ value: number }>("SELECT value FROM sync_marks WHERE name = 'mirror'"))?.value ?? 0)
  const rows = await db.all<{ doc: string }>(
    'SELECT doc FROM doc_updates WHERE id > ? UNION SELECT doc FROM doc_journal WHERE id > ?',
    [mark, mark],
  )
  const changes = new MirrorChanges()
  for (const { doc } of rows) {
    const parsed = parseDocName(doc)
    if (!parsed || parsed.kind !== 'page') continue
    const conv = await db.get<{ page: number; last_ts: number }>('SELECT page, last_ts FROM convs WHERE id = ?', [parsed.convId])
    if (!conv) continue
    const y = emptyDoc(PAGE_ROOTS)
    const updates = await store.load(doc)
    y.transact(() => {
      for (const u of updates) Y.applyUpdate(y, u)
    })
    const msgs = y.getArray<ChatMessage>(ROOTS.page.msgs)
    changes.pageLengths.set(`${parsed.convId}:${parsed.page}`, { conv: parsed.convId, page: parsed.page, length: msgs.length })
    const last = msgs.length > 0 ? msgs.get(msgs.length - 1) : null
    // a later page's messages are newer than any of this page's
    if (last && parsed.page >= Number(conv.page)) {
      const l = lastOf(last, y.getMap<unknown>(ROOTS.page.edits).get(last.id))
      // a chat's time only moves forward (docs/page.ts, latestOf)
      l.ts = Math.max(l.ts, Number(conv.last_ts))
      changes.last.set(parsed.convId, l)
    }
    y.destroy()
  }
  await db.tx(async (q) => changes.write(q, db.dialect))
  return rows.length
}
