// What an upload becomes once its last byte is in: its type sniffed from the bytes (never the one the
// client names), a photo decoded and written again without any metadata (EXIF with GPS, XMP, IPTC,
// ICC), turned upright first by its EXIF orientation, and an MP4 or QuickTime video's or voice note's
// metadata boxes blanked (mp4-metadata.ts).
import { fileTypeFromFile } from 'file-type'
import { decodeImage } from './sharp.ts'
import type { MediaKind } from '../../protocol/api.ts'
import { HttpError } from '../http/errors.ts'
import { blankMp4Metadata, MalformedMp4, MP4_TYPES } from './mp4-metadata.ts'

/** Decoding a larger image is refused: a small file can claim a huge canvas (a decompression bomb). */
export const MAX_PHOTO_PIXELS = 50_000_000

export const PHOTO_TYPES: Record<string, 'jpeg' | 'png' | 'webp' | 'gif' | 'avif'> = {
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
}

/** Sniffed type of a local file; application/octet-stream when the bytes say nothing known. */
export async function sniff(path: string): Promise<string> {
  return (await fileTypeFromFile(path))?.mime ?? 'application/octet-stream'
}

/**
 * The type a voice note is served as: a WebM or MP4 container holding only sound is still sniffed as
 * video, and a player shows it as a sound either way.
 */
function voiceType(mime: string): string {
  if (mime === 'video/webm') return 'audio/webm'
  if (mime === 'video/mp4') return 'audio/mp4'
  if (mime === 'audio/x-m4a') return 'audio/mp4'
  if (mime === 'audio/opus') return 'audio/ogg'
  return mime
}

export interface Processed {
  /** the file to store: `out` for a photo, the upload itself otherwise */
  path: string
  mime: string
  width?: number
  height?: number
}

/**
 * Sniffs the upload at `path`; a photo is re-encoded to `out`, when it is `who`'s turn to decode
 * (decode-queue.ts). 400 not_an_image for a photo that is none.
 */
export async function processUpload(kind: MediaKind, path: string, out: string, who: string): Promise<Processed> {
  const mime = await sniff(path)
  if (kind === 'photo') {
    const format = PHOTO_TYPES[mime]
    if (!format) throw notAnImage()
    const animated = format === 'gif' || format === 'webp'
    try {
      // by default sharp writes no metadata at all; the ICC profile is applied (to sRGB) and dropped.
      // JPEG through libjpeg-turbo at 85: a 5 MP photo costs ~70 ms of CPU, where mozjpeg at 90 took ~500
      // for a file 5% smaller (bench:media)
      const info = await decodeImage(who, (sharp) =>
        sharp(path, { limitInputPixels: MAX_PHOTO_PIXELS, animated, failOn: 'error' })
          .autoOrient()
          .toFormat(format, format === 'jpeg' ? { quality: 85 } : {})
          .toFile(out),
      )
      return { path: out, mime, width: info.width, height: info.pageHeight ?? info.height }
    } catch (e) {
      throw unreadable(e)
    }
  }
  // a phone's video or voice memo says where it was made; a file is the sender's, byte for byte
  if ((kind === 'video' || kind === 'voice') && MP4_TYPES.has(mime)) {
    try {
      await blankMp4Metadata(path)
    } catch (e) {
      if (!(e instanceof MalformedMp4)) throw e
      throw new HttpError(
        400,
        'malformed_media',
        `This ${kind === 'voice' ? 'recording' : 'video'} is not one the server can read (${e.message}).`,
      )
    }
  }
  if (kind === 'voice') return { path, mime: voiceType(mime) }
  return { path, mime }
}

/**
 * What sharp's failure on a photo says to the sender: an image too big to decode gets the same code as any
 * unreadable one, with a message that says why.
 */
export const unreadable = (e: unknown) =>
  /pixel limit/i.test(String(e))
    ? new HttpError(
        400,
        'not_an_image',
        `This photo has more than ${MAX_PHOTO_PIXELS / 1_000_000} megapixels; send a smaller one (the app resizes photos before sending).`,
      )
    : notAnImage()

export const notAnImage = () =>
  new HttpError(400, 'not_an_image', 'This photo is not an image the server can read (JPEG, PNG, WebP, GIF or AVIF).')
