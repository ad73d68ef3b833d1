import pg from 'pg'
import type { Db, Param, Queryable, Tx } from './db.ts'

// BIGINT (int8) columns hold millisecond times and Yjs clientIDs, all below 2^53.
pg.types.setTypeParser(20, (v) => Number(v))

const toPg = (s: string) => {
  let i = 0
  return s.replace(/\?/g, () => `$${++i}`)
}

type Result = pg.QueryResult<pg.QueryResultRow>
type Statement = { text: string; values?: readonly Param[] }

/**
 * A transaction on one connection. Every statement awaited alone is a round trip: a write and a read
 * system call on both sides, and a wait. So statements whose results nobody reads (`queue`) wait, and
 * go out with the next statement awaited or with COMMIT, written together in one write on a connection in
 * pipeline mode (node-postgres's `pipeline`); BEGIN goes with the first of them. A group commit (BEGIN, its
 * writes, COMMIT) is one round trip; with the fence of several nodes, two.
 */
class PgTx implements Tx {
  private pending: Statement[] = []
  /** BEGIN was sent: the connection is inside the transaction and must end it */
  private begun = false

  constructor(private c: pg.PoolClient) {}

  queue(text: string, values?: readonly Param[]): void {
    this.pending.push({ text, values })
  }

  /** What waits and then `last`, in one write; `last`'s result, or the first error of any of them. */
  private async send(last: Statement): Promise<Result> {
    const all: Statement[] = this.begun ? this.pending : [{ text: 'BEGIN' }, ...this.pending]
    this.begun = true
    this.pending = []
    all.push(last)
    if (all.length === 1) return this.c.query(toPg(last.text), last.values as unknown[])
    // the client's socket (not in pg's types): corked, the statements leave in one write, not one each
    const { stream } = (this.c as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection
    stream.cork()
    let answers: Promise<Result>[]
    try {
      answers = all.map((s) => this.c.query(toPg(s.text), s.values as unknown[]))
    } finally {
      stream.uncork()
    }
    // after a failed statement the ones behind it fail too (the transaction is aborted): the first error says why
    const settled = await Promise.allSettled(answers)
    for (const r of settled) if (r.status === 'rejected') throw r.reason
    return (settled[settled.length - 1] as PromiseFulfilledResult<Result>).value
  }

  async all<T>(text: string, values?: readonly Param[]) {
    return (await this.send({ text, values })).rows as T[]
  }
  async get<T>(text: string, values?: readonly Param[]) {
    return (await this.send({ text, values })).rows[0] as T | undefined
  }
  async run(text: string, values?: readonly Param[]) {
    return { changes: (await this.send({ text, values })).rowCount ?? 0 }
  }

  /** Sends what waits and COMMIT; a transaction that sent nothing and queued nothing has nothing to end. */
  async commit(): Promise<void> {
    if (!this.begun && this.pending.length === 0) return
    await this.send({ text: 'COMMIT' })
  }

  /** What was queued and not sent is dropped; a transaction not begun has nothing to roll back. */
  async rollback(): Promise<void> {
    this.pending = []
    if (this.begun) await this.c.query('ROLLBACK')
  }
}

export async function openPostgres(url: string): Promise<Db> {
  // pipeline mode: a connection writes a query without waiting for the answer to the one before (PgTx)
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.SORI_PG_POOL ?? 10), pipeline: true })
  // an idle client that errors (server restart) must not crash the process
  pool.on('error', (e) => console.error('postgres pool error:', e.message))
  // nor one checked out for a transaction: the pool listens only to idle clients, and a client emits
  // 'error' when its connection is reset; the query under way fails with it, and the client is discarded
  pool.on('connect', (client) => {
    client.on('error', (e) => console.error('postgres connection error:', e.message))
  })
  const q: Queryable = {
    async all<T>(s: string, p?: readonly Param[]) {
      return (await pool.query(toPg(s), p as unknown[])).rows as T[]
    },
    async get<T>(s: string, p?: readonly Param[]) {
      return (await pool.query(toPg(s), p as unknown[])).rows[0] as T | undefined
    },
    async run(s: string, p?: readonly Param[]) {
      return { changes: (await pool.query(toPg(s), p as unknown[])).rowCount ?? 0 }
    },
  }
  return {
    dialect: 'postgres',
    ...q,
    async tx(fn) {
      const c = await pool.connect()
      const t = new PgTx(c)
      // a connection that cannot even roll back is broken: it leaves the pool rather than fail the next transaction
      let broken: Error | undefined
      try {
        const r = await fn(t)
        await t.commit()
        return r
      } catch (e) {
        await t.rollback().catch((r: Error) => {
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
