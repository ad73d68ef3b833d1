import type { Db, Queryable } from './db.ts'
import { migrations } from './schema.ts'

/**
 * Applies the migrations in schema.ts that this database has not had yet, each in its own transaction.
 * Several nodes may start at once on one Postgres database: each transaction first takes a lock of the
 * schema's own (so that test schemas do not wait on each other) and reads again what is applied.
 */
export async function migrate(db: Db): Promise<void> {
  const lock = (q: Queryable) =>
    db.dialect === 'postgres' ? q.run("SELECT pg_advisory_xact_lock(hashtext('sori.migrate.' || current_schema()))") : null
  await db.tx(async (q) => {
    await lock(q)
    await q.run('CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, applied BIGINT NOT NULL)')
  })
  const applied = async (q: Queryable) =>
    new Set((await q.all<{ id: number }>('SELECT id FROM migrations')).map((r) => Number(r.id)))
  const done = await applied(db)
  for (const m of migrations) {
    if (done.has(m.id)) continue
    const text = m.sql
      .replaceAll('{{blob}}', db.dialect === 'postgres' ? 'BYTEA' : 'BLOB')
      .replaceAll('{{serial}}', db.dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT')
      // a key the application assigns; on SQLite the rowid itself, so the table has no other b-tree
      .replaceAll('{{rowid}}', db.dialect === 'postgres' ? 'BIGINT PRIMARY KEY' : 'INTEGER PRIMARY KEY')
    await db.tx(async (q) => {
      await lock(q)
      // another node applied it while this one waited for the lock
      if ((await applied(q)).has(m.id)) return
      for (const stmt of text
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean))
        await q.run(stmt)
      await q.run('INSERT INTO migrations (id, applied) VALUES (?, ?)', [m.id, Date.now()])
    })
  }
}
