// The media outbox: photos and files picked to send wait here (IndexedDB, with their bytes) until each is
// uploaded and its message is in the chat; offline, after a reload, whichever screen is open. This module
// is what every signed-in start loads: the list the room shows, and the trigger. Preparing and sending
// (media-send.ts, with the upload and the photo worker) load when there is something to send.
import { effect, signal } from '@preact/signals'
import type { MediaKind } from '../../protocol/api.ts'
import { db, type OutgoingRow } from '../store/db.ts'
import { connection } from '../sync/connection.ts'
import { newMessageId } from '../kinds/page.ts'

export interface OutgoingView {
  msgId: string
  conv: string
  kind: MediaKind | 'text'
  /** a waiting text's words */
  body?: string
  name?: string
  size: number
  w?: number
  h?: number
  /** an object URL of the bytes, for the preview */
  url: string
  created: number
  /** bytes the server has */
  sent: number
  /** the server's refusal code, when it refused for good */
  failed?: string
}

/** Everything waiting to be sent, oldest first. */
export const outgoing = signal<readonly OutgoingView[]>([])

export function viewOf(r: OutgoingRow): OutgoingView {
  const v: OutgoingView = {
    msgId: r.msgId,
    conv: r.conv,
    kind: r.kind,
    size: r.file.size,
    url: r.kind === 'text' ? '' : URL.createObjectURL(r.file),
    created: r.created,
    sent: 0,
  }
  if (r.name) v.name = r.name
  if (r.kind === 'text') v.body = r.body
  if (r.w && r.h) Object.assign(v, { w: r.w, h: r.h })
  if (r.failed) v.failed = r.failed
  return v
}

export function updateView(msgId: string, change: Partial<OutgoingView>): void {
  outgoing.value = outgoing.value.map((v) => (v.msgId === msgId ? { ...v, ...change } : v))
}

export function dropView(msgId: string): void {
  const v = outgoing.value.find((x) => x.msgId === msgId)
  if (v) URL.revokeObjectURL(v.url)
  outgoing.value = outgoing.value.filter((x) => x.msgId !== msgId)
}

/** what is being sent now, and how to stop it (removeOutgoing: the user cancelled it) */
export const sending: { id: string | null; abort: AbortController | null } = { id: null, abort: null }

/**
 * Puts picked files in the outbox of chat `convId`, photos resized on the way (off the main thread).
 * `caption` goes with the first of them.
 */
export async function sendFiles(convId: string, files: readonly File[], caption = ''): Promise<void> {
  await (await import('./media-send.ts')).queueFiles(convId, files, caption)
}

/**
 * Whether a text sent now in chat `convId` must wait in the outbox: something sent before it is still on
 * its way there (a photo uploading, or a text waiting behind one), and the chat gets messages in the order
 * they were sent, as KakaoTalk keeps them.
 */
export const waitsInOutbox = (convId: string): boolean => outgoing.peek().some((v) => v.conv === convId && !v.failed)

/** Puts text `body` in the outbox of chat `convId`, behind what waits there (waitsInOutbox). */
export async function queueText(convId: string, body: string, replyTo?: string): Promise<void> {
  const d = db()
  if (!d || !body) return
  const row: OutgoingRow = { msgId: newMessageId(), conv: convId, kind: 'text', file: new Blob(), body, created: Date.now() }
  if (replyTo) row.replyTo = replyTo
  // shown at once, stored after: the list shows what was sent in its order
  outgoing.value = [...outgoing.value, viewOf(row)]
  await d.outgoing.put(row)
  kick()
}

/** Puts a recorded voice note (`dur` ms) in the outbox of chat `convId`. */
export async function sendVoice(convId: string, file: Blob, dur: number): Promise<void> {
  await (await import('./media-send.ts')).queueVoice(convId, file, dur)
}

/**
 * Takes a file out of the outbox: one waiting, one being sent (its upload stops, and the server is told to
 * drop what it has), or one that was refused.
 */
export async function removeOutgoing(msgId: string): Promise<void> {
  // being sent: the sender stops it and gives it up (media-send.ts)
  if (sending.id === msgId) return sending.abort?.abort()
  await giveUp(msgId)
}

/** Takes `msgId` out of the outbox and out of the list the room shows (sent, or given up). */
export async function forget(msgId: string): Promise<void> {
  await db()?.outgoing.delete(msgId)
  dropView(msgId)
}

/** Forgets a message the user gave up, and has the server drop the upload it began (media-send.ts, dropUpload). */
export async function giveUp(msgId: string): Promise<void> {
  const uploadId = (await db()?.outgoing.get(msgId))?.uploadId
  await forget(msgId)
  if (uploadId) void import('./media-send.ts').then((m) => m.dropUpload(uploadId))
}

/** Sends what waits, unless offline (the next connection calls again). */
export function kick(): void {
  if (connection.peek() === 'offline' || !outgoing.peek().some((v) => !v.failed)) return
  void import('./media-send.ts').then((m) => m.pump())
}

/** Runs while someone is signed in: loads what waits, and sends it whenever a connection exists. */
export function startMediaOutbox(): () => void {
  let live = true
  void db()
    ?.outgoing.orderBy('created')
    .toArray()
    .then((rows) => {
      if (!live) return
      outgoing.value = rows.map(viewOf)
      kick()
    })
  const stop = effect(() => {
    if (connection.value === 'online') kick()
  })
  return () => {
    live = false
    stop()
    for (const v of outgoing.value) URL.revokeObjectURL(v.url)
    outgoing.value = []
  }
}
