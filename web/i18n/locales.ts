// The twelve UI languages, their native names and text direction. No DOM, no i18next: detection,
// the picker and tests all import this.
export const LOCALES = ['ko', 'en', 'ja', 'es', 'zh-Hans', 'zh-Hant', 'th', 'tr', 'de', 'fr', 'pt', 'it'] as const
export type Locale = (typeof LOCALES)[number]

/** Each language named in itself, so a user who cannot read the current UI still finds theirs. */
export const NATIVE_NAMES: Record<Locale, string> = {
  ko: '한국어',
  en: 'English',
  ja: '日本語',
  es: 'Español',
  'zh-Hans': '简体中文',
  'zh-Hant': '繁體中文',
  th: 'ไทย',
  tr: 'Türkçe',
  de: 'Deutsch',
  fr: 'Français',
  pt: 'Português',
  it: 'Italiano',
}

export const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (LOCALES as readonly string[]).includes(v)
