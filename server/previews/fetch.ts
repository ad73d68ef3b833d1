// The one way the server fetches a page or image that a user named: only from addresses on the internet
// (every address a name resolves to is checked, and the socket goes to a checked one), redirects followed
// by hand and checked again, a deadline over the whole chain, a cap on the bytes read, the type checked,
// and nothing of anyone's sent along: no cookies (none are kept), no referrer, a fixed User-Agent.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { pipeline, type Readable } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import { PrivateAddressError, isPrivateHostLiteral, pinnedLookup, publicAddresses } from '../http/public-address.ts'

export const USER_AGENT = 'SoriPreview/1.0 (+link previews)'
export const MAX_REDIRECTS = 3

/** Why a URL gives no preview: `private` (403), `unpreviewable` (422). */
export class PreviewFailure extends Error {
  constructor(
    readonly kind: 'private' | 'unpreviewable',
    message: string,
  ) {
    super(message)
  }
}

export interface Fetched {
  /** where the last redirect led */
  url: URL
  /** the Content-Type's media type, lower case */
  type: string
  /** its charset parameter, if any */
  charset: string
  body: Buffer
  /** the body went on past `maxBytes` and was cut there */
  cut: boolean
}

export interface FetchOptions {
  /** private addresses that may be fetched anyway (SORI_PREVIEW_PRIVATE, tests only) */
  allowPrivate: 'any' | ReadonlySet<number>
  /** Date.now() by which everything has to be done */
  deadline: number
  maxBytes: number
  /** what to do past maxBytes: keep what came (a page's head is enough) or give up (an image) */
  overflow: 'cut' | 'fail'
  /** the media types accepted */
  types: ReadonlySet<string>
  accept: string
}

const port = (u: URL) => Number(u.port || (u.protocol === 'https:' ? 443 : 80))

function allowed(u: URL, allow: FetchOptions['allowPrivate']): boolean {
  return allow === 'any' || allow.has(port(u))
}

/** A URL the server may be asked to fetch at all: http(s), no credentials; null otherwise. */
export function webUrl(raw: string): URL | null {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    return null
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || !u.hostname || u.username || u.password) return null
  u.hash = ''
  return u
}

const privateRefusal = (u: URL) =>
  new PreviewFailure('private', `${u.hostname} is not on the internet: link previews are made only of public sites.`)

/** GETs `start`, following up to MAX_REDIRECTS redirects, each hop checked like the first. */
export async function guardedGet(start: URL, o: FetchOptions): Promise<Fetched> {
  let url = start
  for (let hop = 0; ; hop++) {
    if (Date.now() >= o.deadline) throw timedOut()
    let addrs
    if (allowed(url, o.allowPrivate)) addrs = null
    else {
      if (isPrivateHostLiteral(url.hostname)) throw privateRefusal(url)
      try {
        addrs = await withDeadline(publicAddresses(url.hostname), o.deadline)
      } catch (e) {
        if (e instanceof PrivateAddressError) throw privateRefusal(url)
        if (e instanceof PreviewFailure) throw e
        throw new PreviewFailure('unpreviewable', `${url.hostname} could not be found.`)
      }
    }
    const res = await open(url, addrs, o)
    const status = res.statusCode ?? 0
    if (status >= 300 && status < 400 && status !== 304) {
      res.destroy()
      const next = res.headers.location ? resolveAgainst(res.headers.location, url) : null
      if (!next) throw new PreviewFailure('unpreviewable', 'The page redirects to something that is not a web address.')
      if (hop >= MAX_REDIRECTS) throw new PreviewFailure('unpreviewable', `The page redirects more than ${MAX_REDIRECTS} times.`)
      url = next
      continue
    }
    if (status < 200 || status >= 300) {
      res.destroy()
      throw new PreviewFailure('unpreviewable', `The site answered ${status}.`)
    }
    const [type, ...params] = (res.headers['content-type'] ?? '').split(';')
    const mediaType = type.trim().toLowerCase()
    if (!o.types.has(mediaType)) {
      res.destroy()
      throw new PreviewFailure(
        'unpreviewable',
        `The address gives ${mediaType || 'something of no stated type'}, not ${[...o.types][0]}.`,
      )
    }
    const charset = params.map((p) => /^\s*charset\s*=\s*"?([^";\s]+)/i.exec(p)?.[1]).find(Boolean) ?? ''
    const { body, cut } = await readBody(res, o)
    return { url, type: mediaType, charset: charset.toLowerCase(), body, cut }
  }
}

