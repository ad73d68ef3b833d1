// A blob's bytes for display: from this device's media cache when it has them (so what was seen stays
// readable offline), else fetched with the session's token (an <img> cannot send one) and kept in the
// cache. Handed out as object URLs, one per blob while the page lives. The cache stays within a budget
// the user picks in Settings: past it, the blobs used least recently go (they are fetched again when
// seen again). Files waiting to be sent are not in it (the outbox keeps them), so they never go.
import { signal } from '@preact/signals'
import { getToken } from '../account/api.ts'
import { db } from '../store/db.ts'
import { MEDIA_CACHE as CACHE } from './cache-name.ts'

const urls = new Map<string, Promise<string | null>>()
const BUDGET_KEY = 'sori.mediaBudget'
/** the budgets Settings offers, in bytes */
export const MEDIA_BUDGETS = [100, 500, 2000, 10_000].map((mb) => mb * 1_000_000)
const DEFAULT_BUDGET = 500_000_000

/** How much media this device keeps at most (a device setting). */
export function mediaBudget(): number {
  try {
    const v = Number(localStorage.getItem(BUDGET_KEY))
    return Number.isFinite(v) && v > 0 ? v : DEFAULT_BUDGET
  } catch {
    return DEFAULT_BUDGET
  }
}

export async function setMediaBudget(bytes: number): Promise<void> {
  try {
    localStorage.setItem(BUDGET_KEY, String(bytes))
  } catch {
    /* storage blocked: the default applies */
  }
  await evict()
}

let reconciled = false

/**
 * Counts files the service worker put in the cache while no page heard of it (the page closed during
 * the download), once per page, so that nothing in the cache escapes the budget.
 */
async function reconcile(): Promise<void> {
  const d = db()
  if (reconciled || !d || !('caches' in self)) return
  reconciled = true
  try {
    const known = new Set(await d.cachedBlobs.toCollection().primaryKeys())
    const cache = await caches.open(CACHE)
    for (const req of await cache.keys()) {
      const id = /^\/api\/blobs\/([^/]+)$/.exec(new URL(req.url).pathname)?.[1]
      if (!id || known.has(id)) continue
      const size = Number((await cache.match(req))?.headers.get('content-length'))
      await d.cachedBlobs.put({ id, size: Number.isFinite(size) ? size : 0, used: 0 })
    }
  } catch {
    /* storage blocked: nothing to count */
  }
}

/** Bytes of media kept on this device now. */
export async function mediaUsage(): Promise<number> {
  await reconcile()
  let total = 0
  await db()?.cachedBlobs.each((r) => void (total += r.size))
  return total
}

/** Drops the least recently used blobs until the cache is within the budget. */
async function evict(): Promise<void> {
  const d = db()
  if (!d || !('caches' in self)) return
  let total = await mediaUsage()
  const budget = mediaBudget()
  if (total <= budget) return
  const cache = await caches.open(CACHE)
  for (const r of await d.cachedBlobs.orderBy('used').toArray()) {
    if (total <= budget) break
    await cache.delete(`/api/blobs/${r.id}`)
    await d.cachedBlobs.delete(r.id)
    total -= r.size
  }
}

async function kept(id: string, size: number): Promise<void> {
  await db()
    ?.cachedBlobs.put({ id, size, used: Date.now() })
    .catch(() => {})
}

/**
 * Blobs the server answered 404 for: their message is there, their bytes are not (deleted with an account
 * or lost by the server). Shown as gone, not as loading for ever.
 */
export const goneBlobs = signal<ReadonlySet<string>>(new Set())

/** A cache's copy of `key`, else the server's (with the session's token); null offline and not cached, or refused. */
async function fetchCached(cache: Cache | null, key: string): Promise<{ res: Response; cached: boolean } | null> {
  const hit = (await cache?.match(key)) ?? null
  if (hit) return { res: hit, cached: true }
  const token = getToken()
  if (!token) return null
  const res = await fetch(key, { headers: { authorization: `Bearer ${token}` } }).catch(() => null)
  const gone = res?.status === 404 ? /^\/api\/blobs\/([^/?]+)$/.exec(key)?.[1] : undefined
  if (gone && !goneBlobs.peek().has(gone)) goneBlobs.value = new Set([...goneBlobs.peek(), gone])
  return res?.ok ? { res, cached: false } : null
}

const openCache = async (): Promise<Cache | null> => ('caches' in self ? await caches.open(CACHE).catch(() => null) : null)

