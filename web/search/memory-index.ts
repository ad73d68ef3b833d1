// An in-memory TokenIndex with the same answers as the Dexie one: a sorted array of (token, id) pairs,
// searched by binary search for a prefix range, like IndexedDB's B-tree walk. Used by bench/search
// and the unit tests, which run in Node without IndexedDB.
import type { SearchRow, TokenIndex } from './query.ts'

export class MemoryIndex implements TokenIndex {
  private tokens: string[] = []
  private ids: string[] = []
  private byId = new Map<string, SearchRow>()

  constructor(rows: Iterable<SearchRow>) {
    const pairs: [string, string][] = []
    for (const r of rows) {
      this.byId.set(r.id, r)
      for (const t of new Set(r.tokens)) pairs.push([t, r.id])
    }
    // IndexedDB orders string keys by code unit, as does this comparison
    pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    this.tokens = pairs.map((p) => p[0])
    this.ids = pairs.map((p) => p[1])
  }

  private lowerBound(key: string): number {
    let lo = 0
    let hi = this.tokens.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.tokens[mid] < key) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  async countPrefix(prefix: string): Promise<number> {
    let n = 0
    for (let i = this.lowerBound(prefix); i < this.tokens.length && this.tokens[i].startsWith(prefix); i++) n++
    return n
  }

  async rowsWithPrefix(prefix: string): Promise<readonly SearchRow[]> {
    const out: SearchRow[] = []
    for (let i = this.lowerBound(prefix); i < this.tokens.length && this.tokens[i].startsWith(prefix); i++)
      out.push(this.byId.get(this.ids[i])!)
    return out
  }
}
