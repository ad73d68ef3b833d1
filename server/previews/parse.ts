// What a page says about itself: its Open Graph tags (og:title, og:description, og:image, og:site_name),
// else its <title> and meta description. Read with patterns rather than a DOM: only the head matters,
// and a page cut at the byte limit is still read up to where it was cut. Everything found is text that
// a stranger wrote: entities decoded, control and bidi override characters dropped, length capped.
import { resolveAgainst } from './fetch.ts'

export const TITLE_MAX = 200
export const DESCRIPTION_MAX = 300
const SITE_MAX = 100

export interface PageFacts {
  title: string
  description: string
  site: string
  /** the og:image, absolute and http(s) */
  image: URL | null
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  ndash: '–',
  mdash: '—',
  hellip: '…',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  middot: '·',
  bull: '•',
  copy: '©',
  reg: '®',
  trade: '™',
}

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);?/gi, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
      return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : ''
    }
    return NAMED[e.toLowerCase()] ?? m
  })
}

// C0 and C1 controls, bidi embeddings/overrides/isolates, the line and paragraph separators, and BOMs:
// a title that reverses the text after it, or rings a terminal's bell, is no title
// eslint-disable-next-line no-control-regex
const UNWANTED = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/g

/** Decoded, cleaned and cut to `max` characters (whole code points; an ellipsis marks the cut). */
export function cleanText(raw: string, max: number): string {
  const s = decodeEntities(raw).replace(UNWANTED, ' ').replace(/\s+/g, ' ').trim()
  const cps = Array.from(s)
  return cps.length <= max
    ? s
    : `${cps
        .slice(0, max - 1)
        .join('')
        .trimEnd()}…`
}

/** The attributes of one tag, names lower-cased. */
function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {}
  const re = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g
  // the tag's name is the first match: skipped
  let first = true
  for (const m of tag.matchAll(re)) {
    if (first) {
      first = false
      continue
    }
    const name = m[1].toLowerCase()
    if (!(name in out)) out[name] = m[2] ?? m[3] ?? m[4] ?? ''
  }
  return out
}

/** The part of the page where head elements are: no comments, scripts or styles, and nothing after </head>. */
function headOf(html: string): string {
  const stripped = html
    .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
    .replace(/<(script|style|noscript|template)\b[\s\S]*?(<\/\1\s*>|$)/gi, ' ')
  const end = stripped.search(/<\/head\s*>|<body[\s>]/i)
  return end < 0 ? stripped : stripped.slice(0, end)
}

/** The facts of a page at `pageUrl`; the title is '' when it has none. */
export function parsePage(html: string, pageUrl: URL): PageFacts {
  const head = headOf(html)
  const meta = new Map<string, string>()
  for (const m of head.matchAll(/<meta\b[^>]*>/gi)) {
    const a = attributes(m[0])
    const key = (a.property ?? a.name ?? '').trim().toLowerCase()
    if (key && a.content !== undefined && !meta.has(key)) meta.set(key, a.content)
  }
  const titleTag = /<title\b[^>]*>([\s\S]*?)(<\/title\s*>|$)/i.exec(head)?.[1] ?? ''
  const pick = (...keys: string[]) => keys.map((k) => meta.get(k) ?? '').find((v) => v.trim()) ?? ''
  const title = cleanText(pick('og:title', 'twitter:title') || titleTag, TITLE_MAX)
  const description = cleanText(pick('og:description', 'twitter:description', 'description'), DESCRIPTION_MAX)
  const site = cleanText(pick('og:site_name'), SITE_MAX) || pageUrl.hostname.replace(/^www\./, '')
  const rawImage = pick('og:image:secure_url', 'og:image', 'og:image:url', 'twitter:image').trim()
  const image = rawImage ? resolveAgainst(decodeEntities(rawImage), pageUrl) : null
  return { title, description, site, image }
}

/** The charset a page's bytes are in: the header's, else a <meta charset> in its first bytes, else UTF-8. */
export function decodeHtml(body: Buffer, headerCharset: string): string {
  const sniffed = /<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_:.-]+)/i.exec(body.subarray(0, 4096).toString('latin1'))?.[1]
  for (const label of [headerCharset, sniffed ?? '', 'utf-8']) {
    if (!label) continue
    try {
      return new TextDecoder(label).decode(body)
    } catch {
      // an unknown label: the next one
    }
  }
  return body.toString('utf8')
}
