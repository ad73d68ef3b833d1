// Search over the locally stored messages (works offline): every query word must be the start of one
// of a message's tokens (tokenize.ts indexes suffixes of words in scripts without spaces, so that
// covers words inside Thai, Chinese and Japanese sentences too). All words, not only the last, match
// as prefixes: Korean, Turkish and Japanese attach particles and suffixes to the word (서울에서,
// İstanbul'da), and the user types the stem.
//
// The index is reached through TokenIndex, so that the same logic runs over Dexie in the app and over
// an in-memory index in bench/search.
import type { MediaRef } from '../../protocol/messages.ts'
import { NO_SPACE_SCRIPT, fold, queryWords } from './tokenize.ts'

export interface SearchRow {
  id: string
  conv: string
  page: number
  index: number
  from: string
  ts: number
  body: string
  retracted: boolean
  tokens: string[]
  /** a media message's: a file is found by its name too (search/text.ts) */
  media?: MediaRef
  /** `body` is an edit */
  edited?: true
}

export interface TokenIndex {
  /** how many index entries start with `prefix` (to pick the rarest word; repeats allowed) */
  countPrefix(prefix: string): Promise<number>
  /** the rows having a token that starts with `prefix` (a row may come more than once) */
  rowsWithPrefix(prefix: string): Promise<readonly SearchRow[]>
}

export interface ChatHits {
  conv: string
  newest: number
  hits: SearchRow[]
}
export interface SearchResult {
  words: string[]
  groups: ChatHits[]
  total: number
  truncated: boolean
}

export const DEFAULT_LIMIT = 300

/**
 * The rows matching every word. One index range is read (one IndexedDB getAll, no per-row gets):
 * that of the rarest word, found by counting each word's range, which reads keys only. The other
 * words are then checked on the rows' tokens.
 */
async function matching(index: TokenIndex, words: readonly string[]): Promise<SearchRow[]> {
  let rarest = words[0]
  if (words.length > 1) {
    const counts = await Promise.all(words.map((w) => index.countPrefix(w)))
    let min = Infinity
    words.forEach((w, i) => {
      if (counts[i] < min) {
        min = counts[i]
        rarest = w
      }
    })
    if (min === 0) return []
  }
  const seen = new Set<string>()
  const out: SearchRow[] = []
  for (const r of await index.rowsWithPrefix(rarest)) {
    if (seen.has(r.id)) continue
    seen.add(r.id)
    if (!r.retracted && matchesAll(r.tokens, words)) out.push(r)
  }
  return out
}

const matchesAll = (tokens: readonly string[], words: readonly string[]) =>
  words.every((w) => tokens.some((t) => t.startsWith(w)))

/**
 * The messages matching `query`, newest first, at most `limit` of them, grouped by chat (a chat's
 * place is that of its newest hit). `words` are the folded query words, for highlight().
 */
export async function searchMessages(
  index: TokenIndex,
  query: string,
  lang: string,
  limit = DEFAULT_LIMIT,
): Promise<SearchResult> {
  const words = [...new Set(queryWords(query, lang))]
  if (words.length === 0) return { words, groups: [], total: 0, truncated: false }
  const rows = await matching(index, words)
  rows.sort((a, b) => b.ts - a.ts)
  const shown = rows.slice(0, limit)
  const groups = new Map<string, ChatHits>()
  for (const r of shown) {
    let g = groups.get(r.conv)
    if (!g) {
      g = { conv: r.conv, newest: r.ts, hits: [] }
      groups.set(r.conv, g)
    }
    g.hits.push(r)
  }
  return { words, groups: [...groups.values()], total: rows.length, truncated: rows.length > shown.length }
}

let wordSegmenter: Intl.Segmenter | null = null

/**
 * Cuts `body` into parts, marking each word that a query word matches: from its start (prefix match)
 * or, in scripts without spaces, from inside (the suffix tokens). Words are folded the same way as
 * the index (tokenize.ts), so 'cafe' marks 'Café' and 'İSTANBUL' marks 'istanbul'.
 */
export function highlight(body: string, words: readonly string[], lang: string): { text: string; hit: boolean }[] {
  const seg = (wordSegmenter ??= new Intl.Segmenter('en', { granularity: 'word' }))
  const parts: { text: string; hit: boolean }[] = []
  const push = (text: string, hit: boolean) => {
    if (!text) return
    const last = parts[parts.length - 1]
    if (last && last.hit === hit) last.text += text
    else parts.push({ text, hit })
  }
  for (const s of seg.segment(body)) {
    if (!s.isWordLike) {
      push(s.segment, false)
      continue
    }
    const folded = fold(s.segment, lang)
    const inside = NO_SPACE_SCRIPT.test(folded)
    let at = -1
    let len = 0
    for (const w of words) {
      const i = inside ? folded.indexOf(w) : folded.startsWith(w) ? 0 : -1
      if (i >= 0 && (at < 0 || i < at || (i === at && w.length > len))) {
        at = i
        len = w.length
      }
    }
    if (at < 0) {
      push(s.segment, false)
      continue
    }
    // folding kept the length (the usual case): mark exactly the matched characters; otherwise the word
    if (folded.length === s.segment.length && at > 0) {
      push(s.segment.slice(0, at), false)
      push(s.segment.slice(at, at + len), true)
      push(s.segment.slice(at + len), false)
    } else if (folded.length === s.segment.length) {
      push(s.segment.slice(0, len), true)
      push(s.segment.slice(len), false)
    } else {
      push(s.segment, true)
    }
  }
  return parts
}
