// The security headers: the app's Content-Security-Policy on the built PWA, and a policy that allows
// nothing on every other response (JSON, errors), so that a response opened as a page can run nothing.
import type { ServerResponse } from 'node:http'

/**
 * The built app loads everything from its own origin: hashed scripts and styles, icons, the manifest,
 * the service worker, and `fetch`/WebSocket to /api and /sync ('self' covers ws: and wss: on the same
 * host since CSP 3). No inline script, event handler attribute or eval: injected markup cannot run code.
 * Styles set through the CSSOM (element.style, as Preact does) are not governed by style-src.
 */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  // a video or voice note plays from an object URL of its bytes (web/media/blob-url.ts)
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "frame-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

/** For responses that are data, never a page: nothing loads, nothing runs, nobody frames it. */
export const DATA_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

const COMMON: Readonly<Record<string, string>> = {
  // a JSON body or an upload is never sniffed into HTML or script
  'X-Content-Type-Options': 'nosniff',
  // a link opened from a chat tells the site it leads to nothing of where it was found (this server)
  'Referrer-Policy': 'no-referrer',
}

/** The headers of a file of the built app (its documents, scripts, styles, manifest, service worker). */
export const APP_HEADERS: Readonly<Record<string, string>> = { ...COMMON, 'Content-Security-Policy': APP_CSP }

/** Sets the data headers on a response before any handler writes it; the static files replace the CSP. */
export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(COMMON)) res.setHeader(name, value)
  res.setHeader('Content-Security-Policy', DATA_CSP)
}
