// Resumable uploads (tus-like; docs/protocol.md, "Media"): a file is announced with its kind and size,
// its bytes arrive in PATCHes at the offset the server has, and whatever a cut-off PATCH delivered
// counts. The bytes so far are kept by the Partials (partials.ts); the last byte turns them into a blob
// (process.ts, then the BlobStore) exactly once.
import { randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import type { IncomingMessage } from 'node:http'
import type { BlobInfo, CreateUploadBody, MediaKind } from '../../protocol/api.ts'
import { MAX_MEDIA_BYTES, MAX_MEDIA_NAME_CHARS, MEDIA_ID_RE } from '../../protocol/limits.ts'
import type { Db, Queryable } from '../db/db.ts'
import { HttpError, badRequest, notFound } from '../http/errors.ts'
import { asObject, optStr } from '../http/input.ts'
import { REQUEST_TIMEOUT_MS } from '../http/timeouts.ts'
import { viewerOf } from '../chats/member-of.ts'
import { requireAdmin } from '../channels/access.ts'
import type { BlobStore } from './blob-store.ts'
import { PartialMissing, type Partials } from './partials.ts'
import { processUpload } from './process.ts'
import type { BlobFacts } from './facts.ts'

export interface MediaLimits {
  /** per-user storage: ready blobs plus the declared size of open uploads (SORI_MEDIA_QUOTA_MB) */
  quotaBytes: number
  /** uploads a user may start per hour (SORI_UPLOADS_PER_HOUR; 0: no limit) */
  uploadsPerHour: number
}

export interface Media {
  db: Db
  store: BlobStore
  /** uploads in progress */
  partials: Partials
  /** this node's folder for partial files and files being processed */
  uploadDir: string
  /** the facts of blobs that media messages are checked against, as this node caches them */
  facts: BlobFacts
  limits: MediaLimits
}

export interface UploadRow {
  id: string
  uploader: string
  /** the chat it goes to, or null for a channel's (channel_id) */
  conv_id: string | null
  channel_id: string | null
  kind: MediaKind
  size: number
  received: number
  name: string
  temp: string
  created: number
  busy_until: number
}

export interface BlobRow {
  id: string
  hash: string
  uploader: string
  /** the chat it was uploaded to, or null for a channel's (channel_id) */
  conv_id: string | null
  channel_id: string | null
  kind: MediaKind
  mime: string
  size: number
  width: number | null
  height: number | null
  name: string
  created: number
}

/** 16 random bytes, base64url: an id nobody can guess or enumerate. */
export const mediaId = () => randomBytes(16).toString('base64url')

/** Stale uploads (no byte for this long) are dropped by the collector. */
export const UPLOAD_TTL_MS = 24 * 3_600_000
/** A PATCH holds its upload this long at most: the server cuts any request by REQUEST_TIMEOUT_MS. */
const LEASE_MS = REQUEST_TIMEOUT_MS + 5_000

const KINDS = Object.keys(MAX_MEDIA_BYTES) as MediaKind[]
const isKind = (k: unknown): k is MediaKind => typeof k === 'string' && (KINDS as string[]).includes(k)

/** A file name as shown to others: no path, no control or bidi-override characters, at most MAX_MEDIA_NAME_CHARS. */
export function cleanName(raw: string | undefined): string {
  if (!raw) return ''
  const base = raw.split(/[/\\]/).pop() ?? ''
  // (U+061C, the Arabic letter mark, is a direction mark as U+200E/F are)
  // eslint-disable-next-line no-control-regex -- control characters are what this removes
  const clean = base.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').trim()
  // "." and ".." name a folder, not a file
  if (/^\.+$/.test(clean)) return ''
  // cut by code points, so that no half of a surrogate pair is left at the end
  return [...clean].reduce((s, ch) => (s.length + ch.length <= MAX_MEDIA_NAME_CHARS ? s + ch : s), '')
}

export const blobInfo = (b: BlobRow): BlobInfo => ({
  id: b.id,
  kind: b.kind,
  mime: b.mime,
  size: Number(b.size),
  ...(b.width != null && b.height != null ? { width: Number(b.width), height: Number(b.height) } : {}),
  ...(b.name ? { name: b.name } : {}),
})

/** Bytes a user holds: their blobs and the declared size of their open uploads. */
export async function usedBytes(q: Queryable, userId: string): Promise<number> {
  const b = await q.get<{ n: number | null }>('SELECT SUM(size) AS n FROM blobs WHERE uploader = ?', [userId])
  const u = await q.get<{ n: number | null }>('SELECT SUM(size) AS n FROM uploads WHERE uploader = ?', [userId])
  return Number(b?.n ?? 0) + Number(u?.n ?? 0)
}

/**
 * 429 too_many_uploads when the user started uploadsPerHour uploads in the last hour: those in progress,
 * those that became blobs, and the profile photos they sent.
 */
export async function checkUploadRate(m: Media, userId: string, now: number): Promise<void> {
  if (m.limits.uploadsPerHour <= 0) return
  const since = now - 3_600_000
  const recent = await m.db.all<{ created: number }>(
    `SELECT created FROM uploads WHERE uploader = ? AND created > ?
     UNION ALL SELECT created FROM blobs WHERE uploader = ? AND created > ?
     UNION ALL SELECT created FROM photo_puts WHERE user_id = ? AND created > ?
     ORDER BY created LIMIT ?`,
    [userId, since, userId, since, userId, since, m.limits.uploadsPerHour],
  )
  if (recent.length >= m.limits.uploadsPerHour) {
    const wait = Math.max(1, Math.ceil((Number(recent[0].created) + 3_600_000 - now) / 1000))
    throw new HttpError(429, 'too_many_uploads', `At most ${m.limits.uploadsPerHour} uploads an hour. Try again later.`, {
      'Retry-After': String(wait),
    })
  }
}

/** What an upload is for: a chat's message, or a channel's post (its admins only). */
export type UploadTarget = { convId: string } | { channelId: string }

/** POST /api/chats/:convId/uploads, POST /api/channels/:channelId/uploads */
export async function createUpload(
  m: Media,
  userId: string,
  target: UploadTarget,
  body: unknown,
): Promise<{ id: string; offset: number }> {
  if ('channelId' in target) await requireAdmin(m.db, userId, target.channelId)
  else {
    // a member, or an admin answering in a chat with their channel
    await viewerOf(m.db, userId, target.convId)
  }
  const o = asObject(body) as Partial<Record<keyof CreateUploadBody, unknown>> & Record<string, unknown>
  if (!isKind(o.kind)) throw badRequest(`"kind" must be one of ${KINDS.join(', ')}.`)
  const kind = o.kind
  // a channel posts photos and videos only (protocol/channels.ts checkPost)
  if ('channelId' in target && kind !== 'photo' && kind !== 'video')
    throw badRequest('A channel\'s upload is a "photo" or a "video".')
  const size = o.size
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1)
    throw badRequest('"size" must be a whole number of bytes, at least 1.')
  const max = MAX_MEDIA_BYTES[kind]
  if (size > max) throw new HttpError(413, 'too_large', `A ${kind} may be at most ${max / 1024 / 1024} MiB.`)
  // a file is known by its name; a photo's, a video's or a voice message's (a camera's date and place, often)
  // would tell the chat what its metadata, taken away, no longer does
  const name = kind === 'file' ? cleanName(optStr(o, 'name')) : ''
  const now = Date.now()

  await checkUploadRate(m, userId, now)
  if ((await usedBytes(m.db, userId)) + size > m.limits.quotaBytes)
    throw new HttpError(403, 'quota_exceeded', 'Your storage for media is full. Delete some media, then try again.')

  const id = mediaId()
  const temp = await m.partials.create(id)
  await m.db.run(
    'INSERT INTO uploads (id, uploader, conv_id, channel_id, kind, size, received, name, temp, created, updated) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)',
    [
      id,
      userId,
      'convId' in target ? target.convId : null,
      'channelId' in target ? target.channelId : null,
      kind,
      size,
      name,
      temp,
      now,
      now,
    ],
  )
  return { id, offset: 0 }
}

