// Runs inside Chromium (bundled by chromium.ts): the app's own search code over a real Dexie database.
import Dexie, { type Table } from 'dexie'
import { makeCorpus, QUERIES } from './corpus.ts'
import { tokenize } from '../../web/search/tokenize.ts'
import { searchMessages, type SearchRow } from '../../web/search/query.ts'
import { dexieIndex } from '../../web/search/dexie-index.ts'

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

async function run(count: number, rounds: number): Promise<string[]> {
  const log: string[] = []
  await Dexie.delete('bench-search')
  // the same schema as web/store/db.ts
  const db = new Dexie('bench-search') as Dexie & { messages: Table<SearchRow, string> }
  db.version(1).stores({ messages: '[conv+page+index], id, conv, *tokens' })
  const corpus = makeCorpus(count)
  let t = performance.now()
  const rows: SearchRow[] = corpus.map((m) => ({
    id: m.id,
    conv: m.conv,
    page: m.page,
    index: m.index,
    from: m.from,
    ts: m.ts,
    body: m.body,
    retracted: false,
    tokens: tokenize(m.body, m.lang),
  }))
  log.push(`tokenize ${count} messages: ${(performance.now() - t).toFixed(0)} ms`)
  t = performance.now()
  for (let i = 0; i < rows.length; i += 5000) await db.messages.bulkPut(rows.slice(i, i + 5000))
  log.push(`store them in IndexedDB (bulkPut, 5,000 per transaction): ${(performance.now() - t).toFixed(0)} ms`)

  const index = dexieIndex(db.messages)
  const lower = rows.map((r) => r.body.toLowerCase())
  const scan = (q: string) => {
    const ws = q.toLowerCase().split(/\s+/).filter(Boolean)
    let n = 0
    for (const b of lower) if (ws.every((w) => b.includes(w))) n++
    return n
  }
  const indexed: number[] = []
  const scanned: number[] = []
  log.push('query                 lang     hits    dexie     scan(hits)')
  for (const [q, lang] of QUERIES) {
    const ti: number[] = []
    const ts: number[] = []
    let hits = 0
    let scanHits = 0
    for (let i = 0; i < rounds; i++) {
      let t0 = performance.now()
      hits = (await searchMessages(index, q, lang)).total
      ti.push(performance.now() - t0)
      t0 = performance.now()
      scanHits = scan(q)
      ts.push(performance.now() - t0)
    }
    indexed.push(median(ti))
    scanned.push(median(ts))
    log.push(
      `${q.padEnd(20)}  ${lang.padEnd(7)} ${String(hits).padStart(6)}  ${median(ti).toFixed(2).padStart(6)} ms  ${median(ts).toFixed(2).padStart(6)} ms (${scanHits})`,
    )
  }
  // what the app would do without the token index: read every stored message and test it
  const tableScan: number[] = []
  for (const q of ['tomorrow', 'cafe', '北京']) {
    const t0 = performance.now()
    await db.messages.filter((r) => r.body.toLowerCase().includes(q)).count()
    tableScan.push(performance.now() - t0)
  }
  const mi = median(indexed)
  const ms = median(scanned)
  log.push(
    `Chromium, Dexie/IndexedDB: median query ${mi.toFixed(2)} ms (max ${Math.max(...indexed).toFixed(2)} ms); in-memory substring scan ${ms.toFixed(2)} ms; index/scan ratio ${(mi / ms).toFixed(3)}; Dexie table scan (no index) median ${median(tableScan).toFixed(0)} ms; target ≤ 50 ms`,
  )
  db.close()
  await Dexie.delete('bench-search')
  return log
}

;(globalThis as unknown as { benchSearch: typeof run }).benchSearch = run
