// The active locale as a signal: components that read it (directly, through useT/t or the formatters)
// re-render when the language is switched. Kept apart from index.ts so that format.ts has no data deps.
import { signal } from '@preact/signals'
import type { Locale } from './locales.ts'

export const lang = signal<Locale>('en')
