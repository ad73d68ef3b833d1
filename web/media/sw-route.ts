/// <reference lib="webworker" />
// The service worker's side of media: a player's requests for `/api/blobs/:id` (a <video> or <audio>
// cannot send the session's token, and it asks for byte ranges to start early and to seek).
// - In the media cache: the range is cut from the cached file, so a video seeks offline.
// - Not cached: the file is fetched once, with the token the page hands over, and the same bytes go
//   both to the player (as they arrive, so it starts playing at once) and into the cache. A seek while
//   that download runs is fetched from the server as a range. A player that falls far behind the
//   download is cut off and asks again from where it is, so the worker never holds more than
//   LAG_LIMIT bytes of a large file in memory.
// The page learns of each file kept (`sori-media-kept`) and keeps it within the budget (blob-url.ts).
import { parseRange } from '../../protocol/range.ts'
import { MEDIA_CACHE } from './cache-name.ts'

declare const self: ServiceWorkerGlobalScope

/** bytes the player may lag behind the download before its stream is cut (it asks again) */
const LAG_LIMIT = 16 * 1024 * 1024
const BLOB_PATH = /^\/api\/blobs\/([A-Za-z0-9_-]{8,64})$/

/** what the cache keeps of the server's headers: the type it sniffed and the protections it asked for */
const KEPT_HEADERS = ['content-type', 'content-disposition', 'content-security-policy', 'x-content-type-options']

/** blob id → the download that fills its cache entry */
const downloading = new Map<string, Promise<void>>()

/** The blob id of a player's request this route answers, else null (the page's own fetches carry a token). */
export function mediaRequest(request: Request): string | null {
  if (request.method !== 'GET' || request.headers.has('authorization')) return null
  const url = new URL(request.url)
  if (url.origin !== self.location.origin) return null
  return BLOB_PATH.exec(url.pathname)?.[1] ?? null
}

/** The session token of the page that asked (it lives only in the page's memory). */
async function tokenOf(clientId: string): Promise<string | null> {
  const client = clientId ? await self.clients.get(clientId) : undefined
  if (!client) return null
  const channel = new MessageChannel()
  return await new Promise<string | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), 5000)
    channel.port1.onmessage = (e: MessageEvent<{ token?: string | null } | null>) => {
      clearTimeout(timer)
      resolve(e.data?.token ?? null)
    }
    client.postMessage({ type: 'sori-token' }, [channel.port2])
  })
}

export async function answerMedia(event: FetchEvent, id: string): Promise<Response> {
  const key = new URL(`/api/blobs/${id}`, self.location.origin).href
  const cache = await caches.open(MEDIA_CACHE).catch(() => null)
  const hit = await cache?.match(key)
  const rangeHeader = event.request.headers.get('range') ?? undefined
  if (hit) return fromCache(hit, rangeHeader)
  const token = await tokenOf(event.clientId)
  if (!token) return new Response(null, { status: 401 })
  const auth = { authorization: `Bearer ${token}` }
  try {
    if (cache && !downloading.has(id)) {
      const played = await download(event, cache, key, id, auth, rangeHeader)
      if (played) return played
    }
    // a seek while the download runs, or no cache: the server answers the range itself
    return await fetch(key, { headers: rangeHeader ? { ...auth, range: rangeHeader } : auth })
  } catch {
    return new Response(null, { status: 504, statusText: 'offline' })
  }
}

/** A range of a cached file; cutting a Blob does not read the rest of it. */
async function fromCache(hit: Response, rangeHeader: string | undefined): Promise<Response> {
  const blob = await hit.blob()
  const headers = new Headers(hit.headers)
  headers.set('accept-ranges', 'bytes')
  const range = parseRange(rangeHeader, blob.size)
  if (range === 'unsatisfiable') {
    headers.set('content-range', `bytes */${blob.size}`)
    return new Response(null, { status: 416, headers })
  }
  if (!range) return new Response(blob, { status: 200, headers })
  headers.set('content-range', `bytes ${range.start}-${range.end - 1}/${blob.size}`)
  headers.set('content-length', String(range.end - range.start))
  return new Response(blob.slice(range.start, range.end), { status: 206, headers })
}

