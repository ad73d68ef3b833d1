// One preview made: the page fetched and read, then its og:image fetched and made a thumbnail here, so
// that the phone shows it from Sori and never contacts the site. Page and image share one deadline.
import { decodeImage } from '../media/sharp.ts'
import { MAX_PHOTO_PIXELS } from '../media/process.ts'
import { PreviewFailure, guardedGet, type FetchOptions } from './fetch.ts'
import { decodeHtml, parsePage } from './parse.ts'

export const DEADLINE_MS = 5_000
export const MAX_HTML_BYTES = 512 * 1024
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024
export const THUMB_MAX_WIDTH = 640
/** a very tall image would make a card taller than the screen */
const THUMB_MAX_HEIGHT = 960

const HTML_TYPES: ReadonlySet<string> = new Set(['text/html', 'application/xhtml+xml'])
const IMAGE_TYPES: ReadonlySet<string> = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif'])
/** what sharp is let decode: the bytes have to be one of these whatever the header said (no SVG, no TIFF) */
const IMAGE_FORMATS: ReadonlySet<string> = new Set(['jpeg', 'png', 'webp', 'gif', 'heif'])

export interface Made {
  url: string
  title: string
  description: string
  site: string
  /** a JPEG without metadata, at most THUMB_MAX_WIDTH wide */
  image: Buffer | null
}

export async function makePreview(url: URL, allowPrivate: FetchOptions['allowPrivate']): Promise<Made> {
  const deadline = Date.now() + DEADLINE_MS
  const page = await guardedGet(url, {
    allowPrivate,
    deadline,
    maxBytes: MAX_HTML_BYTES,
    overflow: 'cut',
    types: HTML_TYPES,
    accept: 'text/html,application/xhtml+xml;q=0.9',
  })
  const facts = parsePage(decodeHtml(page.body, page.charset), page.url)
  if (!facts.title)
    throw new PreviewFailure(
      'unpreviewable',
      page.cut ? `The page has no title in its first ${MAX_HTML_BYTES / 1024} KB.` : 'The page has no title.',
    )
  let image: Buffer | null = null
  if (facts.image) {
    try {
      const got = await guardedGet(facts.image, {
        allowPrivate,
        deadline,
        maxBytes: MAX_IMAGE_BYTES,
        overflow: 'fail',
        types: IMAGE_TYPES,
        accept: 'image/avif,image/webp,image/jpeg,image/png,image/gif;q=0.8',
      })
      image = await thumbnail(got.body)
    } catch {
      // a page without its picture is still a preview
      image = null
    }
  }
  return { url: url.href, title: facts.title, description: facts.description, site: facts.site, image }
}

/** An app card's picture (Sori Link's `imageUrl`): fetched like a page's og:image, made a thumbnail here. */
export async function makePicture(url: URL, allowPrivate: FetchOptions['allowPrivate']): Promise<Buffer> {
  const got = await guardedGet(url, {
    allowPrivate,
    deadline: Date.now() + DEADLINE_MS,
    maxBytes: MAX_IMAGE_BYTES,
    overflow: 'fail',
    types: IMAGE_TYPES,
    accept: 'image/avif,image/webp,image/jpeg,image/png,image/gif;q=0.8',
  })
  const image = await thumbnail(got.body)
  if (!image) throw new PreviewFailure('unpreviewable', 'That is not a picture Sori shows.')
  return image
}

/** The image upright, at most THUMB_MAX_WIDTH wide, as a JPEG with no metadata; null when it is no image we decode. */
async function thumbnail(bytes: Buffer): Promise<Buffer | null> {
  try {
    // the pictures of link previews take their turn as one account does (decode-queue.ts): pages anyone
    // links to are not let hold the decoders that members' photos need
    return await decodeImage('previews', async (sharp) => {
      const img = sharp(bytes, { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'error' })
      const meta = await img.metadata()
      if (!meta.format || !IMAGE_FORMATS.has(meta.format) || !meta.width || !meta.height) return null
      // sharp writes no metadata unless asked: EXIF (GPS), XMP and ICC stay behind
      return await img
        .autoOrient()
        .resize({ width: THUMB_MAX_WIDTH, height: THUMB_MAX_HEIGHT, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 80 })
        .toBuffer()
    })
  } catch {
    return null
  }
}
