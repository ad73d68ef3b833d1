import type { Db } from './db.ts'
import { migrations } from './schema.ts'

/** Applies the migrations in schema.ts that this database has not had yet, each in its own transaction. */
export async function migrate(db: Db): Promise<void> {
  await db.run('CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, applied BIGINT NOT NULL)')
  const done = new Set((await db.all<{ id: number }>('SELECT id FROM migrations')).map((r) => Number(r.id)))
  for (const m of migrations) {
    if (done.has(m.id)) continue
    const text = m.sql
      .replaceAll('{{blob}}', db.dialect === 'postgres' ? 'BYTEA' : 'BLOB')
      .replaceAll('{{serial}}', db.dialect === 'postgres' ? 'BIGSERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT')
      // a key the application assigns; on SQLite the rowid itself, so the table has no other b-tree
      .replaceAll('{{rowid}}', db.dialect === 'postgres' ? 'BIGINT PRIMARY KEY' : 'INTEGER PRIMARY KEY')
    await db.tx(async (q) => {
      for (const stmt of text
        .split(';')
        .map((s) => s.trim())
        .filter(Boolean))
        await q.run(stmt)
      // two nodes may start at once: the primary key lets only one record the migration
      await q.run('INSERT INTO migrations (id, applied) VALUES (?, ?)', [m.id, Date.now()])
    })
  }
}
