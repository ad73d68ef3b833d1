// Chooses the UI language from the browser's preference list. We do our own matching because
// i18next's maps zh-TW to whichever Chinese comes first in supportedLngs.
import { type Locale, LOCALES } from './locales.ts'

/** Languages that map by their language subtag alone (every region, every script). */
const BY_LANGUAGE = new Set<string>(LOCALES.filter((l) => !l.startsWith('zh')))

function match(tag: string): Locale | null {
  let loc: Intl.Locale
  try {
    // maximize() adds the likely script: zh-TW/zh-HK/zh-MO → Hant, zh/zh-CN/zh-SG → Hans.
    loc = new Intl.Locale(tag).maximize()
  } catch {
    return null // not a well-formed language tag
  }
  if (loc.language === 'zh') {
    if (loc.script === 'Hant') return 'zh-Hant'
    if (loc.script === 'Hans') return 'zh-Hans'
    return null
  }
  return BY_LANGUAGE.has(loc.language) ? (loc.language as Locale) : null
}

/** The first of the browser's languages that Sori speaks; English when none is. */
export function pickLocale(navigatorLanguages: readonly string[]): Locale {
  for (const tag of navigatorLanguages) {
    const hit = typeof tag === 'string' ? match(tag) : null
    if (hit) return hit
  }
  return 'en'
}
