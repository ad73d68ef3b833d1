/// <reference types="vite/client" />
// One lazily loaded chunk per locale: Vite turns each locales/<lng>.json into its own chunk, and only
// the one asked for is fetched. Kept apart from index.ts so that tests can load bundles in Node.
import type { Locale } from './locales.ts'

export type Bundle = Record<string, unknown>

const loaders = import.meta.glob<Bundle>('../../locales/*.json', { import: 'default' })

export async function loadBundle(lng: Locale): Promise<Bundle> {
  const load = loaders[`../../locales/${lng}.json`]
  if (!load) throw new Error(`no bundle for ${lng}`)
  return load()
}
