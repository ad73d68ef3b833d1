// The colour theme: the system's (prefers-color-scheme) unless the user picked one in Settings; the pick is
// kept per device. The resolved theme is set as <html data-theme>, which app.css keys its colours on.
import { signal } from '@preact/signals'

export type ThemeChoice = 'system' | 'light' | 'dark'
export const THEME_CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark']

const KEY = 'sori.theme'
const dark = matchMedia('(prefers-color-scheme: dark)')

function stored(): ThemeChoice {
  try {
    const v = localStorage.getItem(KEY)
    return (THEME_CHOICES as readonly string[]).includes(v ?? '') ? (v as ThemeChoice) : 'system'
  } catch {
    return 'system' // storage blocked: follow the system
  }
}

export const themeChoice = signal<ThemeChoice>(stored())

function apply(): void {
  const choice = themeChoice.value
  const resolved = choice === 'system' ? (dark.matches ? 'dark' : 'light') : choice
  const root = document.documentElement
  root.dataset.theme = resolved
  // index.html holds one theme-color per scheme, each under a media query; a manual pick forces its own
  for (const meta of document.querySelectorAll<HTMLMetaElement>('meta[name="theme-color"][data-scheme]')) {
    meta.media =
      choice === 'system'
        ? `(prefers-color-scheme: ${meta.dataset.scheme})`
        : meta.dataset.scheme === resolved
          ? 'all'
          : 'not all'
  }
}

export function setTheme(choice: ThemeChoice): void {
  themeChoice.value = choice
  try {
    if (choice === 'system') localStorage.removeItem(KEY)
    else localStorage.setItem(KEY, choice)
  } catch {
    // storage blocked: the pick lasts for this visit
  }
  apply()
}

dark.addEventListener('change', apply)
// another tab of the same device changed the pick
window.addEventListener('storage', (e) => {
  if (e.key !== KEY) return
  themeChoice.value = stored()
  apply()
})
apply()
