// Serves the built PWA: content types, cache headers, security headers, SPA navigation fallback,
// precompressed gzip.
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { extname, resolve, sep } from 'node:path'
import { promisify } from 'node:util'
import { gzip } from 'node:zlib'
import { sendError } from './respond.ts'
import { APP_HEADERS } from './security-headers.ts'

const gzipAsync = promisify(gzip)

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mp3': 'audio/mpeg',
}
const COMPRESSIBLE = new Set([
  '.html',
  '.js',
  '.mjs',
  '.css',
  '.json',
  '.map',
  '.webmanifest',
  '.txt',
  '.xml',
  '.svg',
  '.wasm',
  '.ico',
])
/** Files whose name does not change between deploys: the browser must revalidate them. */
const NO_CACHE = new Set(['/index.html', '/sw.js', '/manifest.webmanifest'])
/** the manifest in each language (web/manifest) */
const MANIFEST_RE = /^\/manifest-[A-Za-z-]+\.webmanifest$/

interface Gz {
  mtimeMs: number
  size: number
  data: Buffer
}

export interface StaticFiles {
  /** true when it answered the request (a file, a navigation fallback, or a 4xx); false to let the caller 404 */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean>
}

export function staticFiles(dir: string): StaticFiles {
  const root = resolve(dir)
  const gzCache = new Map<string, Gz>()

  async function fileAt(pathname: string): Promise<{ path: string; size: number; mtimeMs: number } | null> {
    let decoded: string
    try {
      decoded = decodeURIComponent(pathname)
    } catch {
      return null
    }
    if (decoded.includes('\0') || decoded.includes('\\')) return null
    const path = resolve(root, '.' + decoded)
    // never outside the root, whatever `..` or encoded slashes the path held
    if (path !== root && !path.startsWith(root + sep)) return null
    try {
      const s = await stat(path)
      if (s.isFile()) return { path, size: s.size, mtimeMs: s.mtimeMs }
    } catch {
      /* missing */
    }
    return null
  }

  async function gzipped(path: string, size: number, mtimeMs: number): Promise<Buffer> {
    const hit = gzCache.get(path)
    if (hit && hit.mtimeMs === mtimeMs && hit.size === size) return hit.data
    const data = await gzipAsync(await readFile(path), { level: 9 })
    gzCache.set(path, { mtimeMs, size, data })
    return data
  }

  return {
    async serve(req, res, pathname) {
      // a share into Sori (the manifest's share_target) is the service worker's; one that reaches the
      // server (no worker yet on this device) cannot be kept: the app says so
      if (req.method === 'POST' && pathname === '/share-target') {
        req.resume()
        res.writeHead(303, { location: '/#/share-in/none' })
        res.end()
        return true
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return false
      let served = pathname.endsWith('/') ? `${pathname}index.html` : pathname
      let file = await fileAt(served)
      if (!file && isNavigation(req, pathname)) {
        file = await fileAt('/index.html')
        served = '/index.html'
      }
      if (!file) return false
      const ext = extname(file.path).toLowerCase()
      const etag = `"${file.size.toString(36)}-${Math.floor(file.mtimeMs).toString(36)}"`
      const headers: Record<string, string> = {
        'Content-Type': TYPES[ext] ?? 'application/octet-stream',
        ...APP_HEADERS,
        'Cache-Control': served.startsWith('/assets/')
          ? 'public, max-age=31536000, immutable'
          : NO_CACHE.has(served) || MANIFEST_RE.test(served)
            ? 'no-cache'
            : 'public, max-age=3600',
        ETag: etag,
      }
      if (served === '/sw.js') headers['Service-Worker-Allowed'] = '/'
      // the Sori Link SDK is loaded by apps' pages on their own origins, also as an ES module (which needs CORS)
      if (served.startsWith('/sdk/')) {
        headers['Access-Control-Allow-Origin'] = '*'
        headers['Cross-Origin-Resource-Policy'] = 'cross-origin'
      }
      const compress = COMPRESSIBLE.has(ext) && file.size > 256
      if (compress) headers.Vary = 'Accept-Encoding'
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, headers)
        res.end()
        return true
      }
      if (compress && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
        let data: Buffer
        try {
          data = await gzipped(file.path, file.size, file.mtimeMs)
        } catch {
          sendError(res, 404, 'not_found', 'Not found.')
          return true
        }
        res.writeHead(200, { ...headers, 'Content-Encoding': 'gzip', 'Content-Length': String(data.length) })
        res.end(req.method === 'HEAD' ? undefined : data)
        return true
      }
      res.writeHead(200, { ...headers, 'Content-Length': String(file.size) })
      if (req.method === 'HEAD') {
        res.end()
        return true
      }
      const stream = createReadStream(file.path)
      stream.on('error', () => res.destroy())
      stream.pipe(res)
      return true
    },
  }
}

/** A browser navigation to a client-side route: it gets the app shell. */
function isNavigation(req: IncomingMessage, pathname: string): boolean {
  if (!String(req.headers.accept ?? '').includes('text/html')) return false
  if (/^\/(api|sync)(\/|$)/.test(pathname)) return false
  const last = pathname.slice(pathname.lastIndexOf('/') + 1)
  return !last.includes('.')
}
