// A fresh Postgres schema for one benchmark run, dropped afterwards.
import pg from 'pg'

export async function freshSchema(base: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `bench_${process.pid}_${Date.now().toString(36)}`
  const c = new pg.Client({ connectionString: base })
  await c.connect()
  await c.query(`CREATE SCHEMA ${schema}`)
  await c.end()
  const u = new URL(base)
  u.searchParams.set('options', `-c search_path=${schema}`)
  return {
    url: u.toString(),
    async drop() {
      const d = new pg.Client({ connectionString: base })
      await d.connect()
      await d.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await d.end()
    },
  }
}
