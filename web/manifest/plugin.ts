// Writes manifest-<lng>.webmanifest for each locale into the build (next to vite-plugin-pwa's
// manifest.webmanifest, which stays the English one for a page that has not chosen yet).
import { readFileSync } from 'node:fs'
import type { Plugin } from 'vite'
import { LOCALES } from '../i18n/locales.ts'
import { manifest, manifestFile, wordsOf } from './manifest.ts'

export function localeManifests(): Plugin {
  return {
    name: 'sori-locale-manifests',
    apply: 'build',
    generateBundle() {
      for (const lng of LOCALES) {
        const bundle = JSON.parse(readFileSync(new URL(`../../locales/${lng}.json`, import.meta.url), 'utf8')) as Record<
          string,
          unknown
        >
        this.emitFile({ type: 'asset', fileName: manifestFile(lng), source: JSON.stringify(manifest(lng, wordsOf(bundle))) })
      }
    },
  }
}