/** `ref` (a Location, an og:image) against `base`, when that gives a web address. */
export function resolveAgainst(ref: string, base: URL): URL | null {
  try {
    return webUrl(new URL(ref, base).href)
  } catch {
    return null
  }
}

const timedOut = () => new PreviewFailure('unpreviewable', 'The site did not answer in time.')

function withDeadline<T>(p: Promise<T>, deadline: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(timedOut()), Math.max(0, deadline - Date.now()))
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e: unknown) => (clearTimeout(t), reject(e)),
    )
  })
}

/** The response head of one request, with the socket pinned to `addrs` (null: a private address the configuration allows). */
function open(url: URL, addrs: Awaited<ReturnType<typeof publicAddresses>> | null, o: FetchOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest
    const req = request(url, {
      method: 'GET',
      // a connection of its own, closed after: nothing is shared with other requests, and no cookie jar exists
      agent: false,
      headers: {
        'User-Agent': USER_AGENT,
        Accept: o.accept,
        'Accept-Encoding': 'gzip, deflate, br',
        Connection: 'close',
      },
      ...(addrs ? { lookup: pinnedLookup(addrs) } : {}),
    })
    const timer = setTimeout(() => req.destroy(timedOut()), Math.max(0, o.deadline - Date.now()))
    req.on('response', (res) => {
      // the body's reading keeps the deadline (readBody); the head came in time
      res.on('close', () => clearTimeout(timer))
      res.on('error', () => {})
      resolve(res)
    })
    req.on('error', (e) => {
      clearTimeout(timer)
      reject(e instanceof PreviewFailure ? e : new PreviewFailure('unpreviewable', 'The site could not be reached.'))
    })
    req.on('close', () => clearTimeout(timer))
    req.end()
  })
}

/** The body, decoded from gzip/deflate/br, at most maxBytes of it (counted after decoding, so no bomb gets past). */
async function readBody(res: IncomingMessage, o: FetchOptions): Promise<{ body: Buffer; cut: boolean }> {
  const enc = String(res.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase()
  let stream: Readable = res
  // pipeline, not pipe: a response cut by the deadline ends the decoder's output with an error too
  const decode = (d: NodeJS.ReadWriteStream) => pipeline(res, d, () => {}) as unknown as Readable
  if (enc === 'gzip' || enc === 'x-gzip') stream = decode(createGunzip())
  else if (enc === 'deflate') stream = decode(createInflate())
  else if (enc === 'br') stream = decode(createBrotliDecompress())
  else if (enc && enc !== 'identity') {
    res.destroy()
    throw new PreviewFailure('unpreviewable', `The site sent an encoding this server does not read (${enc}).`)
  }
  const chunks: Buffer[] = []
  let size = 0
  let cut = false
  const timer = setTimeout(() => res.destroy(timedOut()), Math.max(0, o.deadline - Date.now()))
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > o.maxBytes) {
        if (o.overflow === 'fail') throw new PreviewFailure('unpreviewable', `The file is larger than ${o.maxBytes} bytes.`)
        chunks.push(chunk.subarray(0, chunk.length - (size - o.maxBytes)))
        cut = true
        break
      }
      chunks.push(chunk)
    }
  } catch (e) {
    if (e instanceof PreviewFailure) throw e
    if (Date.now() >= o.deadline) throw timedOut()
    throw new PreviewFailure('unpreviewable', 'The site stopped sending halfway.')
  } finally {
    clearTimeout(timer)
    // leaving early (cut, too large) must not leave the socket reading on
    res.destroy()
    if (stream !== res) stream.destroy()
  }
  return { body: Buffer.concat(chunks), cut }
}
