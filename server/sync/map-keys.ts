// The server setting a map's keys to the values it wants (a head's `meta`): only the keys whose values
// differ go into the write, so that a value the map already holds costs no update that every copy would
// store and sync.
import type * as Y from 'yjs'
import type { SyncDoc } from './doc.ts'
import type { SyncEngine } from './types.ts'

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Equal as JSON values one level deep: the arrays and records a server writes are flat. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i])
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k])
  }
  return a === b
}

/** Writes the keys of `map` whose values differ from `want` as the server (inside one of the doc's jobs). */
export async function writeMapKeys(
  engine: Pick<SyncEngine, 'write'>,
  doc: SyncDoc,
  map: Y.Map<unknown>,
  want: Readonly<Record<string, unknown>>,
): Promise<void> {
  const diff = Object.entries(want).filter(([k, v]) => !sameValue(map.get(k), v))
  if (diff.length)
    await engine.write(doc, () => {
      for (const [k, v] of diff) map.set(k, v)
    })
}
