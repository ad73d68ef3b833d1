// GET /api/previews?url=…            the preview of a web page (docs/protocol.md, "Link previews")
// GET /api/previews/image/<key>      its thumbnail, made by this server
// GET /api/previews/picture?app=…&url=…   an app card's picture (Sori Link), from the app's own domains only
// Every request needs a session. A URL is fetched at most once at a time (others asking meanwhile wait
// for the same fetch), and its result, a failure too, is kept (store.ts).
import type { IncomingMessage, ServerResponse } from 'node:http'
import { requireCaller, type ApiContext } from '../api/context.ts'
import { previewPrivate } from '../config.ts'
import { HttpError, badRequest, notFound } from '../http/errors.ts'
import type { Router } from '../http/router.ts'
import { logger } from '../log.ts'
import { PreviewFailure, webUrl } from './fetch.ts'
import { FETCHES_PER_MINUTE, takeFetch } from './limit.ts'
import { makePicture, makePreview } from './make.ts'
import { webOrigin } from '../../protocol/link.ts'
import { domainsOf, type AppRow } from '../apps/view.ts'
import { HASH_RE, freshPreview, previewImage, putPreview, urlHash, type PreviewRow } from './store.ts'

const log = logger('previews')

export const MAX_URL_CHARS = 2048
const IMAGE_PATH = '/api/previews/image/'

/** GET /api/previews's answer. */
export interface LinkPreviewBody {
  url: string
  title: string
  description: string
  site: string
  /** the thumbnail on this server (GET it with the session), or null */
  image: string | null
}

/** The address asked for, checked; 400 saying what is wrong with it. */
function checkUrl(raw: string | null): URL {
  if (!raw) throw badRequest('Give the address to preview: ?url=https://…')
  if (raw.length > MAX_URL_CHARS) throw badRequest(`The address is longer than ${MAX_URL_CHARS} characters.`)
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    throw badRequest('That is not a web address.')
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badRequest('Only http:// and https:// addresses have previews.')
  if (u.username || u.password) throw badRequest('An address with a user name or password in it has no preview.')
  const ok = webUrl(raw)
  if (!ok) throw badRequest('That is not a web address.')
  return ok
}

function answer(row: PreviewRow): LinkPreviewBody {
  if (row.failed === 403) throw new HttpError(403, 'forbidden', row.error)
  // 'not_found': there is no preview of this address, for the reason the message gives
  if (row.failed) throw new HttpError(422, 'not_found', row.error)
  return {
    url: row.url,
    title: row.title,
    description: row.description,
    site: row.site,
    image: row.image ? IMAGE_PATH + row.url_hash : null,
  }
}

/** Registers GET /api/previews; returns the handler of the thumbnails (bytes, so outside the JSON router). */
export function previewRoutes(
  r: Router,
  ctx: ApiContext,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const { db } = ctx
  // read once, at start: each server keeps the configuration it started with
  const allowPrivate = previewPrivate()
  const fetching = new Map<string, Promise<PreviewRow>>()

  async function fetchAndKeep(url: URL, hash: string, picture = false): Promise<PreviewRow> {
    const row: PreviewRow = {
      url_hash: hash,
      url: url.href,
      title: '',
      description: '',
      site: '',
      image: null,
      fetched: 0,
      failed: 0,
      error: '',
    }
    try {
      if (picture) row.image = await makePicture(url, allowPrivate)
      else {
        const made = await makePreview(url, allowPrivate)
        Object.assign(row, { title: made.title, description: made.description, site: made.site, image: made.image })
      }
    } catch (e) {
      if (!(e instanceof PreviewFailure)) log.error('making a link preview failed', e)
      row.failed = e instanceof PreviewFailure && e.kind === 'private' ? 403 : 422
      row.error = e instanceof PreviewFailure ? e.message : 'This page could not be previewed.'
    }
    row.fetched = Date.now()
    await putPreview(db, row)
    return row
  }

  /** The kept row of `url` (a page, or with `picture` an image), else fetched once for everyone asking. */
  async function rowOf(userId: string, url: URL, picture: boolean): Promise<PreviewRow> {
    const hash = urlHash(picture ? `picture:${url.href}` : url.href)
    const kept = await freshPreview(db, hash)
    if (kept) return kept
    let pending = fetching.get(hash)
    if (!pending) {
      const wait = await takeFetch(db, userId)
      if (wait)
        throw new HttpError(
          429,
          'too_many_attempts',
          `At most ${FETCHES_PER_MINUTE} new link previews a minute. Try again later.`,
          {
            'Retry-After': String(wait),
          },
        )
      // another request may have begun the fetch while this one was counted
      pending = fetching.get(hash)
      if (!pending) {
        pending = fetchAndKeep(url, hash, picture).finally(() => fetching.delete(hash))
        fetching.set(hash, pending)
      }
    }
    return pending
  }

  r.get('/api/previews', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const url = checkUrl(call.url.searchParams.get('url'))
    return { status: 200, body: answer(await rowOf(userId, url, false)) }
  })

  // a Sori Link card's picture: only from one of the app's registered domains, so that a card cannot make
  // Sori fetch anything else; fetched, kept and served like a page's thumbnail
  r.get('/api/previews/picture', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const url = checkUrl(call.url.searchParams.get('url'))
    const appId = call.url.searchParams.get('app') ?? ''
    const app = /^[a-z0-9]{12}$/.test(appId)
      ? await db.get<Pick<AppRow, 'domains'>>('SELECT domains FROM apps WHERE id = ? AND disabled = 0', [appId])
      : undefined
    if (!app) throw notFound('No such app.')
    if (!domainsOf(app).includes(webOrigin(url.href) ?? '')) throw badRequest("The picture is not on one of the app's domains.")
    const row = await rowOf(userId, url, true)
    return { status: 200, body: { image: answer(row).image } }
  })

  return async (req, res, url) => {
    if (!url.pathname.startsWith(IMAGE_PATH) || req.method !== 'GET') return false
    await requireCaller(ctx, { req, url, params: {}, body: async () => undefined })
    const key = url.pathname.slice(IMAGE_PATH.length)
    const bytes = HASH_RE.test(key) ? await previewImage(db, key) : undefined
    if (!bytes) throw notFound('This preview has no picture (any more).')
    res.writeHead(200, {
      'Content-Type': 'image/jpeg',
      'Content-Length': String(bytes.length),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "sandbox; default-src 'none'",
      // made again when the preview is, after a day; only the browser of whoever fetched it keeps it
      'Cache-Control': 'private, max-age=86400',
      Vary: 'Authorization',
      'Cross-Origin-Resource-Policy': 'same-origin',
    })
    res.end(bytes)
    return true
  }
}