const noUpload = () => notFound('No such upload.')

async function ownUpload(m: Media, userId: string, id: string): Promise<UploadRow | undefined> {
  if (!MEDIA_ID_RE.test(id)) return undefined
  return m.db.get<UploadRow>('SELECT * FROM uploads WHERE id = ? AND uploader = ?', [id, userId])
}

/** The blob an upload of this user became, if it is done. */
async function finished(m: Media, userId: string, id: string): Promise<BlobRow | undefined> {
  if (!MEDIA_ID_RE.test(id)) return undefined
  return m.db.get<BlobRow>('SELECT * FROM blobs WHERE upload_id = ? AND uploader = ?', [id, userId])
}

/** HEAD /api/uploads/:id: how many bytes the server has (all of them once the upload is done). */
export async function uploadOffset(m: Media, userId: string, id: string): Promise<{ offset: number; size: number }> {
  const u = await ownUpload(m, userId, id)
  if (u) return { offset: Number(u.received), size: Number(u.size) }
  const b = await finished(m, userId, id)
  if (b) return { offset: Number(b.size), size: Number(b.size) }
  throw noUpload()
}

const busy = () =>
  new HttpError(
    409,
    'upload_busy',
    'Another request is writing this upload. Ask for its offset (HEAD) once it ends, then go on.',
    {
      'Retry-After': '1',
    },
  )

