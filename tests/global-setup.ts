// Once per `npm test`: what the run leaves behind is removed at its end. Every test gets a fresh
// database (tests/fixtures/databases.ts): a SQLite file in a `sori-*` temp folder, or a Postgres schema
// `t_<pid>_<random>` in DATABASE_URL's database. Left there, hundreds piled up per day of runs, on a
// developer's machine and in the CI machine's Postgres, which outlives a run.
import { readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'

const ours = (name: string) => name.startsWith('sori-')

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

async function schemas(c: pg.Client): Promise<Set<string>> {
  const r = await c.query<{ name: string }>(
    "SELECT schema_name AS name FROM information_schema.schemata WHERE schema_name LIKE 't\\_%'",
  )
  return new Set(r.rows.map((x) => x.name))
}

export default async function setup(): Promise<() => Promise<void>> {
  const before = new Set(readdirSync(tmpdir()).filter(ours))
  const url = process.env.DATABASE_URL
  const schemasBefore = url ? await withClient(url, schemas) : new Set<string>()
  return async () => {
    for (const name of readdirSync(tmpdir()).filter(ours)) {
      if (!before.has(name)) rmSync(join(tmpdir(), name), { recursive: true, force: true })
    }
    if (!url) return
    await withClient(url, async (c) => {
      for (const s of await schemas(c)) {
        if (!schemasBefore.has(s)) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`)
      }
    })
  }
}
