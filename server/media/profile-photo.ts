// Profile photos (docs/protocol.md, "Profile photos"): the bytes of one image in a PUT, turned upright,
// cropped to a centred square, made at most PROFILE_PHOTO_PX a side and encoded as JPEG without any
// metadata, then kept in the blob store under their sha256, which users.photo names. Nothing counts
// against the media quota (one small file a user), but every PUT counts as an upload an hour.
// Group photos (group-photo.ts) are received, made and served by the same functions (storePhoto, sendPhoto).
import { randomBytes } from 'node:crypto'
import { mkdir, open, rm } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { decodeImage } from './sharp.ts'
import type { Me } from '../../protocol/api.ts'
import { ENTITY_ID_RE, MAX_PROFILE_PHOTO_BYTES, PROFILE_PHOTO_PX, PROFILE_PHOTO_VERSION_CHARS } from '../../protocol/limits.ts'
import type { Queryable } from '../db/db.ts'
import { HttpError, badRequest, notFound } from '../http/errors.ts'
import { loadMe } from '../users/profiles.ts'
import { MAX_PHOTO_PIXELS, PHOTO_TYPES, notAnImage, sniff, unreadable } from './process.ts'
import { checkUploadRate, type Media } from './uploads.ts'

const tooLarge = () =>
  new HttpError(413, 'too_large', `A profile photo may be at most ${MAX_PROFILE_PHOTO_BYTES / 1024 / 1024} MiB.`, {
    Connection: 'close',
  })

const noAccount = () => notFound('This account no longer exists.')

/** Writes the request's body to `path`, refusing (and cutting) one past MAX_PROFILE_PHOTO_BYTES. */
async function receive(req: IncomingMessage, path: string): Promise<void> {
  const fh = await open(path, 'w')
  try {
    let size = 0
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length
      // leaving the loop destroys the request: nothing past the limit is read
      if (size > MAX_PROFILE_PHOTO_BYTES) throw tooLarge()
      await fh.write(chunk)
    }
  } catch (e) {
    if (e instanceof HttpError) throw e
    // the client went away, or the server's request timeout cut it: nothing to answer
    if (req.destroyed) throw badRequest('The request body was cut off.')
    throw e
  } finally {
    await fh.close()
  }
}

/**
 * The photo at `path` as the square JPEG that is kept, written to `out`, when it is `who`'s turn to decode
 * (decode-queue.ts); 400 not_an_image for anything else.
 */
async function square(path: string, out: string, who: string): Promise<void> {
  if (!PHOTO_TYPES[await sniff(path)]) throw notAnImage()
  try {
    // an animated GIF or WebP gives its first frame
    await decodeImage(who, async (sharp) => {
      const image = sharp(path, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'error' })
      const meta = await image.metadata()
      const width = meta.width
      const height = meta.pageHeight ?? meta.height
      if (!width || !height) throw notAnImage()
      // the short side does not change when the photo is turned upright; a small photo is not enlarged
      const side = Math.min(PROFILE_PHOTO_PX, width, height)
      // as in process.ts: sharp writes no metadata unless asked, and the ICC profile is applied (to sRGB)
      await image
        .autoOrient()
        .resize(side, side, { fit: 'cover', position: 'centre' })
        // a transparent PNG, WebP or GIF goes onto white rather than black
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 85 })
        .toFile(out)
    })
  } catch (e) {
    throw unreadable(e)
  }
}

/**
 * Receives the image in the request's body as `userId`'s upload and keeps its square JPEG in the content
 * store; returns its sha256 (for users.photo or convs.photo). Every attempt counts against the uploads an
 * hour, an image or not: each costs a decode. The content was stored (again) just now, so no sweep removes
 * it before the caller names it.
 */
