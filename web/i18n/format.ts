// Dates, times, relative days, numbers, lists and name order through Intl, in the active locale.
// Intl objects are costly to build, so each is made once per locale and options.
import { lang } from './lang.ts'

const cache = new Map<string, unknown>()
function cached<T>(kind: string, locale: string, opts: object, make: () => T): T {
  const key = `${kind}|${locale}|${JSON.stringify(opts)}`
  let v = cache.get(key) as T | undefined
  if (v === undefined) {
    v = make()
    cache.set(key, v)
  }
  return v
}

const dtf = (locale: string, o: Intl.DateTimeFormatOptions) => cached('dt', locale, o, () => new Intl.DateTimeFormat(locale, o))
const DAY = 86_400_000

/** Start of the local calendar day containing `ts`. */
const dayStart = (ts: number) => {
  const d = new Date(ts)
  d.setHours(0, 0, 0, 0)
  return d.getTime()
}
/** Whole calendar days from `ts` to `now` (0 today, 1 yesterday), robust to DST. */
export const daysAgo = (ts: number, now = Date.now()) => Math.round((dayStart(now) - dayStart(ts)) / DAY)

/** "02:05" / "오전 2:05" / "2:05 AM": the locale's own clock (its short time, with the hour's leading zero where the locale writes one). */
export const formatTime = (ts: number, locale: string = lang.value) => dtf(locale, { timeStyle: 'short' }).format(ts)

/** A calendar date; the year is shown only when it is not this year. */
export function formatDate(ts: number, locale: string = lang.value, now = Date.now()): string {
  const sameYear = new Date(ts).getFullYear() === new Date(now).getFullYear()
  return dtf(locale, sameYear ? { month: 'short', day: 'numeric' } : { year: 'numeric', month: 'short', day: 'numeric' }).format(
    ts,
  )
}

/** A full date for day separators in a chat: "Tuesday, November 24, 2026" in the locale's words. */
export const formatLongDate = (ts: number, locale: string = lang.value) =>
  dtf(locale, { weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(ts)

/** "yesterday", "3 days ago", "in 2 hours": Intl.RelativeTimeFormat with words where the locale has them. */
export function formatRelative(value: number, unit: Intl.RelativeTimeFormatUnit, locale: string = lang.value): string {
  return cached('rt', locale, {}, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })).format(value, unit)
}

/** The timestamp of a chat list row: time today, "yesterday", the weekday within a week, else the date. */
export function formatChatTime(ts: number, locale: string = lang.value, now = Date.now()): string {
  const days = daysAgo(ts, now)
  if (days <= 0) return formatTime(ts, locale)
  if (days === 1) return formatRelative(-1, 'day', locale)
  if (days < 7) return dtf(locale, { weekday: 'short' }).format(ts)
  return formatDate(ts, locale, now)
}

export const formatNumber = (n: number, locale: string = lang.value, o: Intl.NumberFormatOptions = {}) =>
  cached('nf', locale, o, () => new Intl.NumberFormat(locale, o)).format(n)

/** "Mina, Jun and Sora" / "Mina、Jun、Sora": conjunction lists in the locale's grammar. */
export const formatList = (items: readonly string[], locale: string = lang.value, type: Intl.ListFormatType = 'conjunction') =>
  cached('lf', locale, { type }, () => new Intl.ListFormat(locale, { style: 'long', type })).format(items)

/** Byte sizes for storage screens: "12 MB" with the locale's digits and unit words. */
export function formatBytes(bytes: number, locale: string = lang.value): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const
  let i = 0
  let v = bytes
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  // ICU has no Traditional Chinese name for a byte (it says "15 byte"); Taiwan and Hong Kong write 位元組
  if (i === 0 && /^zh-(Hant|TW|HK|MO)/i.test(locale)) return `${formatNumber(v, locale)} 位元組`
  return formatNumber(v, locale, {
    style: 'unit',
    unit: units[i],
    // "15 bytes", "15바이트": the short form of a bare byte count reads as a typo in many languages
    unitDisplay: i === 0 ? 'long' : 'short',
    maximumFractionDigits: v < 10 && i > 0 ? 1 : 0,
  })
}

// full sensitivity: Apfel before Äpfel, not "equal" and left in whatever order they came
export const collator = (locale: string = lang.value) =>
  cached('co', locale, {}, () => new Intl.Collator(locale, { numeric: true }))

/** Sorts a copy of `items` by name with the locale's collation (ä after a in German, 가나다 in Korean). */
export function sortByName<T extends { name: string }>(items: readonly T[], locale: string = lang.value): T[] {
  const c = collator(locale)
  return [...items].sort((a, b) => c.compare(a.name, b.name))
}

/** A language's name in the app's language ('ja' → "Japanese"), as the browser's Intl knows it. */
export function languageName(code: string, locale: string = lang.value): string {
  try {
    return new Intl.DisplayNames([locale], { type: 'language' }).of(code) ?? code
  } catch {
    return code
  }
}
