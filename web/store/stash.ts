// This tab's own updates not yet committed to IndexedDB, kept in localStorage: synchronous, so they survive
// a reload or a closed tab, which abort IndexedDB's asynchronous commit. One key per tab and doc, so tabs
// never drop each other's entries; a doc opened later (in any tab) takes over whatever any tab left.
// Best effort: when localStorage is full or unavailable, an update is only in IndexedDB's queue, as before.
const PREFIX = 'sori:unsaved:'
const TAB = Math.random().toString(36).slice(2, 10)
const docPrefix = (dbName: string, doc: string) => `${PREFIX}${dbName}:${doc}:`
/**
 * Is `k` one tab's key for the doc whose prefix is `p`? A head's prefix (`…:c:<conv>:`) is also the start of
 * its pages' keys (`…:c:<conv>:<n>:<tab>`): a page's updates applied to the head would be structs whose
 * earlier ones the head never holds, which its sync would send to the server as a gap.
 */
const isKeyOf = (k: string, p: string): boolean => k.startsWith(p) && !k.slice(p.length).includes(':')

type Entry = [seq: number, update: string]
let seq = 0

function load(k: string): Entry[] {
  try {
    const v = JSON.parse(localStorage.getItem(k) ?? '[]') as unknown
    return Array.isArray(v)
      ? v.filter((e): e is Entry => Array.isArray(e) && typeof e[0] === 'number' && typeof e[1] === 'string')
      : []
  } catch {
    return []
  }
}

const toBase64 = (u: Uint8Array): string => {
  let s = ''
  for (let i = 0; i < u.length; i += 0x8000) s += String.fromCharCode(...u.subarray(i, i + 0x8000))
  return btoa(s)
}
const fromBase64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (c) => c.charCodeAt(0))

/** Keeps `update` for `doc`; its sequence number, or 0 when it could not be kept. */
export function stashAdd(dbName: string, doc: string, update: Uint8Array): number {
  const k = docPrefix(dbName, doc) + TAB
  try {
    const s = ++seq
    localStorage.setItem(k, JSON.stringify([...load(k), [s, toBase64(update)]]))
    return s
  } catch {
    return 0
  }
}

/** Forgets the entries of key `k` up to sequence number `upTo`. */
function dropUpTo(k: string, upTo: number): void {
  try {
    const rest = load(k).filter(([s]) => s > upTo)
    if (rest.length) localStorage.setItem(k, JSON.stringify(rest))
    else localStorage.removeItem(k)
  } catch {
    /* nothing to do */
  }
}

/** Forgets this tab's updates for `doc` up to sequence number `upTo` (they are in IndexedDB now). */
export function stashDrop(dbName: string, doc: string, upTo: number): void {
  dropUpTo(docPrefix(dbName, doc) + TAB, upTo)
}

/** Every tab's kept updates for `doc` (a tab that went away left them), and a function that forgets them once stored. */
export function stashTake(dbName: string, doc: string): { updates: Uint8Array[]; forget(): void } {
  const updates: Uint8Array[] = []
  const taken: Array<[string, number]> = []
  try {
    const p = docPrefix(dbName, doc)
    for (const k of Object.keys(localStorage)) {
      if (!isKeyOf(k, p)) continue
      const entries = load(k)
      for (const [, u] of entries) {
        try {
          updates.push(fromBase64(u))
        } catch {
          /* a damaged entry is skipped */
        }
      }
      if (entries.length) taken.push([k, Math.max(...entries.map(([s]) => s))])
    }
  } catch {
    /* nothing kept */
  }
  return {
    updates,
    forget() {
      // only what was taken: a live tab may have kept more since
      for (const [k, upTo] of taken) dropUpTo(k, upTo)
    },
  }
}

/** The docs that have updates kept for one account's database, by any tab. */
export function stashedDocs(dbName: string): string[] {
  const docs = new Set<string>()
  try {
    const p = `${PREFIX}${dbName}:`
    for (const k of Object.keys(localStorage)) {
      // <prefix><db>:<doc>:<tab>, and doc names hold colons themselves
      if (k.startsWith(p) && k.lastIndexOf(':') > p.length) docs.add(k.slice(p.length, k.lastIndexOf(':')))
    }
  } catch {
    /* nothing kept */
  }
  return [...docs]
}

/** Forgets everything kept for one account's database (sign-out). */
export function stashClear(dbName: string): void {
  try {
    for (const k of Object.keys(localStorage)) if (k.startsWith(`${PREFIX}${dbName}:`)) localStorage.removeItem(k)
  } catch {
    /* nothing to do */
  }
}
