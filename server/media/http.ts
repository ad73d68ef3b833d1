// The media endpoints, outside the JSON router because they stream bodies both ways:
//   POST  /api/chats/:convId/uploads   announce an upload (JSON)
//   HEAD  /api/uploads/:id             how many bytes the server has
//   PATCH /api/uploads/:id             the next bytes (application/offset+octet-stream)
//   DELETE /api/uploads/:id            cancels it: what it received goes, and its share of the quota
//   GET   /api/blobs/:id               the bytes, with ranges (HEAD too)
//   POST  /api/blobs/:id/forward       the blob as a new one of the caller in another chat (forward.ts)
//   PUT/DELETE /api/me/photo, GET /api/users/:id/photo   profile photos (profile-photo.ts)
//   PUT/DELETE/GET /api/chats/:id/photo                   group photos (group-photo.ts)
//   GET /api/invites/:token/photo                         a group's photo for an invite's holder
//   POST  /api/channels/:id/uploads   announce an upload for a channel's post (its admins)
//   PUT/DELETE/GET /api/channels/:id/photo                channel photos (channel-photo.ts)
import type { IncomingMessage, ServerResponse } from 'node:http'
import { pipeline } from 'node:stream/promises'
import { requireCaller, type ApiContext } from '../api/context.ts'
import { readJson } from '../http/body.ts'
import { HttpError, badRequest, notFound } from '../http/errors.ts'
import { redactUrl } from '../http/log.ts'
import { sendError, sendJson } from '../http/respond.ts'
import type { Call } from '../http/router.ts'
import { parseRange } from '../../protocol/range.ts'
import { readableBlob } from './access.ts'
import { forwardBlob } from './forward.ts'
import { deleteChannelPhoto, putChannelPhoto, sendChannelPhoto } from './channel-photo.ts'
import { deleteGroupPhoto, putGroupPhoto, sendGroupPhoto, sendInvitePhoto } from './group-photo.ts'
import { deleteProfilePhoto, putProfilePhoto, sendProfilePhoto } from './profile-photo.ts'
import { cancelUpload, createUpload, patchUpload, uploadOffset, type BlobRow, type Media } from './uploads.ts'

/** Types a browser may render from this origin; anything else is served as a download of unknown type. */
export const SAFE_TYPES: ReadonlySet<string> = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'image/avif',
  'video/mp4',
  // an iPhone's .mov: the same codecs as its MP4s, played by the browsers that play those
  'video/quicktime',
  'video/webm',
  'audio/webm',
  'audio/ogg',
  'audio/mpeg',
  'audio/mp4',
  'application/pdf',
])

/** On every blob response: nothing in it runs, nothing sniffs it into something else, no other site embeds it. */
export const BLOB_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "sandbox; default-src 'none'",
  // the id names these bytes for good; only the browser of whoever fetched them keeps them
  'Cache-Control': 'private, max-age=31536000, immutable',
  // a cached copy is only for the same signed-in session's requests
  Vary: 'Authorization',
  'Cross-Origin-Resource-Policy': 'same-origin',
}

const UPLOAD_TYPE = 'application/offset+octet-stream'

/**
 * Handles a request if it is one of the media endpoints (true), else leaves it to the JSON API (false).
 */
