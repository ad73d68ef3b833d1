// The twelve bundles: same keys as English, nothing empty, the same {{placeholders}}, every plural
// category the language needs (CLDR, through Intl.PluralRules), small enough to load lazily, and
// actually translated (a report of values identical to English; only names and loanwords may be).
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { LOCALES } from '../../web/i18n/locales.ts'
import { HANDLE_RE } from '../../protocol/limits.ts'

type Flat = Record<string, unknown>
const flatten = (o: Record<string, unknown>, prefix = '', out: Flat = {}): Flat => {
  for (const [k, v] of Object.entries(o)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out)
    else out[key] = v
  }
  return out
}
const raw = (lng: string) => readFileSync(new URL(`../../locales/${lng}.json`, import.meta.url), 'utf8')
const bundles = Object.fromEntries(LOCALES.map((l) => [l, flatten(JSON.parse(raw(l)))])) as Record<string, Flat>
const en = bundles.en

const PLURAL = /^(.*)_(zero|one|two|few|many|other)$/
const baseKey = (k: string) => k.match(PLURAL)?.[1] ?? k
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*([\w.]+)[^}]*\}\}/g)].map((m) => m[1]).sort()
const enBases = new Set(Object.keys(en).map(baseKey))
const pluralBases = new Set(
  Object.keys(en)
    .filter((k) => PLURAL.test(k))
    .map(baseKey),
)

/** Names and symbols, and words that the language itself uses unchanged (checked by a native reader). */
const SAME_AS_ENGLISH_OK: Record<string, string[]> = {
  '*': ['Sori'],
  de: ['Chat', 'Chats', 'Optional', 'Video', 'Link', 'Code'],
  fr: [
    'Message',
    'Messages',
    '{{count}} message',
    '{{count}} messages',
    'Photo',
    '{{count}} photo',
    '{{count}} photos',
    'Notifications',
    'Invitation',
    'Coupon',
    'Secret',
  ],
  it: ['Password', 'Account', 'Video', 'File', 'Link', 'Coupon'],
  tr: ['Video'],
}
/** "A few" unlisted identical values are tolerated (short labels happen to coincide); more fail. */
const MAX_UNLISTED_SAME = 2

describe('locale bundles', () => {
  it.each(LOCALES.filter((l) => l !== 'en'))('%s has every key of en.json and no other', (lng) => {
    const b = bundles[lng]
    const bases = new Set(Object.keys(b).map(baseKey))
    expect(
      [...enBases].filter((k) => !bases.has(k)),
      'missing keys',
    ).toEqual([])
    expect(
      [...bases].filter((k) => !enBases.has(k)),
      'keys that en.json no longer has',
    ).toEqual([])
  })

  it.each(LOCALES)('%s has no empty values', (lng) => {
    const empty = Object.entries(bundles[lng])
      .filter(([, v]) => typeof v !== 'string' || v.trim() === '')
      .map(([k]) => k)
    expect(empty).toEqual([])
  })

  it.each(LOCALES)('%s has every plural category its language needs', (lng) => {
    const need = new Intl.PluralRules(lng).resolvedOptions().pluralCategories
    const missing: string[] = []
    for (const base of pluralBases)
      for (const cat of need) if (!(`${base}_${cat}` in bundles[lng])) missing.push(`${base}_${cat}`)
    expect(missing).toEqual([])
    // and no plural key stands alone without its categories
    for (const base of pluralBases) expect(base in bundles[lng], `${base} without suffix`).toBe(false)
  })

  it.each(LOCALES.filter((l) => l !== 'en'))('%s uses the same {{placeholders}} as English', (lng) => {
    const wrong: string[] = []
    for (const [k, v] of Object.entries(bundles[lng])) {
      const enValue = en[k] ?? en[`${baseKey(k)}_other`]
      if (typeof enValue !== 'string' || typeof v !== 'string') continue
      let want = placeholders(enValue)
      let got = placeholders(v)
      // a singular may say "one" in words instead of {{count}}
      if (/_(zero|one|two)$/.test(k)) {
        want = want.filter((p) => p !== 'count')
        got = got.filter((p) => p !== 'count')
      }
      if (want.join() !== got.join()) wrong.push(`${k}: ${JSON.stringify(v)}`)
    }
    expect(wrong).toEqual([])
  })

  it.each(LOCALES)('%s shows an example channel ID that is a valid ID', (lng) => {
    expect(bundles[lng]['channels.handlePlaceholder']).toMatch(HANDLE_RE)
  })

  it.each(LOCALES)('%s bundle is at most 12 KB gzip', (lng) => {
    const size = gzipSync(Buffer.from(JSON.stringify(JSON.parse(raw(lng))))).length
    expect(size).toBeLessThanOrEqual(12 * 1024)
  })

  it('is translated: values identical to English are only names, symbols and listed loanwords', () => {
    const report: string[] = []
    const bad: string[] = []
    for (const lng of LOCALES) {
      if (lng === 'en') continue
      const ok = new Set([...SAME_AS_ENGLISH_OK['*'], ...(SAME_AS_ENGLISH_OK[lng] ?? [])])
      // a value made only of placeholders, digits and symbols (or a 1–2 letter code like "ID") is not English
      const same = Object.entries(bundles[lng]).filter(
        ([k, v]) => v === en[k] && /\p{L}{3}/u.test(String(v).replace(/\{\{[^}]*\}\}/g, '')),
      )
      const unlisted = same.filter(([, v]) => !ok.has(String(v)))
      report.push(
        `${lng}: ${same.length}/${Object.keys(bundles[lng]).length} identical to English${same.length ? ` (${same.map(([k]) => k).join(', ')})` : ''}`,
      )
      if (unlisted.length > MAX_UNLISTED_SAME)
        bad.push(`${lng}: ${unlisted.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ')}`)
    }
    console.log(`same-as-English report\n  ${report.join('\n  ')}`)
    expect(bad).toEqual([])
  })
})
