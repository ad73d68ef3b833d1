/// <reference types="vite/client" />
// Lazily loaded chunks per locale and part (parts.ts): Vite makes each `locales/<lng>.json?part=...` its
// own chunk (parts-plugin.ts), and only the ones asked for are fetched.
import type { Locale } from './locales.ts'
import type { Part } from './parts.ts'

export type Bundle = Record<string, unknown>

const loaders: Record<Part, Record<string, () => Promise<Bundle>>> = {
  core: import.meta.glob<Bundle>('../../locales/*.json', { import: 'default', query: '?part=core' }),
  later: import.meta.glob<Bundle>('../../locales/*.json', { import: 'default', query: '?part=later' }),
}

export async function loadBundle(lng: Locale, part: Part = 'core'): Promise<Bundle> {
  const load = loaders[part][`../../locales/${lng}.json`]
  if (!load) throw new Error(`no bundle for ${lng}`)
  return load()
}
