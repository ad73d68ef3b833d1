import pg from 'pg'
import type { Db, Param, Queryable } from './db.ts'

// BIGINT (int8) columns hold millisecond times and Yjs clientIDs, all below 2^53.
pg.types.setTypeParser(20, (v) => Number(v))

const toPg = (s: string) => {
  let i = 0
  return s.replace(/\?/g, () => `$${++i}`)
}

export async function openPostgres(url: string): Promise<Db> {
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.SORI_PG_POOL ?? 10) })
  // an idle client that errors (server restart) must not crash the process
  pool.on('error', (e) => console.error('postgres pool error:', e.message))
  // nor one checked out for a transaction: the pool listens only to idle clients, and a client emits
  // 'error' when its connection is reset; the query under way fails with it, and the client is discarded
  pool.on('connect', (client) => {
    client.on('error', (e) => console.error('postgres connection error:', e.message))
  })
  const over = (c: pg.Pool | pg.PoolClient): Queryable => ({
    async all<T>(s: string, p?: Param[]) {
      return (await c.query(toPg(s), p as unknown[])).rows as T[]
    },
    async get<T>(s: string, p?: Param[]) {
      return (await c.query(toPg(s), p as unknown[])).rows[0] as T | undefined
    },
    async run(s: string, p?: Param[]) {
      return { changes: (await c.query(toPg(s), p as unknown[])).rowCount ?? 0 }
    },
  })
  const q = over(pool)
  return {
    dialect: 'postgres',
    ...q,
    async tx(fn) {
      const c = await pool.connect()
      // a connection that cannot even roll back is broken: it leaves the pool rather than fail the next transaction
      let broken: Error | undefined
      try {
        await c.query('BEGIN')
        const r = await fn(over(c))
        await c.query('COMMIT')
        return r
      } catch (e) {
        await c.query('ROLLBACK').catch((r: Error) => {
          broken = r
        })
        throw e
      } finally {
        c.release(broken)
      }
    },
    async close() {
      await pool.end()
    },
  }
}