/** One promise per key while the page lives; a failure is asked again next time (back online, say). */
function once(map: Map<string, Promise<string | null>>, key: string, load: () => Promise<string | null>): Promise<string | null> {
  let p = map.get(key)
  if (!p) {
    p = load()
    map.set(key, p)
    void p.then((u) => u === null && map.delete(key))
  }
  return p
}

async function load(id: string): Promise<string | null> {
  const cache = await openCache()
  const got = await fetchCached(cache, `/api/blobs/${id}`)
  if (!got) return null
  const blob = await got.res.blob()
  if (got.cached)
    void db()
      ?.cachedBlobs.update(id, { used: Date.now() })
      .catch(() => {})
  else if (cache) await keep(cache, id, blob, got.res.headers.get('content-type') ?? 'application/octet-stream')
  return URL.createObjectURL(blob)
}

async function keep(cache: Cache, id: string, bytes: Blob, mime: string): Promise<void> {
  try {
    await cache.put(
      `/api/blobs/${id}`,
      new Response(bytes, { headers: { 'content-type': mime, 'content-length': String(bytes.size) } }),
    )
    await kept(id, bytes.size)
    await evict()
  } catch {
    /* the device is full: shown from memory this time */
  }
}

const photos = new Map<string, Promise<string | null>>()

/**
 * Whose photo: a person's (by user id), a group's (by chat id), a group's seen through an invite link (by
 * token), or a channel's (by channel id).
 */
export type PhotoOf = 'users' | 'chats' | 'invites' | 'channels'

/**
 * An object URL of a person's profile photo, or of a group's photo (`version` from their profile, the
 * chat or the invite preview), kept in the media cache outside the budget (a few KB each); null when it
 * cannot be had now.
 */
export function photoUrl(of: PhotoOf, id: string, version: string): Promise<string | null> {
  const key = `/api/${of}/${encodeURIComponent(id)}/photo?v=${encodeURIComponent(version)}`
  return once(photos, key, async () => {
    const cache = await openCache()
    const got = await fetchCached(cache, key)
    if (!got) return null
    if (!got.cached) await cache?.put(key, got.res.clone()).catch(() => {})
    return URL.createObjectURL(await got.res.blob())
  })
}

/**
 * The address a player streams blob `id` from: the service worker answers it from the media cache or
 * from the server with the token (web/media/sw-route.ts), ranges included, so a video starts before it
 * is all here and seeks offline once it is. Null when no worker controls the page: play `blobUrl`.
 */
export function streamUrl(id: string): string | null {
  if (!navigator.serviceWorker?.controller) return null
  void db()
    ?.cachedBlobs.update(id, { used: Date.now() })
    .catch(() => {})
  return `/api/blobs/${id}`
}

/** The service worker kept a file it streamed (web/app/sw-register.ts passes its word on). */
export async function noteKept(id: string, size: number): Promise<void> {
  await kept(id, size)
  await evict()
}

/**
 * Blob `id`'s bytes (the cache's copy, else the server's), or null when they cannot be had now. Not through
 * its object URL: the page's Content-Security-Policy lets fetch reach this origin only, not blob: URLs.
 */
export async function blobOf(id: string): Promise<Blob | null> {
  const got = await fetchCached(await openCache(), `/api/blobs/${id}`)
  return got ? await got.res.blob().catch(() => null) : null
}

/** An object URL of blob `id`, or null when it cannot be had now (offline and not cached, or refused). */
export function blobUrl(id: string): Promise<string | null> {
  return once(urls, id, () => load(id))
}

/** Keeps a blob this device just sent in the cache, so that the sender never downloads it again. */
export async function keepSent(id: string, bytes: Blob, mime: string): Promise<void> {
  const cache = await openCache()
  if (cache) await keep(cache, id, bytes, mime)
}

/** A forwarded blob is the same bytes under a new id: kept under that one too, so it is not fetched again. */
export async function keepForwarded(from: string, to: string): Promise<void> {
  const cache = await openCache()
  const hit = await cache?.match(`/api/blobs/${from}`)
  if (cache && hit) await keep(cache, to, await hit.blob(), hit.headers.get('content-type') ?? 'application/octet-stream')
}

/** Empties the media cache now (Settings): what is seen again is fetched again. */
export async function clearMedia(): Promise<void> {
  if ('caches' in self) await caches.delete(CACHE).catch(() => false)
  await db()
    ?.cachedBlobs.clear()
    .catch(() => {})
}
