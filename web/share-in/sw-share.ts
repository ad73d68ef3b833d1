/// <reference lib="webworker" />
// The service worker's side of the Web Share Target (the manifest's share_target): another app's
// "Share → Sori" POSTs title, text, url and files to /share-target; the worker keeps them (store.ts) and
// opens the app at #/share-in/<id>, where the user picks a chat. Nothing goes to the server until then.
import { SHARED_CACHE, fileKey, metaKey, type SharedMeta } from './store.ts'

declare const self: ServiceWorkerGlobalScope

/** files one share may bring, and bytes in all: more is cut off (the picker says what came) */
const MAX_FILES = 10
const MAX_BYTES = 200 * 1024 * 1024

const field = (form: FormData, name: string, max: number): string => {
  const v = form.get(name)
  return typeof v === 'string' ? v.slice(0, max) : ''
}

async function keep(request: Request): Promise<Response> {
  let form: FormData
  try {
    form = await request.formData()
  } catch {
    return Response.redirect(new URL('/#/share-in/none', self.location.origin).href, 303)
  }
  const id = Array.from(crypto.getRandomValues(new Uint8Array(12)), (b) => b.toString(16).padStart(2, '0')).join('')
  const cache = await caches.open(SHARED_CACHE)
  const files: SharedMeta['files'] = []
  let bytes = 0
  for (const v of form.getAll('files')) {
    if (typeof v === 'string' || files.length >= MAX_FILES || bytes + v.size > MAX_BYTES) continue
    bytes += v.size
    await cache.put(
      fileKey(id, files.length),
      new Response(v, { headers: { 'content-type': v.type || 'application/octet-stream' } }),
    )
    files.push({ name: v.name || 'file', type: v.type || 'application/octet-stream', size: v.size })
  }
  const meta: SharedMeta = {
    title: field(form, 'title', 500),
    text: field(form, 'text', 10_000),
    url: field(form, 'url', 2_000),
    files,
    at: Date.now(),
  }
  await cache.put(metaKey(id), new Response(JSON.stringify(meta), { headers: { 'content-type': 'application/json' } }))
  return Response.redirect(new URL(`/#/share-in/${id}`, self.location.origin).href, 303)
}

export function handleShareTarget(): void {
  self.addEventListener('fetch', (event) => {
    const url = new URL(event.request.url)
    if (event.request.method === 'POST' && url.origin === self.location.origin && url.pathname === '/share-target')
      event.respondWith(keep(event.request))
  })
}
