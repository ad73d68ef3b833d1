// POST /api/blobs/:id/forward { conv }: a blob the caller may read now, as a new blob of theirs in
// another chat they are in, which a media message there may then name (docs/protocol.md, "Forwarding
// media"). The bytes are not copied: the new blob names the same content, which stays stored while any
// blob names it. Access stays per chat: the new chat's members read the new blob, and the old chat's
// members keep only the old one. It counts like an upload of the caller's (rate and storage quota), and
// a forward that no message names is released like an upload never sent.
import type { BlobInfo } from '../../protocol/api.ts'
import { ENTITY_ID_RE } from '../../protocol/limits.ts'
import { HttpError, badRequest, forbidden, notFound } from '../http/errors.ts'
import { asObject } from '../http/input.ts'
import { convRow, isMember } from '../chats/store.ts'
import { readableBlob } from './access.ts'
import { blobInfo, checkUploadRate, mediaId, usedBytes, type BlobRow, type Media } from './uploads.ts'

export async function forwardBlob(m: Media, userId: string, id: string, body: unknown): Promise<BlobInfo> {
  const src = await readableBlob(m.db, userId, id)
  if (!src) throw notFound('No such media.')
  const convId = asObject(body).conv
  if (typeof convId !== 'string' || !ENTITY_ID_RE.test(convId)) throw badRequest('"conv" must be the id of a chat.')
  if (!(await convRow(m.db, convId))) throw notFound('No such chat.')
  if (!(await isMember(m.db, convId, userId))) throw forbidden('You are not a member of this chat.')
  const now = Date.now()
  await checkUploadRate(m, userId, now)
  const size = Number(src.size)
  if ((await usedBytes(m.db, userId)) + size > m.limits.quotaBytes)
    throw new HttpError(403, 'quota_exceeded', 'Your storage for media is full. Delete some media, then try again.')
  const blob: BlobRow = { ...src, id: mediaId(), uploader: userId, conv_id: convId, size, created: now }
  await m.db.run(
    `INSERT INTO blobs (id, hash, uploader, conv_id, kind, mime, size, width, height, name, upload_id, created)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    // no upload made it: a fresh id keeps upload_id unique and matches no upload's
    [
      blob.id,
      blob.hash,
      userId,
      convId,
      blob.kind,
      blob.mime,
      size,
      blob.width,
      blob.height,
      blob.name,
      `forward:${mediaId()}`,
      now,
    ],
  )
  return blobInfo(blob)
}
