// Writes manifest-<lng>.webmanifest for each locale into the build (next to vite-plugin-pwa's
// manifest.webmanifest, which stays the English one for a page that has not chosen yet).
import { readFileSync } from 'node:fs'
import type { Plugin } from 'vite'
import { LOCALES } from '../i18n/locales.ts'
import { manifest, manifestFile, type Words } from './manifest.ts'

/** A manifest's words in `lng`, from its locale bundle (which check-locales keeps whole). */
export function wordsFor(lng: string): Words {
  const bundle = JSON.parse(readFileSync(new URL(`../../locales/${lng}.json`, import.meta.url), 'utf8')) as Record<
    string,
    Record<string, unknown>
  >
  const at = (section: string, key: string): string => {
    const v = bundle[section]?.[key]
    if (typeof v !== 'string') throw new Error(`locales/${lng}.json has no ${section}.${key} for the web app manifest`)
    return v
  }
  return { description: at('welcome', 'tagline'), newGroup: at('chats', 'newGroup'), friends: at('nav', 'friends') }
}

export function localeManifests(): Plugin {
  return {
    name: 'sori-locale-manifests',
    apply: 'build',
    generateBundle() {
      for (const lng of LOCALES)
        this.emitFile({ type: 'asset', fileName: manifestFile(lng), source: JSON.stringify(manifest(lng, wordsFor(lng))) })
    },
  }
}
