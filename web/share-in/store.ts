// What another app shared into Sori (the Web Share Target, POST /share-target): the service worker keeps
// it in Cache Storage under a fresh id until the user picks a chat for it (web/screens/share-in), since a
// navigation cannot carry files. One entry: `/shared/<id>/meta` (title, text, url, the files' names and
// types) and `/shared/<id>/<n>` per file. Read here by the page, written by the worker (sw-share.ts).
export const SHARED_CACHE = 'sori-shared'
/** a share nobody sent on is dropped after this long */
export const SHARED_TTL_MS = 24 * 3_600_000
export const SHARE_ID_RE = /^[A-Za-z0-9_-]{8,40}$/

export interface SharedMeta {
  title: string
  text: string
  url: string
  files: { name: string; type: string; size: number }[]
  at: number
}

export interface Shared extends SharedMeta {
  id: string
  blobs: File[]
}

export const metaKey = (id: string): string => `/shared/${id}/meta`
export const fileKey = (id: string, n: number): string => `/shared/${id}/${n}`

/** The share kept under `id`, or null when there is none (sent already, dropped, or never made). */
export async function readShared(id: string): Promise<Shared | null> {
  if (!SHARE_ID_RE.test(id) || typeof caches === 'undefined') return null
  const cache = await caches.open(SHARED_CACHE)
  const res = await cache.match(metaKey(id))
  if (!res) return null
  const meta = (await res.json()) as SharedMeta
  const blobs: File[] = []
  for (let n = 0; n < meta.files.length; n++) {
    const f = await cache.match(fileKey(id, n))
    if (f) blobs.push(new File([await f.blob()], meta.files[n].name, { type: meta.files[n].type }))
  }
  return { ...meta, id, blobs }
}

/** Forgets a share (sent, or given up), and any older than SHARED_TTL_MS. */
export async function dropShared(id: string, now = Date.now()): Promise<void> {
  if (typeof caches === 'undefined') return
  const cache = await caches.open(SHARED_CACHE)
  for (const req of await cache.keys()) {
    const path = new URL(req.url).pathname
    const other = /^\/shared\/([^/]+)\//.exec(path)?.[1]
    if (other === id) await cache.delete(req)
    else if (path.endsWith('/meta')) {
      const m = (await (await cache.match(req))?.json().catch(() => null)) as SharedMeta | null
      if (!m || now - m.at > SHARED_TTL_MS)
        for (const r of await cache.keys()) if (new URL(r.url).pathname.startsWith(`/shared/${other}/`)) await cache.delete(r)
    }
  }
}

/** One message's text for what was shared: the title, the text and the address, each once. */
export function sharedText(s: Pick<SharedMeta, 'title' | 'text' | 'url'>): string {
  const parts: string[] = []
  for (const p of [s.title, s.text, s.url].map((x) => x.trim())) if (p && !parts.some((q) => q.includes(p))) parts.push(p)
  return parts.join('\n')
}
