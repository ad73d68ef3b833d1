// Turns `locales/<lng>.json?part=core|later` into that part of the file (parts.ts), still as JSON, which
// Vite's own JSON handling then makes a module of: one chunk per locale and part.
import { readFileSync } from 'node:fs'
import type { Plugin } from 'vite'
import { pickPart, type Part } from './parts.ts'

const PART_RE = /[\\/]locales[\\/][\w-]+\.json\?part=(core|later)$/

export function localeParts(): Plugin {
  return {
    name: 'sori-locale-parts',
    enforce: 'pre',
    load(id) {
      const m = PART_RE.exec(id)
      if (!m) return null
      const file = id.slice(0, id.indexOf('?'))
      return JSON.stringify(pickPart(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>, m[1] as Part))
    },
  }
}