const offsetMismatch = (current: number) =>
  new HttpError(409, 'offset_mismatch', `The server has ${current} bytes of this upload: send from there.`, {
    'Upload-Offset': String(current),
  })

/**
 * DELETE /api/uploads/:id: the upload and what it received go, and the quota it held with them. None open of
 * the caller's (never was, finished, cancelled before, someone else's) is no error: a DELETE sent again after
 * a lost answer ends the same. One a PATCH is writing is `409 upload_busy`: the lease keeps a PATCH and a
 * DELETE from running at once (the DELETE takes the row only while nobody holds it).
 */
export async function cancelUpload(m: Media, userId: string, id: string): Promise<void> {
  const u = await ownUpload(m, userId, id)
  if (!u) return
  const gone = await m.db.run('DELETE FROM uploads WHERE id = ? AND uploader = ? AND busy_until < ?', [id, userId, Date.now()])
  if (!gone.changes) {
    if (await ownUpload(m, userId, id)) throw busy()
    return
  }
  await dropParts(m.db, u)
}

export type PatchResult = { done: false; offset: number } | { done: true; blob: BlobInfo }

/**
 * PATCH /api/uploads/:id: writes the body at `offset`, streaming it to the partial file. The bytes
 * written count even when the request is cut off (dropped connection, the server's request timeout).
 */
export async function patchUpload(
  m: Media,
  userId: string,
  id: string,
  offset: number,
  req: IncomingMessage,
): Promise<PatchResult> {
  const u = await ownUpload(m, userId, id)
  if (!u) {
    // the last PATCH's answer was lost: whatever is sent again gets the same blob, and nothing it carries
    // counts (a photo's blob is smaller or larger than the bytes sent: it was encoded again, so no offset
    // the client knows need match it)
    const b = await finished(m, userId, id)
    if (b) return { done: true, blob: blobInfo(b) }
    throw noUpload()
  }
  const size = Number(u.size)
  const now = Date.now()
  // another PATCH is writing it: how far it got is known when it ends (HEAD then says), not now
  if (Number(u.busy_until) > now) throw busy()
  if (offset !== Number(u.received)) throw offsetMismatch(Number(u.received))
  const length = declaredLength(req)
  if (length !== null && offset + length > size) throw tooLong(size)

  const lease = await m.db.run(
    'UPDATE uploads SET busy_until = ?, updated = ? WHERE id = ? AND received = ? AND busy_until < ?',
    [now + LEASE_MS, now, id, offset, now],
  )
  if (!lease.changes) {
    const again = await ownUpload(m, userId, id)
    if (!again) throw noUpload()
    if (Number(again.busy_until) <= now && Number(again.received) !== offset) throw offsetMismatch(Number(again.received))
    throw busy()
  }

  let written = 0
  let overflow = false
  let writer
  try {
    writer = await m.partials.open(u, offset)
  } catch (e) {
    await m.db.run('UPDATE uploads SET busy_until = 0 WHERE id = ?', [id])
    if (e instanceof PartialMissing) throw new HttpError(404, 'not_found', e.message)
    throw e
  }
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      if (offset + written + chunk.length > size) {
        overflow = true
        break
      }
      await writer.write(chunk)
      written += chunk.length
    }
  } catch (e) {
    // cut off (dropped connection, request timeout): what arrived is kept (below), the client resumes
    // from there; a failure of this server's own (a full disk) is an error
    if (!req.destroyed) throw e
  } finally {
    // a body that ran past the declared size counts for nothing
    let received = offset
    try {
      received = offset + (await writer.close(!overflow))
    } finally {
      await m.db.run('UPDATE uploads SET received = ?, busy_until = 0, updated = ? WHERE id = ?', [received, Date.now(), id])
    }
    written = received - offset
  }
  if (overflow) throw tooLong(size)
  if (offset + written < size) return { done: false, offset: offset + written }
  return { done: true, blob: await complete(m, { ...u, received: size }) }
}

