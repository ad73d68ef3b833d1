// What a picked video's message carries, read on the device: its size in pixels, its length, and a
// ThumbHash of an early frame for the placeholder. Its bytes go as they are (the server keeps videos
// byte for byte).
import { rgbaToThumbHash } from 'thumbhash'
import { base64 } from './base64.ts'

export interface VideoMeta {
  w: number
  h: number
  dur: number
  thumb?: string
}

/** null when this browser cannot read the video (its message then has no size or placeholder). */
export function videoMeta(file: Blob): Promise<VideoMeta | null> {
  const url = URL.createObjectURL(file)
  const v = document.createElement('video')
  v.muted = true
  v.preload = 'auto'
  v.playsInline = true
  return new Promise<VideoMeta | null>((resolve) => {
    const done = (r: VideoMeta | null) => {
      URL.revokeObjectURL(url)
      v.removeAttribute('src')
      v.load()
      resolve(r)
    }
    v.onerror = () => done(null)
    // an early frame, not the first: many videos open on black
    const frame = () => {
      v.onseeked = capture
      v.currentTime = Math.min(0.5, v.duration / 2)
    }
    v.onloadedmetadata = () => {
      if (!v.videoWidth || !v.videoHeight) return done(null)
      if (Number.isFinite(v.duration)) return frame()
      // what MediaRecorder writes has no length in its header: seeking past the end makes the browser find it
      v.ondurationchange = () => {
        if (!Number.isFinite(v.duration)) return
        v.ondurationchange = null
        frame()
      }
      v.currentTime = 1e101
    }
    const capture = () => {
      const meta: VideoMeta = {
        w: v.videoWidth,
        h: v.videoHeight,
        dur: Math.round((Number.isFinite(v.duration) ? v.duration : 0) * 1000),
      }
      try {
        const s = 100 / Math.max(meta.w, meta.h)
        const tw = Math.max(1, Math.round(meta.w * s))
        const th = Math.max(1, Math.round(meta.h * s))
        const c = document.createElement('canvas')
        c.width = tw
        c.height = th
        const ctx = c.getContext('2d')!
        ctx.drawImage(v, 0, 0, tw, th)
        meta.thumb = base64(rgbaToThumbHash(tw, th, ctx.getImageData(0, 0, tw, th).data))
      } catch {
        /* no frame to hash: a plain placeholder */
      }
      done(meta)
    }
    v.src = url
  })
}