export function createMediaHandler(
  ctx: ApiContext,
  media: Media,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  return async (req, res, url) => {
    const method = req.method ?? 'GET'
    const segs = url.pathname.split('/').filter(Boolean)
    const seg = (i: number) => {
      try {
        return decodeURIComponent(segs[i])
      } catch {
        return ''
      }
    }
    let route: ((call: Call) => Promise<void>) | null = null
    if (segs.length === 4 && segs[1] === 'chats' && segs[3] === 'uploads' && method === 'POST')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        const up = await createUpload(media, me.userId, { convId: seg(2) }, await call.body())
        sendJson(res, 201, up, { 'Upload-Offset': '0' })
      }
    else if (segs.length === 4 && segs[1] === 'channels' && segs[3] === 'uploads' && method === 'POST')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        const up = await createUpload(media, me.userId, { channelId: seg(2) }, await call.body())
        sendJson(res, 201, up, { 'Upload-Offset': '0' })
      }
    else if (segs.length === 4 && segs[1] === 'channels' && segs[3] === 'photo' && method === 'PUT')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        sendJson(res, 200, await putChannelPhoto(ctx, media, me.userId, seg(2), req))
      }
    else if (segs.length === 4 && segs[1] === 'channels' && segs[3] === 'photo' && method === 'DELETE')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        sendJson(res, 200, await deleteChannelPhoto(ctx, me.userId, seg(2)))
      }
    else if (segs.length === 4 && segs[1] === 'channels' && segs[3] === 'photo' && method === 'GET')
      route = async (call) => {
        await requireCaller(ctx, call)
        await sendChannelPhoto(media, req, res, seg(2), BLOB_HEADERS, url.searchParams.get('v'))
      }
    else if (segs.length === 3 && segs[1] === 'uploads' && method === 'HEAD')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        const { offset, size } = await uploadOffset(media, me.userId, seg(2))
        sendJson(res, 204, undefined, { 'Upload-Offset': String(offset), 'Upload-Length': String(size) })
      }
    else if (segs.length === 3 && segs[1] === 'uploads' && method === 'DELETE')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        await cancelUpload(media, me.userId, seg(2))
        sendJson(res, 204, undefined)
      }
    else if (segs.length === 3 && segs[1] === 'uploads' && method === 'PATCH')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
        if (type !== UPLOAD_TYPE)
          throw new HttpError(415, 'unsupported_media_type', `Send the bytes as Content-Type: ${UPLOAD_TYPE}.`, {
            Connection: 'close',
          })
        const raw = req.headers['upload-offset']
        const offset = typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : NaN
        if (!Number.isSafeInteger(offset)) throw badRequest('Upload-Offset must be the byte offset the body starts at.')
        const r = await patchUpload(media, me.userId, seg(2), offset, req)
        if (r.done) sendJson(res, 201, r.blob, { 'Upload-Offset': String(r.blob.size) })
        else sendJson(res, 204, undefined, { 'Upload-Offset': String(r.offset) })
      }
    else if (segs.length === 3 && segs[1] === 'blobs' && (method === 'GET' || method === 'HEAD'))
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        const blob = await readableBlob(media.db, me.userId, seg(2))
        if (!blob) throw notFound('No such media.')
        await sendBlob(media, req, res, blob)
      }
    else if (segs.length === 4 && segs[1] === 'blobs' && segs[3] === 'forward' && method === 'POST')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        sendJson(res, 201, await forwardBlob(media, me.userId, seg(2), await call.body()))
      }
    else if (segs.length === 3 && segs[1] === 'me' && segs[2] === 'photo' && method === 'PUT')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        const body = await putProfilePhoto(media, me.userId, req)
        await photoChanged(ctx, me.userId)
        sendJson(res, 200, body)
      }
    else if (segs.length === 3 && segs[1] === 'me' && segs[2] === 'photo' && method === 'DELETE')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        const body = await deleteProfilePhoto(media, me.userId)
        await photoChanged(ctx, me.userId)
        sendJson(res, 200, body)
      }
    else if (segs.length === 4 && segs[1] === 'users' && segs[3] === 'photo' && method === 'GET')
      route = async (call) => {
        await requireCaller(ctx, call)
        await sendProfilePhoto(media, req, res, seg(2), BLOB_HEADERS, url.searchParams.get('v'))
      }
    else if (segs.length === 4 && segs[1] === 'chats' && segs[3] === 'photo' && method === 'PUT')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        sendJson(res, 200, await putGroupPhoto(ctx, media, me.userId, seg(2), req))
      }
    else if (segs.length === 4 && segs[1] === 'chats' && segs[3] === 'photo' && method === 'DELETE')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        sendJson(res, 200, await deleteGroupPhoto(ctx, me.userId, seg(2)))
      }
    else if (segs.length === 4 && segs[1] === 'invites' && segs[3] === 'photo' && method === 'GET')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        await sendInvitePhoto(media, req, res, me.userId, seg(2), BLOB_HEADERS, url.searchParams.get('v'))
      }
    else if (segs.length === 4 && segs[1] === 'chats' && segs[3] === 'photo' && method === 'GET')
      route = async (call) => {
        const me = await requireCaller(ctx, call)
        await sendGroupPhoto(media, req, res, me.userId, seg(2), BLOB_HEADERS, url.searchParams.get('v'))
      }
    if (!route) return false

    try {
      let body: Promise<unknown> | null = null
      await route({ req, url, params: {}, body: () => (body ??= readJson(req)) })
    } catch (e) {
      if (res.headersSent) {
        res.destroy()
      } else if (e instanceof HttpError) {
        sendError(res, e.status, e.code, e.message, e.headers)
      } else if ((e as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        // its row is there but its bytes are not (a store emptied or restored without them): gone, not a fault
        console.error(`${method} ${redactUrl(req.url)}: the stored content is missing`)
        sendError(res, 404, 'not_found', 'This file is no longer on the server.')
      } else {
        console.error(`${method} ${redactUrl(req.url)} failed:`, e)
        sendError(res, 500, 'internal', 'Something went wrong on the server. Try again.')
      }
    }
    return true
  }
}

/** A direct chat's entry in the other person's chat list shows the new photo; the change stands even when that fails. */
async function photoChanged(ctx: ApiContext, userId: string): Promise<void> {
  try {
    await ctx.sync.userRenamed(userId)
  } catch (e) {
    console.error('showing a new profile photo in the chat lists failed', e)
  }
}

/** `attachment` (or `inline`) with the file name, ASCII for old clients and UTF-8 for the rest. */
function disposition(kind: 'inline' | 'attachment', name: string): string {
  if (!name) return kind
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_')
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())}`
}

async function sendBlob(media: Media, req: IncomingMessage, res: ServerResponse, blob: BlobRow): Promise<void> {
  const size = Number(blob.size)
  const etag = `"${blob.hash}"`
  const safe = SAFE_TYPES.has(blob.mime)
  const headers: Record<string, string> = {
    ...BLOB_HEADERS,
    ETag: etag,
    'Accept-Ranges': 'bytes',
    'Content-Type': safe ? blob.mime : 'application/octet-stream',
    'Content-Disposition': disposition(safe ? 'inline' : 'attachment', blob.name),
  }
  if (req.headers['if-none-match']?.split(',').some((t) => t.trim() === etag)) {
    res.writeHead(304, headers)
    res.end()
    return
  }
  const ifRange = req.headers['if-range']
  const range = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, size) : null
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' })
    res.end()
    return
  }
  const { start, end } = range ?? { start: 0, end: size }
  if (range) headers['Content-Range'] = `bytes ${start}-${end - 1}/${size}`
  headers['Content-Length'] = String(end - start)
  if (req.method === 'HEAD') {
    res.writeHead(range ? 206 : 200, headers)
    res.end()
    return
  }
  const body = await media.store.read(blob.hash, start, end)
  res.writeHead(range ? 206 : 200, headers)
  try {
    await pipeline(body, res)
  } catch {
    // the client went away mid-download
    body.destroy()
  }
}
