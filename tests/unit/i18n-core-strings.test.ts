// The strings a screen shows must be loaded when it shows: a module reached from web/main.tsx without
// going through withLaterStrings() (static imports, and lazy ones that do not wait for the later strings)
// may only use keys of the core part (web/i18n/parts.ts). A later key there shows as the raw key, e.g.
// "notify.title", to anyone who had not opened a later screen yet in another language than English.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { LATER_SECTIONS } from '../../web/i18n/parts.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

function resolveImport(from: string, spec: string): string | null {
  for (const c of [spec, `${spec}.ts`, `${spec}.tsx`]) {
    const p = resolve(dirname(from), c)
    if (existsSync(p) && statSync(p).isFile()) return p
  }
  return null
}

/** Every module the app loads without the later strings, from its entry. */
function coreModules(): Map<string, string> {
  const seen = new Map<string, string>()
  const stack = [resolve(root, 'web/main.tsx')]
  while (stack.length) {
    const file = stack.pop()!
    if (seen.has(file)) continue
    const src = readFileSync(file, 'utf8')
    seen.set(file, src)
    const specs: string[] = []
    // static imports and re-exports (not type-only ones, which load nothing)
    for (const m of src.matchAll(/^(?:import|export)\s+(?!type\b)[^'";]*?from\s+['"](\.[^'"]+)['"]/gms)) specs.push(m[1]!)
    for (const m of src.matchAll(/^import\s+['"](\.[^'"]+)['"]/gm)) specs.push(m[1]!)
    // dynamic imports, unless they come with the later strings
    for (const m of src.matchAll(/(withLaterStrings\(\s*)?import\(\s*['"](\.[^'"]+)['"]\s*\)/g)) if (!m[1]) specs.push(m[2]!)
    for (const s of specs) {
      const p = resolveImport(file, s)
      if (p) stack.push(p)
    }
  }
  return seen
}

it('screens loaded without the later strings use only core strings', () => {
  const modules = coreModules()
  // the walk reaches the chat room and its sheets (a walk that found nothing would check nothing)
  expect([...modules.keys()].some((f) => f.endsWith('web/screens/room/MembersSheet.tsx'))).toBe(true)
  const misplaced: string[] = []
  for (const [file, src] of modules)
    for (const m of src.matchAll(/\bt\(\s*['"]([A-Za-z]+)\.[A-Za-z0-9_.]+['"]/g))
      if (LATER_SECTIONS.includes(m[1]!)) misplaced.push(`${relative(root, file)}: ${m[0]}`)
  expect(misplaced).toEqual([])
})
