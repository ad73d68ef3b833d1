// Preparing and sending what the media outbox holds (media-outbox.ts): one file at a time, oldest first,
// by one tab at a time. The message id is fixed when the file is picked, so a send repeated after a
// reload writes the message once (append.ts). What the server refuses for good (too large, over quota,
// not a picture) stays, marked, until the user removes it.
import type { MediaKind } from '../../protocol/api.ts'
import type { MediaRef } from '../../protocol/messages.ts'
import { MAX_MEDIA_NAME_CHARS } from '../../protocol/limits.ts'
import { getToken } from '../account/api.ts'
import { newMessageId } from '../kinds/page.ts'
import { preparePhoto } from '../media/prepare.ts'
import { videoMeta } from '../media/video-meta.ts'
import { cancelUpload, upload, UploadCancelled, UploadFailure } from '../media/upload.ts'
import { keepSent } from '../media/blob-url.ts'
import { db, type OutgoingRow } from '../store/db.ts'
import { appendToChat } from './append.ts'
import { forget, giveUp, kick, outgoing, sending, updateView, viewOf } from './media-outbox.ts'

/** after a failed try: 2 s, then doubling up to 30 s; a new connection tries at once */
const RETRY_FIRST_MS = 2_000
const RETRY_MAX_MS = 30_000
let retryMs = RETRY_FIRST_MS
let retryTimer: ReturnType<typeof setTimeout> | undefined
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/heic', 'image/heif', 'image/bmp', 'image/gif']

/** What kind of message a picked file makes. */
export function kindOf(file: Blob): MediaKind {
  if (PHOTO_TYPES.includes(file.type)) return 'photo'
  if (file.type.startsWith('video/')) return 'video'
  return 'file'
}

export async function queueFiles(convId: string, files: readonly File[], caption: string): Promise<void> {
  const d = db()
  if (!d) return
  for (const [i, file] of files.entries()) {
    const kind = kindOf(file)
    const row: OutgoingRow = {
      msgId: newMessageId(),
      conv: convId,
      kind,
      file,
      body: i === 0 ? caption : '',
      created: Date.now(),
    }
    // a GIF keeps its frames: the server takes its metadata out
    if (kind === 'photo' && file.type !== 'image/gif') {
      const p = await preparePhoto(file)
      if (p) Object.assign(row, { file: p.blob, w: p.w, h: p.h, thumb: p.thumb })
    }
    if (kind === 'video') {
      const v = await videoMeta(file)
      if (v) Object.assign(row, v)
    }
    if (kind !== 'photo' && file.name) row.name = file.name.slice(0, MAX_MEDIA_NAME_CHARS)
    await d.outgoing.put(row)
    outgoing.value = [...outgoing.value, viewOf(row)]
    kick()
  }
}

/** Puts a recorded voice note (`dur` ms) in the outbox of chat `convId`. */
export async function queueVoice(convId: string, file: Blob, dur: number): Promise<void> {
  const d = db()
  if (!d) return
  const row: OutgoingRow = { msgId: newMessageId(), conv: convId, kind: 'voice', file, body: '', created: Date.now(), dur }
  await d.outgoing.put(row)
  outgoing.value = [...outgoing.value, viewOf(row)]
  kick()
}

let pumping = false

/** Sends everything that waits; one tab at a time (a Web Lock), so two tabs never upload the same file. */
export async function pump(): Promise<void> {
  if (pumping) return
  pumping = true
  try {
    if ('locks' in navigator) await navigator.locks.request('sori-media-outbox', drain)
    else await drain()
  } finally {
    pumping = false
  }
}

async function drain(): Promise<void> {
  for (;;) {
    const d = db()
    if (!d) return
    const row = (await d.outgoing.orderBy('created').toArray()).find((r) => !r.failed)
    if (!row) return
    sending.id = row.msgId
    const abort = (sending.abort = new AbortController())
    try {
      await sendOne(row, abort.signal)
      retryMs = RETRY_FIRST_MS
    } catch (e) {
      if (e instanceof UploadCancelled) {
        // cancelled by the user: gone from the outbox, and from the server
        await giveUp(row.msgId)
        continue
      }
      if (e instanceof UploadFailure && e.permanent) {
        await d.outgoing.update(row.msgId, { failed: e.code })
        updateView(row.msgId, { failed: e.code })
        continue
      }
      // the connection dropped or the server is away or busy: again in a while (and at the next
      // connection, which calls kick); the upload goes on from where the server stands
      clearTimeout(retryTimer)
      retryTimer = setTimeout(kick, retryMs)
      retryMs = Math.min(RETRY_MAX_MS, retryMs * 2)
      return
    } finally {
      sending.id = null
      sending.abort = null
    }
  }
}

/** Tells the server to drop an upload this device gave up (best effort: see cancelUpload). */
export async function dropUpload(uploadId: string): Promise<void> {
  const token = getToken()
  if (token) await cancelUpload(uploadId, token).catch(() => {})
}

async function sendOne(row: OutgoingRow, signal: AbortSignal): Promise<void> {
  const d = db()
  const token = getToken()
  if (!d || !token) throw new UploadFailure(0, 'signed-out')
  if (row.kind === 'text') {
    // its turn: what was sent before it is in the chat (or was refused, or taken back)
    await appendToChat(row.conv, { id: row.msgId, kind: 'text', body: row.body, replyTo: row.replyTo })
    return forget(row.msgId)
  }
  const kind = row.kind
  const info = await upload({
    convId: row.conv,
    kind,
    file: row.file,
    name: row.name,
    token,
    uploadId: row.uploadId,
    saveId: async (id) => void (await d.outgoing.update(row.msgId, { uploadId: id })),
    onProgress: (sent) => updateView(row.msgId, { sent }),
    signal,
  })
  // cancelled as the last piece went: the blob is made, but no message names it (the server's collector
  // drops it)
  if (signal.aborted) throw new UploadCancelled()
  const media: MediaRef = { id: info.id, kind: info.kind, mime: info.mime, size: info.size }
  // a photo's size is the server's (it encoded it again); a video's is what the device measured
  const w = info.width ?? row.w
  const h = info.height ?? row.h
  const visual = row.kind === 'photo' || row.kind === 'video'
  if (w && h && visual) Object.assign(media, { w, h })
  if (row.thumb && visual) media.thumb = row.thumb
  if (row.dur && (row.kind === 'video' || row.kind === 'voice')) media.dur = row.dur
  if (info.name) media.name = info.name
  await appendToChat(row.conv, { id: row.msgId, kind: 'media', body: row.body, media })
  await keepSent(info.id, row.file, info.mime)
  await forget(row.msgId)
}
