// The UI language: i18next with one lazily loaded bundle per locale, switched without a reload.
// Order of preference at start: the user's explicit choice on this device, the account's language,
// the browser's languages (detect.ts), English.
import i18next, { type TFunction } from 'i18next'
import { effect } from '@preact/signals'
import { me, updateMe } from '../account/session.ts'
import { loadBundle } from './bundles.ts'
import { lang } from './lang.ts'
import { pickLocale } from './detect.ts'
import { type Locale, isLocale } from './locales.ts'
import type { Part } from './parts.ts'
import { manifestFile } from '../manifest/manifest.ts'

export { LOCALES, NATIVE_NAMES, type Locale, isLocale } from './locales.ts'
export { pickLocale } from './detect.ts'

export { lang }

const CHOSEN = 'sori:lang' // the user's explicit choice on this device
const UNSENT = 'sori:lang-unsent' // a choice the server has not heard of yet (made offline)

const store = {
  get: (k: string): string | null => {
    try {
      return localStorage.getItem(k)
    } catch {
      return null
    }
  },
  set: (k: string, v: string | null): void => {
    try {
      if (v === null) localStorage.removeItem(k)
      else localStorage.setItem(k, v)
    } catch {
      /* private mode: not persisted */
    }
  },
}

function initialLocale(): Locale {
  const chosen = store.get(CHOSEN)
  if (isLocale(chosen)) return chosen
  const account = me.value?.lang
  if (isLocale(account)) return account
  return pickLocale(typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]))
}

/** `<lng>:<part>` of every part added to i18next */
const added = new Set<string>()
/** a screen that needs the later part has been opened: every language switched to loads it too */
let laterWanted = false

async function ensurePart(lng: Locale, part: Part): Promise<void> {
  const key = `${lng}:${part}`
  if (added.has(key)) return
  const bundle = await loadBundle(lng, part)
  if (added.has(key)) return
  i18next.addResourceBundle(lng, 'translation', bundle, true, true)
  added.add(key)
  // a key asked for before its part came was memoized as the key itself
  memo.clear()
}

async function ensureBundle(lng: Locale): Promise<void> {
  await Promise.all([ensurePart(lng, 'core'), laterWanted ? ensurePart(lng, 'later') : null])
}

/**
 * Loads the strings of the screens behind a tap (parts.ts) in the current language, and in any language
 * switched to from now on; call before such a screen renders (withLaterStrings).
 */
export function loadLaterStrings(): Promise<void> {
  laterWanted = true
  // in the language the app starts in, once it is known
  return (started ?? Promise.resolve()).then(() => ensurePart(lang.peek(), 'later'))
}

/** A screen module's import that resolves once the later strings are there too (for lazy()). */
export const withLaterStrings = <T>(load: Promise<T>): Promise<T> => Promise.all([load, loadLaterStrings()]).then(([m]) => m)

function applied(lng: Locale): void {
  lang.value = lng
  if (typeof document === 'undefined') return
  document.documentElement.lang = lng
  // what the phone shows of the app outside it (install dialog, the icon's shortcuts) in the same language
  document.querySelector('link[rel="manifest"]')?.setAttribute('href', '/' + manifestFile(lng))
}

let started: Promise<void> | null = null

/** Starts i18next with the locale chosen for this device; resolves when its bundle is loaded. */
export function startI18n(): Promise<void> {
  return (started ??= (async () => {
    let lng = initialLocale()
    let bundle
    try {
      bundle = await loadBundle(lng)
    } catch {
      // offline and this locale's chunk was never cached: English is in the precached shell
      lng = 'en'
      bundle = await loadBundle(lng)
    }
    await i18next.init({
      lng,
      fallbackLng: false,
      load: 'currentOnly',
      resources: { [lng]: { translation: bundle } },
      interpolation: { escapeValue: false }, // Preact escapes text; escaping twice would show &amp;
      returnEmptyString: false,
    })
    added.add(`${lng}:core`)
    applied(lng)
    followAccount()
    void sendUnsent()
  })())
}

