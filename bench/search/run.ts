// npm run bench:search — median query time of web/search over 100,000 local messages in mixed
// languages, against a plain substring scan over the same messages in the same run.
//   1. Node: query.ts over MemoryIndex (the same prefix-range answers as Dexie's multiEntry index).
//   2. Chromium (when /usr/bin/chromium exists): the real Dexie code over IndexedDB (dexie-page.ts).
// Prints figures; never fails on time.
import { existsSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { makeCorpus, QUERIES } from './corpus.ts'
import { tokenize } from '../../web/search/tokenize.ts'
import { searchMessages, type SearchRow } from '../../web/search/query.ts'
import { MemoryIndex } from '../../web/search/memory-index.ts'
import { runInChromium } from './chromium.ts'

const COUNT = Number(process.env.SEARCH_BENCH_COUNT ?? 100_000)
const ROUNDS = 5

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}
const fmt = (ms: number) => `${ms.toFixed(2)} ms`

async function node(): Promise<void> {
  const corpus = makeCorpus(COUNT)
  let t0 = performance.now()
  const rows: SearchRow[] = corpus.map((m) => ({ ...m, retracted: false, tokens: tokenize(m.body, m.lang) }))
  const tokenizeMs = performance.now() - t0
  t0 = performance.now()
  const index = new MemoryIndex(rows)
  const indexMs = performance.now() - t0
  const tokens = rows.reduce((n, r) => n + r.tokens.length, 0)
  console.log(
    `corpus: ${COUNT} messages, ${tokens} tokens (${(tokens / COUNT).toFixed(1)}/message); tokenize ${fmt(tokenizeMs)} (${((tokenizeMs * 1000) / COUNT).toFixed(1)} µs/message), in-memory index built in ${fmt(indexMs)}`,
  )

  // the baseline: what a search without the index does — scan every body for every query word
  const lower = rows.map((r) => r.body.toLowerCase())
  const scan = (q: string) => {
    const ws = q.toLowerCase().split(/\s+/).filter(Boolean)
    let hits = 0
    for (let i = 0; i < lower.length; i++) if (ws.every((w) => lower[i].includes(w))) hits++
    return hits
  }

  const indexed: number[] = []
  const scanned: number[] = []
  console.log('\nquery                 lang     hits    index     scan(hits)')
  for (const [q, lang] of QUERIES) {
    const ti: number[] = []
    const ts: number[] = []
    let hits = 0
    let scanHits = 0
    for (let i = 0; i < ROUNDS; i++) {
      let t = performance.now()
      hits = (await searchMessages(index, q, lang)).total
      ti.push(performance.now() - t)
      t = performance.now()
      scanHits = scan(q)
      ts.push(performance.now() - t)
    }
    indexed.push(median(ti))
    scanned.push(median(ts))
    console.log(
      `${q.padEnd(20)}  ${lang.padEnd(7)} ${String(hits).padStart(6)}  ${fmt(median(ti)).padStart(9)}  ${fmt(median(ts)).padStart(9)} (${scanHits})`,
    )
  }
  const mi = median(indexed)
  const ms = median(scanned)
  console.log(
    `\nNode, in-memory index: median query ${fmt(mi)} (max ${fmt(Math.max(...indexed))}); substring scan ${fmt(ms)}; index/scan ratio ${(mi / ms).toFixed(3)}; target ≤ 50 ms`,
  )
}

await node()
if (existsSync('/usr/bin/chromium') && process.env.SEARCH_BENCH_CHROMIUM !== '0') {
  console.log('\n--- Chromium, Dexie over IndexedDB ---')
  await runInChromium(COUNT)
}
