// What a media message is checked against (docs/protocol.md, "Media messages"): the stored blob it names.
// A blob's facts never change once it is stored, so the ones found are kept in a small cache; that a blob
// is not there is never kept beyond the one update that asked, since its upload may finish (on another
// node, say) a moment later.
import type { MediaKind } from '../../protocol/api.ts'
import type { MediaRef } from '../../protocol/messages.ts'
import type { Queryable } from '../db/db.ts'
import { powerOfTwoChunks } from '../db/chunks.ts'
import type { BlobRow } from './uploads.ts'

export interface BlobFact {
  uploader: string
  /** the chat it was uploaded to, or null for a channel's upload */
  convId: string | null
  /** the channel it was uploaded for (server/channels/docs/page.ts), or null for a chat's */
  channelId: string | null
  kind: MediaKind
  mime: string
  size: number
  width: number | null
  height: number | null
}

/** Blobs found per lookup: a fact, or null for an id no blob has. */
export type BlobLookup = ReadonlyMap<string, BlobFact | null>

/** Blobs whose facts stay in memory (a few hundred bytes each). */
const CACHED = 4096

export class BlobFacts {
  /** in order of last use, the oldest first */
  private cache = new Map<string, BlobFact>()

  constructor(
    private db: Queryable,
    private max = CACHED,
  ) {}

  cached(id: string): BlobFact | undefined {
    const f = this.cache.get(id)
    if (f) {
      this.cache.delete(id)
      this.cache.set(id, f)
    }
    return f
  }

  /** Reads the blobs `ids` name; those found join the cache. */
  async load(ids: readonly string[]): Promise<BlobLookup> {
    const found = await readBlobFacts(this.db, ids)
    for (const [id, f] of found) {
      if (!f) continue
      this.cache.set(id, f)
      if (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value as string)
    }
    return found
  }

  /** With several nodes: tells the others what this node forgets (their caches hold the same facts). */
  shareForgotten: ((ids: string[]) => void) | null = null

  /** The blobs were released: a message naming them from now on is refused (on this node at once, on others soon). */
  forget(ids: Iterable<string>): void {
    const list = [...ids]
    this.forgetHere(list)
    if (list.length) this.shareForgotten?.(list)
  }

  /** What another node released. */
  forgetHere(ids: Iterable<string>): void {
    for (const id of ids) this.cache.delete(id)
  }
}

/** Reads the facts of the blobs `ids` name, uncached (null: there is no such blob). */
export async function readBlobFacts(q: Queryable, ids: readonly string[]): Promise<Map<string, BlobFact | null>> {
  const found = new Map<string, BlobFact | null>(ids.map((id) => [id, null]))
  if (ids.length === 0) return found
  // few distinct SQL texts: SQLite keeps every one it prepared (server/db/chunks.ts)
  for (const part of powerOfTwoChunks(ids, 64))
    for (const r of await q.all<BlobRow>(
      `SELECT id, uploader, conv_id, channel_id, kind, mime, size, width, height FROM blobs WHERE id IN (${part.map(() => '?').join(', ')})`,
      part,
    ))
      found.set(r.id, {
        uploader: r.uploader,
        convId: r.conv_id ?? null,
        channelId: r.channel_id ?? null,
        kind: r.kind,
        mime: r.mime,
        size: Number(r.size),
        width: r.width === null ? null : Number(r.width),
        height: r.height === null ? null : Number(r.height),
      })
  return found
}

/** Why a media message by `from` in chat `convId` does not match its blob (null: no blob), or null when it does. */
export function mediaMismatch(ref: MediaRef, from: string, convId: string, blob: BlobFact | null): string | null {
  // one reason for all three, so that a message tells nobody whether someone else's blob exists
  if (!blob || blob.uploader !== from || blob.convId !== convId) return 'media is not an upload of yours to this chat'
  return refMismatch(ref, blob)
}

/**
 * Why a post of channel `channelId` may not name this blob (null: no blob), or null when it may: it must
 * be an upload for this channel (by any of its admins), never a chat's, which would make it public.
 */
export function channelMediaMismatch(ref: MediaRef, channelId: string, blob: BlobFact | null): string | null {
  if (!blob || blob.channelId !== channelId) return "a post's media must be an upload for this channel"
  return refMismatch(ref, blob)
}

/** Why a reference does not describe its blob, or null when it does. */
function refMismatch(ref: MediaRef, blob: BlobFact): string | null {
  if (ref.kind !== blob.kind) return 'media kind differs from the upload'
  if (ref.mime !== blob.mime) return 'media type differs from the upload'
  if (ref.size !== blob.size) return 'media size differs from the upload'
  if (ref.kind === 'photo' && (ref.w !== blob.width || ref.h !== blob.height)) return 'photo dimensions differ from the upload'
  return null
}