/**
 * Switches the UI language without a reload. `remember` (default) makes it the user's explicit choice:
 * stored on this device and sent to the account (PATCH /api/me), so it follows the user everywhere.
 */
export async function changeLanguage(lng: Locale, remember = true): Promise<void> {
  if (!isLocale(lng)) throw new Error(`unknown locale ${String(lng)}`)
  const mine = ++switches
  await ensureBundle(lng)
  if (mine !== switches) return // a later switch was asked for while this bundle loaded: it wins
  await i18next.changeLanguage(lng)
  applied(lng)
  if (!remember) return
  store.set(CHOSEN, lng)
  store.set(UNSENT, lng)
  void sendUnsent()
}
let switches = 0

let sending: Promise<void> | null = null
/**
 * The choice reaches the server when there is one to tell (signed in) and it can be reached. One
 * request at a time, so that answers cannot arrive out of order and bring back an older choice.
 */
function sendUnsent(): Promise<void> {
  if (sending) return sending
  const run = (async () => {
    try {
      for (let lng = store.get(UNSENT); isLocale(lng); lng = store.get(UNSENT)) {
        const user = me.peek()
        if (!user) return // signed out: the choice stays on this device; sign-in applies the account's language
        if (user.lang !== lng) await updateMe({ lang: lng })
        if (store.get(UNSENT) === lng) {
          store.set(UNSENT, null)
          return
        }
      }
    } catch {
      // offline or server error: tried again when the browser is back online, or at the next start
    }
  })()
  sending = run
  void run.then(() => {
    if (sending === run) sending = null
  })
  return run
}

let following = false
/** The account's language wins when it arrives or changes (sign-in, or a switch on another device). */
function followAccount(): void {
  if (following) return
  following = true
  let lastUser: string | null = me.peek()?.id ?? null
  effect(() => {
    const user = me.value
    if (!user) {
      lastUser = null
      return
    }
    const signedIn = user.id !== lastUser
    lastUser = user.id
    if (signedIn) store.set(UNSENT, null) // a choice made while signed out does not overwrite the account
    const account = user.lang
    if (isLocale(account) && account !== lang.peek() && !store.get(UNSENT)) {
      store.set(CHOSEN, account)
      void changeLanguage(account, false).catch((e) => console.warn('sori: could not load language', account, e))
    }
  })
  if (typeof addEventListener === 'function') addEventListener('online', () => void sendUnsent())
}

// i18next resolves and interpolates on every call, and a screen of messages makes hundreds of the same
// few: a key with the same plain options in the same language gives the same string, so it is made once.
// A language's core part is added before i18next switches to it (ensureBundle); a later part added
// afterwards clears the memo (ensurePart).
const memo = new Map<string, string>()
const MEMO_MAX = 2000

function memoKey(key: string, options?: Record<string, unknown>): string | null {
  let k = `${i18next.language}\u0000${key}`
  if (options)
    for (const name in options) {
      const v = options[name]
      if ((typeof v === 'object' && v !== null) || typeof v === 'function') return null
      k += `\u0000${name}\u0001${typeof v}\u0001${String(v)}`
    }
  return k
}

/** Translation outside components (subscribes a rendering component to the language, too). */
export function t(key: string, options?: Record<string, unknown>): string {
  void lang.value
  const k = i18next.isInitialized ? memoKey(key, options) : null
  if (k === null) return i18next.t(key, options) as string
  let s = memo.get(k)
  if (s === undefined) {
    s = i18next.t(key, options) as string
    if (memo.size >= MEMO_MAX) memo.clear()
    memo.set(k, s)
  }
  return s
}

/** Translation inside components: re-renders the component when the language changes. */
export function useT(): TFunction {
  const lng = lang.value
  return i18next.getFixedT(lng)
}
