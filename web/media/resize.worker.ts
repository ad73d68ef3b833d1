// Off the main thread: decode a picked photo (upright by its EXIF orientation), scale it to at most
// `max` pixels on its long side, encode it as JPEG (which carries none of the original's metadata, so
// no EXIF and no GPS), and hash a copy of at most 100 px into a ThumbHash for the placeholder.
import { rgbaToThumbHash } from 'thumbhash'
import { base64 } from './base64.ts'

export interface ResizeRequest {
  file: Blob
  max: number
  quality: number
}
export type ResizeResult = { ok: true; blob: Blob; w: number; h: number; thumb: string } | { ok: false; error: string }

function fit(w: number, h: number, max: number): [number, number] {
  const s = Math.min(1, max / Math.max(w, h))
  return [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))]
}

function draw(bmp: ImageBitmap, w: number, h: number): OffscreenCanvas {
  const canvas = new OffscreenCanvas(w, h)
  const ctx = canvas.getContext('2d')
  if (!ctx) throw new Error('no 2d context')
  // JPEG has no transparency: what was transparent becomes white, as on a light page
  ctx.fillStyle = '#fff'
  ctx.fillRect(0, 0, w, h)
  ctx.drawImage(bmp, 0, 0, w, h)
  return canvas
}

async function resize({ file, max, quality }: ResizeRequest): Promise<ResizeResult> {
  const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' })
  try {
    const [w, h] = fit(bmp.width, bmp.height, max)
    const blob = await draw(bmp, w, h).convertToBlob({ type: 'image/jpeg', quality })
    // some browsers answer a type they cannot encode with PNG: the server sniffs it either way
    const [tw, th] = fit(bmp.width, bmp.height, 100)
    const small = draw(bmp, tw, th).getContext('2d')!.getImageData(0, 0, tw, th)
    return { ok: true, blob, w, h, thumb: base64(rgbaToThumbHash(tw, th, small.data)) }
  } finally {
    bmp.close()
  }
}

self.onmessage = (e: MessageEvent<ResizeRequest>) => {
  resize(e.data).then(
    (r) => self.postMessage(r),
    (err: unknown) => self.postMessage({ ok: false, error: String(err) } satisfies ResizeResult),
  )
}