export async function storePhoto(m: Media, userId: string, req: IncomingMessage): Promise<string> {
  const declared = req.headers['content-length']
  if (declared !== undefined && Number(declared) > MAX_PROFILE_PHOTO_BYTES) throw tooLarge()
  const now = Date.now()
  await checkUploadRate(m, userId, now)
  await m.db.run('DELETE FROM photo_puts WHERE user_id = ? AND created <= ?', [userId, now - 3_600_000])
  await m.db.run('INSERT INTO photo_puts (user_id, created) VALUES (?, ?)', [userId, now])

  await mkdir(m.uploadDir, { recursive: true })
  const path = join(m.uploadDir, `photo-${randomBytes(12).toString('hex')}`)
  const out = `${path}.out`
  try {
    await receive(req, path)
    await square(path, out, userId)
    return (await m.store.put(out)).hash
  } finally {
    await rm(path, { force: true })
    await rm(out, { force: true })
  }
}

/** PUT /api/me/photo: the body is the image. */
export async function putProfilePhoto(m: Media, userId: string, req: IncomingMessage): Promise<Me> {
  const hash = await storePhoto(m, userId, req)
  const set = await m.db.run('UPDATE users SET photo = ? WHERE id = ? AND deleted = 0', [hash, userId])
  if (!set.changes) throw noAccount()
  const me = await loadMe(m.db, userId)
  if (!me) throw noAccount()
  return me
}

/** DELETE /api/me/photo: the old content is left to the collector's sweep. */
export async function deleteProfilePhoto(m: Media, userId: string): Promise<Me> {
  await m.db.run("UPDATE users SET photo = '' WHERE id = ? AND deleted = 0", [userId])
  const me = await loadMe(m.db, userId)
  if (!me) throw noAccount()
  return me
}

/** The content a user's current photo is, if they have one and are not a deleted account. */
async function photoOf(q: Queryable, id: string): Promise<string | undefined> {
  if (!ENTITY_ID_RE.test(id)) return undefined
  const row = await q.get<{ photo: string }>('SELECT photo FROM users WHERE id = ? AND deleted = 0', [id])
  return row?.photo || undefined
}

/**
 * GET /api/users/:id/photo, for any signed-in user (like the name). The address carries no version (a
 * `?v=` is ignored), yet the answer may be kept for good: clients ask with the version their profiles
 * name, so a new photo is a new address for the browser's cache. `blobHeaders`: those of every blob
 * response (http.ts).
 */
export async function sendProfilePhoto(
  m: Media,
  req: IncomingMessage,
  res: ServerResponse,
  userId: string,
  blobHeaders: Readonly<Record<string, string>>,
  version: string | null,
): Promise<void> {
  await sendPhoto(m, req, res, await photoOf(m.db, userId), blobHeaders, version)
}

/** The photo whose content is `hash` (none: 404), as GET /api/users/:id/photo answers it. */
export async function sendPhoto(
  m: Media,
  req: IncomingMessage,
  res: ServerResponse,
  hash: string | undefined,
  blobHeaders: Readonly<Record<string, string>>,
  version: string | null,
): Promise<void> {
  if (!hash) throw notFound('No such photo.')
  const etag = `"${hash}"`
  // the address names these bytes for good only with the current version in it (`?v=`); without it, the
  // same address names whatever the photo is now, so a cached copy is asked about (ETag) every time
  const current = version !== null && hash.startsWith(version) && version.length === PROFILE_PHOTO_VERSION_CHARS
  const headers = {
    ...blobHeaders,
    'Cache-Control': current ? 'private, max-age=31536000, immutable' : 'private, no-cache',
    ETag: etag,
    'Content-Type': 'image/jpeg',
    'Content-Disposition': 'inline',
  }
  if (req.headers['if-none-match']?.split(',').some((t) => t.trim() === etag)) {
    res.writeHead(304, headers)
    res.end()
    return
  }
  let body
  try {
    body = await m.store.read(hash)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw notFound('No such photo.')
    throw e
  }
  res.writeHead(200, headers)
  try {
    await pipeline(body, res)
  } catch {
    // the client went away mid-download
    body.destroy()
  }
}

/** Forgets the PUTs older than an hour: they no longer count against anyone's uploads. */
export async function forgetPhotoPuts(q: Queryable, now = Date.now()): Promise<void> {
  await q.run('DELETE FROM photo_puts WHERE created <= ?', [now - 3_600_000])
}