const tooLong = (size: number) =>
  new HttpError(413, 'too_large', `This upload was announced with ${size} bytes; the body goes past that.`, {
    Connection: 'close',
  })

/** Content-Length, or null for a chunked body. */
function declaredLength(req: IncomingMessage): number | null {
  const raw = req.headers['content-length']
  if (raw === undefined) return req.headers['transfer-encoding'] ? null : 0
  return Number(raw)
}

/** Sniffs, strips, stores and records the finished upload; the upload row goes in the same transaction. */
async function complete(m: Media, u: UploadRow): Promise<BlobInfo> {
  const local = await m.partials.materialize(u, Number(u.size))
  const out = `${local.path}.out`
  try {
    let processed
    try {
      processed = await processUpload(u.kind, local.path, out, u.uploader)
    } catch (e) {
      // a photo that is no image never will be: the upload goes, and its quota with it
      if (e instanceof HttpError) await dropUpload(m.db, u)
      throw e
    }
    const { hash, size } = await m.store.put(processed.path)
    const blob: BlobRow = {
      id: mediaId(),
      hash,
      uploader: u.uploader,
      conv_id: u.conv_id,
      channel_id: u.channel_id ?? null,
      kind: u.kind,
      mime: processed.mime,
      size,
      width: processed.width ?? null,
      height: processed.height ?? null,
      name: u.name,
      created: Date.now(),
    }
    const recorded = await m.db.tx(async (q) => {
      if (!(await q.run('DELETE FROM uploads WHERE id = ?', [u.id])).changes) return false
      await q.run(
        `INSERT INTO blobs (id, hash, uploader, conv_id, channel_id, kind, mime, size, width, height, name, upload_id, created)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          blob.id,
          hash,
          blob.uploader,
          blob.conv_id,
          blob.channel_id,
          blob.kind,
          blob.mime,
          size,
          blob.width,
          blob.height,
          blob.name,
          u.id,
          blob.created,
        ],
      )
      return true
    })
    if (!recorded) {
      // another request finished it first (its lease had run out): that one's blob is the upload's
      const b = await m.db.get<BlobRow>('SELECT * FROM blobs WHERE upload_id = ?', [u.id])
      if (!b) throw noUpload()
      return blobInfo(b)
    }
    await dropParts(m.db, u)
    return blobInfo(blob)
  } finally {
    await rm(out, { force: true })
    await local.done()
  }
}

/** Deletes an upload with its bytes so far. */
export async function dropUpload(db: Queryable, u: Pick<UploadRow, 'id' | 'temp'>): Promise<void> {
  await db.run('DELETE FROM uploads WHERE id = ?', [u.id])
  await dropParts(db, u)
}

async function dropParts(db: Queryable, u: Pick<UploadRow, 'id' | 'temp'>): Promise<void> {
  await db.run('DELETE FROM upload_parts WHERE upload_id = ?', [u.id])
  if (u.temp) await rm(u.temp, { force: true })
}