/**
 * Fetches the whole file into the cache; returns the player's answer from the same bytes when it asked
 * from the start, else null (it gets its range from the server). A refusal is handed to the player.
 */
async function download(
  event: FetchEvent,
  cache: Cache,
  key: string,
  id: string,
  auth: Record<string, string>,
  rangeHeader: string | undefined,
): Promise<Response | null> {
  const res = await fetch(key, { headers: auth })
  if (!res.ok || !res.body) return res
  const size = Number(res.headers.get('content-length'))
  const headers = new Headers()
  for (const h of KEPT_HEADERS) {
    const v = res.headers.get(h)
    if (v) headers.set(h, v)
  }
  headers.set('content-length', String(size))
  const range = Number.isSafeInteger(size) ? parseRange(rangeHeader, size) : 'unsatisfiable'
  const fromStart = range === null || (range !== 'unsatisfiable' && range.start === 0 && range.end === size)
  const [toCache, toPlayer] = split(res.body, fromStart)
  const kept = cache
    .put(key, new Response(toCache, { status: 200, headers }))
    .then(() => announce(id, size))
    .catch(() => {
      /* cut off, or the device is full: fetched again next time */
    })
    .finally(() => downloading.delete(id))
  downloading.set(id, kept)
  event.waitUntil(kept)
  if (!toPlayer) return null
  const played = new Headers(headers)
  played.set('accept-ranges', 'bytes')
  if (range === null) return new Response(toPlayer, { status: 200, headers: played })
  played.set('content-range', `bytes 0-${size - 1}/${size}`)
  return new Response(toPlayer, { status: 206, headers: played })
}

/**
 * Two readers of one body: the cache's, which reads at the network's pace, and the player's (when
 * `withPlayer`), which may pause. Unlike `tee()`, the player's backlog is bounded: past LAG_LIMIT its
 * stream errors, and the player asks again for the range it lacks. If the cache gives up (the device
 * is full), the player still gets the rest.
 */
function split(
  body: ReadableStream<Uint8Array>,
  withPlayer: boolean,
): [ReadableStream<Uint8Array>, ReadableStream<Uint8Array> | null] {
  const reader = body.getReader()
  let player: ReadableStreamDefaultController<Uint8Array> | null = null
  const toPlayer = withPlayer
    ? new ReadableStream<Uint8Array>(
        { start: (c) => void (player = c), cancel: () => void (player = null) },
        new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
      )
    : null
  /** passes a chunk to the player; false once the player is gone */
  const give = (chunk: Uint8Array | undefined): boolean => {
    if (!player) return false
    if (!chunk) {
      player.close()
      return false
    }
    player.enqueue(chunk)
    if ((player.desiredSize ?? 0) >= -LAG_LIMIT) return true
    player.error(new Error('the player is too far behind the download'))
    player = null
    return false
  }
  const toCache = new ReadableStream<Uint8Array>({
    async pull(c) {
      const { done, value } = await reader.read().catch((e: unknown) => {
        player?.error(e)
        player = null
        throw e
      })
      if (done) c.close()
      else c.enqueue(value)
      give(value)
    },
    async cancel(reason) {
      try {
        while (player) {
          const { value } = await reader.read()
          if (!give(value)) break
        }
      } catch (e) {
        player?.error(e)
      }
      await reader.cancel(reason).catch(() => {})
    },
  })
  return [toCache, toPlayer]
}

/** Tells the open pages that a file is in the cache, so that it counts against the budget. */
async function announce(id: string, size: number): Promise<void> {
  for (const client of await self.clients.matchAll({ type: 'window' })) client.postMessage({ type: 'sori-media-kept', id, size })
}
