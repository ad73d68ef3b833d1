// Resolves positions in the built chunks to their sources, so that a profile names web/sync/docs.ts or
// node_modules/yjs rather than a minified function in sync-XXXX.js. The build writes hidden source maps
// (no sourceMappingURL comment: the served bytes are the same as without them).
import { existsSync, readFileSync } from 'node:fs'
import { join, normalize } from 'node:path'
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping'
import type { Resolve } from './open-chat.ts'

export function sourceMapResolver(dist: string): Resolve {
  const maps = new Map<string, TraceMap | null>()
  const load = (file: string): TraceMap | null => {
    if (!maps.has(file)) {
      const path = join(dist, file + '.map')
      maps.set(file, existsSync(path) ? new TraceMap(readFileSync(path, 'utf8')) : null)
    }
    return maps.get(file) ?? null
  }
  return (file, line, column) => {
    const map = load(file)
    if (!map) return null
    const pos = originalPositionFor(map, { line: line + 1, column })
    if (!pos.source) return null
    // sources are relative to the map (dist/assets): show them relative to the repository
    const source = normalize(join('assets', pos.source))
      .replace(/^(\.\.\/)+/, '')
      .replace(/^.*node_modules\//, 'node_modules/')
    return { source, line: pos.line ?? 0, name: pos.name }
  }
}
