// The relational query layer: one small async interface over SQLite (embedded default) and Postgres.
// SQL is written once with `?` placeholders; the Postgres driver rewrites them to $1, $2, ...

export type Row = Record<string, unknown>
export type Param = string | number | bigint | boolean | null | Uint8Array

export interface Queryable {
  all<T = Row>(sql: string, params?: readonly Param[]): Promise<T[]>
  get<T = Row>(sql: string, params?: readonly Param[]): Promise<T | undefined>
  run(sql: string, params?: readonly Param[]): Promise<{ changes: number }>
}

/** A transaction's queries. */
export interface Tx extends Queryable {
  /**
   * Runs a statement whose result the caller does not read. On Postgres it waits and goes out with the
   * next statement awaited or with COMMIT, several statements in one round trip; if it fails, that
   * statement or the commit fails with its error, and the transaction rolls back. On SQLite it runs at once,
   * but for a transaction's first statement: that one waits for the next (a transaction of it alone runs
   * it without BEGIN and COMMIT), and its error comes from whatever runs it.
   */
  queue(sql: string, params?: readonly Param[]): void
}

export interface Db extends Queryable {
  readonly dialect: 'sqlite' | 'postgres'
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  tx<T>(fn: (q: Tx) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/** Opens the database named by `url`: `postgres://...` for Postgres, otherwise a SQLite file path. */
export async function openDb(url: string): Promise<Db> {
  const db = /^postgres(ql)?:\/\//.test(url)
    ? await (await import('./postgres.ts')).openPostgres(url)
    : await (await import('./sqlite.ts')).openSqlite(url)
  await (await import('./migrate.ts')).migrate(db)
  return db
}
