// Once per `npm test`: what the run leaves behind is removed at its end. Every test gets a fresh
// database (tests/fixtures/databases.ts): a SQLite file in a `sori-*` temp folder, or a Postgres schema
// `t_<run>_<random>` in DATABASE_URL's database. Left there, hundreds piled up per day of runs, on a
// developer's machine and in the CI machine's Postgres, which outlives a run.
//
// Two runs on one machine (two checkouts, or a developer's run beside another) must not remove each
// other's databases mid-test: each run gets its own temp folder (TMPDIR, which os.tmpdir() and so every
// mkdtemp of the tests and Chromium's profiles follow) and its own schema prefix (SORI_TEST_RUN); the
// test processes inherit both, and the end of a run removes only its own.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

/** Runs `fn` with a connection to the database at `url`. */
async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

/** This run's test schemas (databases.ts names them `t_<run>_...`). */
async function schemas(c: pg.Client, run: string): Promise<string[]> {
  const r = await c.query<{ name: string }>(
    'SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE $1',
    [`t\\_${run}\\_%`],
  )
  return r.rows.map((x) => x.name)
}

export default async function setup(): Promise<() => Promise<void>> {
  const run = Math.random().toString(36).slice(2, 10)
  const dir = mkdtempSync(join(tmpdir(), `sori-run-${run}-`))
  process.env.TMPDIR = dir
  process.env.SORI_TEST_RUN = run
  const url = process.env.DATABASE_URL
  return async () => {
    rmSync(dir, { recursive: true, force: true })
    if (!url) return
    await withClient(url, async (c) => {
      for (const s of await schemas(c, run)) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
    })
  }
}
