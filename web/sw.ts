/// <reference lib="webworker" />
// The service worker (Workbox, injectManifest; built by vite-plugin-pwa to /sw.js). It serves the
// precached shell so the app starts with no network, and keeps the previous version's lazy chunks so
// a tab still running the old version can open its routes after a deploy.
import { cacheNames, clientsClaim } from 'workbox-core'
import { ExpirationPlugin } from 'workbox-expiration'
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { CacheFirst } from 'workbox-strategies'
import { answerMedia, mediaRequest } from './media/sw-route.ts'
import { handlePushes } from './push/sw-push.ts'
import { handleShareTarget } from './share-in/sw-share.ts'

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> }

const ASSETS = 'sori-assets'
const isAsset = (url: URL): boolean => url.origin === self.location.origin && url.pathname.startsWith('/assets/')

// Copy the precached chunks into the runtime cache before this version's precache replaces them:
// a tab of the old version asks for its own hashed chunks, which the server no longer has.
self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const [precache, runtime] = await Promise.all([caches.open(cacheNames.precache), caches.open(ASSETS)])
      for (const req of await precache.keys()) {
        if (!isAsset(new URL(req.url))) continue
        const res = await precache.match(req)
        if (res) await runtime.put(req.url, res)
      }
    })(),
  )
})

precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()

// every navigation (the app uses hash routes, but deep links and start_url too) gets the shell;
// the API and the sync endpoint are never answered from the cache
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/^\/api\//, /^\/sync\//] }))

// hashed chunks never change, so the cache is always right; kept a month for tabs left open
registerRoute(
  ({ url }) => isAsset(url),
  new CacheFirst({
    cacheName: ASSETS,
    plugins: [new ExpirationPlugin({ maxEntries: 200, maxAgeSeconds: 30 * 24 * 3600, purgeOnQuotaError: true })],
  }),
)

// a player's requests for media: from the media cache, ranges included (web/media/sw-route.ts)
self.addEventListener('fetch', (event) => {
  const id = mediaRequest(event.request)
  if (id) event.respondWith(answerMedia(event, id))
})

// what another app shares into Sori (the manifest's share_target): kept until a chat is picked
handleShareTarget()

// notifications: every push shows one; a click opens its chat (web/push/sw-push.ts)
handlePushes()

self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting()
})

// the first install takes over the open tab at once, so it works offline from the first visit
clientsClaim()
