// A picked photo made ready to send: resized and re-encoded in a worker (resize.worker.ts), with its
// ThumbHash. One worker, one photo at a time, so ten photos never hold ten decoded bitmaps at once.
import type { ResizeRequest, ResizeResult } from './resize.worker.ts'

/** the long side of a sent photo, in pixels */
export const PHOTO_MAX_SIDE = 2560
/** keeps a typical phone photo under about 500 KB at PHOTO_MAX_SIDE */
export const PHOTO_QUALITY = 0.8

export interface PreparedPhoto {
  blob: Blob
  w: number
  h: number
  thumb: string
}

let worker: Worker | null = null
let queue: Promise<unknown> = Promise.resolve()

function run(req: ResizeRequest): Promise<ResizeResult> {
  worker ??= new Worker(new URL('./resize.worker.ts', import.meta.url), { type: 'module' })
  const w = worker
  return new Promise((resolve) => {
    w.onmessage = (e: MessageEvent<ResizeResult>) => resolve(e.data)
    w.onerror = (e) => {
      e.preventDefault()
      worker = null
      w.terminate()
      resolve({ ok: false, error: e.message })
    }
    w.postMessage(req)
  })
}

/**
 * The photo to send, or null when this browser cannot prepare it (no OffscreenCanvas, a format it
 * cannot decode): then the original goes as it is, and the server removes its metadata all the same.
 */
export function preparePhoto(file: Blob, max = PHOTO_MAX_SIDE): Promise<PreparedPhoto | null> {
  if (typeof OffscreenCanvas === 'undefined' || typeof Worker === 'undefined') return Promise.resolve(null)
  const next = queue.then(() => run({ file, max, quality: PHOTO_QUALITY }))
  queue = next.catch(() => {})
  return next.then((r) => (r.ok ? { blob: r.blob, w: r.w, h: r.h, thumb: r.thumb } : null))
}
