// npm run bench:commit — what one group commit's transaction costs on SQLite by itself, on this machine:
// transactions of 4 journal rows of ~180 bytes (a commit's shape at 5,000 msg/s) through
//   sori:      Sori's own connection (server/db/sqlite.ts: WAL, synchronous NORMAL, its async lock, the
//              checkpointer's worker);
//   bare:      a bare better-sqlite3 connection in the same modes, called synchronously (what the lock
//              and the promises cost);
//   exclusive: the same with locking_mode EXCLUSIVE (what the shared-memory locks cost: fcntl calls;
//              no second connection can open the file then, so no checkpointer worker),
// in the same process, rounds in rotating order. Prints medians; never fails on time.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqlite } from '../../server/db/sqlite.ts'
import { fmt, median, percentile, ratio } from '../lib/stats.ts'

const COMMITS = Number(process.env.COMMIT_BENCH_COUNT ?? 20_000)
const ROUNDS = Number(process.env.COMMIT_BENCH_ROUNDS ?? 3)
const ROW = Buffer.alloc(180, 7)
const TABLE = 'CREATE TABLE j (id INTEGER PRIMARY KEY, doc TEXT NOT NULL, data BLOB NOT NULL)'
const INSERT = 'INSERT INTO j (doc, data) VALUES (?, ?), (?, ?), (?, ?), (?, ?)'
const PARAMS = ['c:a:0', ROW, 'c:b:0', ROW, 'c:c:0', ROW, 'c:d:0', ROW]

/** Per-commit times in µs of `n` transactions, yielding to the event loop now and then as the server does. */
async function time(n: number, commit: () => unknown): Promise<number[]> {
  const us: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    await commit()
    us.push((performance.now() - t) * 1000)
    if (i % 8 === 7) await new Promise((r) => setImmediate(r))
  }
  return us
}

async function sori(dir: string): Promise<number[]> {
  const db = await openSqlite(join(dir, 'sori.db'))
  try {
    await db.run(TABLE)
    const commit = () =>
      db.tx(async (q) => {
        await q.run(INSERT, PARAMS)
      })
    await time(1000, commit)
    return await time(COMMITS, commit)
  } finally {
    await db.close()
  }
}

/** A bare connection; `exclusive`: with locking_mode EXCLUSIVE. */
async function bare(dir: string, exclusive: boolean): Promise<number[]> {
  const db = new Database(join(dir, 'bare.db'))
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    if (exclusive) db.pragma('locking_mode = EXCLUSIVE')
    db.exec(TABLE)
    const insert = db.prepare(INSERT)
    const commit = () => {
      db.exec('BEGIN IMMEDIATE')
      insert.run(...PARAMS)
      db.exec('COMMIT')
    }
    await time(1000, commit)
    return await time(COMMITS, commit)
  } finally {
    db.close()
  }
}

const RUNS = { sori, bare: (dir: string) => bare(dir, false), exclusive: (dir: string) => bare(dir, true) }
type Name = keyof typeof RUNS
const NAMES = Object.keys(RUNS) as Name[]

console.log(
  `bench:commit  ${new Date().toISOString()}  node ${process.version}  ${COMMITS} transactions of 4 rows per round, ${ROUNDS} rounds`,
)
const medians: Record<Name, number[]> = { sori: [], bare: [], exclusive: [] }
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < NAMES.length; k++) {
    const name = NAMES[(r + k) % NAMES.length]
    const dir = mkdtempSync(join(tmpdir(), 'sori-commit-'))
    try {
      const us = await RUNS[name](dir)
      medians[name].push(median(us))
      console.log(`round ${r + 1} ${name.padEnd(9)}: median ${fmt(median(us))} µs, p99 ${fmt(percentile(us, 99))} µs per commit`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
const m = (name: Name) => median(medians[name])
console.log(
  `median of rounds, per commit: sori ${fmt(m('sori'))} µs, bare ${fmt(m('bare'))} µs (${ratio(m('bare'), m('sori'))}), exclusive ${fmt(m('exclusive'))} µs (${ratio(m('exclusive'), m('sori'))})`,
)
