// The Cache Storage cache that holds the media this device has seen or sent (blob-url.ts).
export const MEDIA_CACHE = 'sori-media'

/** Forgets every cached blob (sign-out). */
export async function clearMediaCache(): Promise<void> {
  if ('caches' in self) await caches.delete(MEDIA_CACHE).catch(() => false)
}
