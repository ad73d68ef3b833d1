// What the first interactive screen costs in bytes: the chunks index.html loads (its entry script, the
// entry's static imports as listed in Vite's build manifest, its modulepreloads and stylesheets), raw
// and gzip, plus every locale chunk on its own.
import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync, constants } from 'node:zlib'

export interface ChunkSize {
  file: string
  raw: number
  gzip: number
}

interface ManifestEntry {
  file: string
  src?: string
  isEntry?: boolean
  imports?: string[]
  dynamicImports?: string[]
  css?: string[]
}
type Manifest = Record<string, ManifestEntry>

/** gzip -9, as a static server or CDN would precompress */
export function sizeOf(dist: string, file: string): ChunkSize {
  const buf = readFileSync(join(dist, file))
  return { file, raw: buf.length, gzip: gzipSync(buf, { level: constants.Z_BEST_COMPRESSION }).length }
}

export interface InitialBytes {
  /** how the initial set was found */
  source: string
  js: ChunkSize[]
  css: ChunkSize[]
  /** files index.html preloads that the manifest's static import graph does not reach (or vice versa) */
  mismatch: string[]
  locales: ChunkSize[]
}

function fromHtml(html: string): { scripts: string[]; preloads: string[]; css: string[] } {
  const attr = (tag: string, name: string) => new RegExp(`${name}="([^"]+)"`).exec(tag)?.[1]
  const scripts: string[] = []
  const preloads: string[] = []
  const css: string[] = []
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    if (tag.startsWith('<script') && /type="module"/.test(tag)) {
      const s = attr(tag, 'src')
      if (s) scripts.push(s)
    } else if (/rel="modulepreload"/.test(tag)) {
      const h = attr(tag, 'href')
      if (h) preloads.push(h)
    } else if (/rel="stylesheet"/.test(tag)) {
      const h = attr(tag, 'href')
      if (h) css.push(h)
    }
  }
  const local = (u: string) => u.replace(/^\//, '')
  return { scripts: scripts.map(local), preloads: preloads.map(local), css: css.map(local) }
}

export function initialBytes(dist: string): InitialBytes {
  const html = fromHtml(readFileSync(join(dist, 'index.html'), 'utf8'))
  const manifestPath = join(dist, '.vite', 'manifest.json')
  const js = new Set<string>()
  const css = new Set<string>(html.css)
  const mismatch: string[] = []
  let source: string
  const locales: ChunkSize[] = []
  if (existsSync(manifestPath)) {
    const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as Manifest
    source = 'index.html + .vite/manifest.json (entry and its static imports, transitively)'
    const seen = new Set<string>()
    const walk = (key: string) => {
      if (seen.has(key)) return
      seen.add(key)
      const e = m[key]
      if (!e) return
      js.add(e.file)
      for (const c of e.css ?? []) css.add(c)
      for (const i of e.imports ?? []) walk(i)
    }
    for (const [key, e] of Object.entries(m)) if (e.isEntry && key.endsWith('.html')) walk(key)
    for (const [key, e] of Object.entries(m))
      if (/^locales\/[^/]+\.json$/.test(key)) locales.push({ ...sizeOf(dist, e.file), file: `${key} → ${e.file}` })
    for (const f of [...html.scripts, ...html.preloads])
      if (!js.has(f)) mismatch.push(`${f} (preloaded by index.html, not in the entry's static graph)`)
    const listed = new Set([...html.scripts, ...html.preloads])
    for (const f of js) if (!listed.has(f)) mismatch.push(`${f} (static import not preloaded)`)
  } else {
    source = 'index.html (entry script, modulepreloads, stylesheets); no build manifest'
    for (const f of [...html.scripts, ...html.preloads]) js.add(f)
  }
  // whatever the entry pulls in, index.html's own list counts too: the browser fetches it all
  for (const f of [...html.scripts, ...html.preloads]) js.add(f)
  const sortDesc = (a: ChunkSize, b: ChunkSize) => b.gzip - a.gzip
  return {
    source,
    js: [...js].map((f) => sizeOf(dist, f)).sort(sortDesc),
    css: [...css].map((f) => sizeOf(dist, f)).sort(sortDesc),
    mismatch,
    locales: locales.sort(sortDesc),
  }
}

export const kb = (n: number): string => (n / 1024).toFixed(1)
