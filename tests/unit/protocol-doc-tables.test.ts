// docs/protocol.md's "Close codes" and "Limits" tables say what protocol/wire.ts and protocol/limits.ts
// hold: a client written from the document alone gets the codes it must handle and the limits it must
// keep, and a change of either that the document does not follow fails here.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as limits from '../../protocol/limits.ts'
import { CLOSE } from '../../protocol/wire.ts'

const DOC = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8')

/** The rows of the table under `## <heading>`, each as its cells. */
function table(heading: string): string[][] {
  const at = DOC.indexOf(`\n## ${heading}\n`)
  if (at < 0) throw new Error(`docs/protocol.md has no "${heading}" section`)
  const section = DOC.slice(at + 1).split(/\n## /)[0]
  return section
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[-| ]+\|$/.test(l))
    .slice(1) // the header
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    )
}

/** A documented value as the code holds it: "65,536 bytes" 65536, "5 MiB" 5242880, "`^[a-z]$`" '^[a-z]$'. */
function documented(cell: string): number | string {
  const re = /^`(.*)`$/.exec(cell)
  if (re) return re[1]
  const m = /^([\d,]+)/.exec(cell)
  if (!m) throw new Error(`no value in "${cell}"`)
  const n = Number(m[1].replace(/,/g, ''))
  return /MiB/.test(cell) ? n * 1024 * 1024 : n
}

describe('docs/protocol.md against protocol/', () => {
  it('lists every close code the server sends, and no other of its own', () => {
    const codes = table('Close codes').map((r) => Number(r[0]))
    // 1009 is WebSocket's own "message too big"
    expect(codes.filter((c) => c >= 4000).sort()).toEqual(Object.values(CLOSE).sort())
  })

  it('gives every limit the value protocol/limits.ts has', () => {
    const rows = table('Limits')
    expect(rows.length).toBeGreaterThan(15)
    const seen: string[] = []
    for (const [what, value] of rows) {
      const names = [...what.replace(/\(.*\)/, '').matchAll(/`([A-Z_]+)`/g)].map((m) => m[1])
      expect(names.length, `a limit without a name: ${what}`).toBeGreaterThan(0)
      for (const [i, name] of names.entries()) {
        const inCode = (limits as Record<string, unknown>)[name]
        expect(inCode, `${name} is not in protocol/limits.ts`).toBeDefined()
        seen.push(name)
        if (inCode instanceof RegExp) expect(documented(value), name).toBe(inCode.source)
        else if (typeof inCode === 'number') expect(documented(value.split(' / ')[i]), name).toBe(inCode)
        else {
          // one value per kind, in the order the code lists them ("25 / 200 / 20 / 200 MiB")
          const parts = value.split(' / ')
          const unit = /MiB/.test(value) ? ' MiB' : ''
          const values = parts.map((p) => documented(/MiB/.test(p) ? p : p + unit))
          expect(values, name).toEqual(Object.values(inCode as Record<string, number>))
        }
      }
    }
    // the limits a client must keep are all in the table
    for (const name of ['MAX_MESSAGE_CHARS', 'MAX_FRAME_BYTES', 'PAGE_SIZE', 'PAGE_STRIDE', 'MESSAGE_ID_RE', 'MAX_MEDIA_BYTES'])
      expect(seen).toContain(name)
  })
})
