// Which kind of node may use a Postgres database: one node alone (no REDIS_URL) or any number of nodes
// that all share one Redis (docs/scaling.md). Two nodes of the first kind, or one of each, would commit
// to the same documents unfenced. So a node holds a session-level advisory lock on the schema for its
// whole life: exclusive alone, shared as one of several, and refuses to start when it cannot get it.
import pg from 'pg'

export interface NodeLock {
  release(): Promise<void>
}

const lockSql = (several: boolean) =>
  `SELECT ${several ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock'}(hashtext('sori.node.' || current_schema())) AS ok`

/** One connection holding the lock; null when another kind of node holds it. */
async function take(url: string, several: boolean, lost: () => void): Promise<pg.Client | null> {
  const client = new pg.Client({ connectionString: url })
  // the lock lives as long as this connection: when it ends (Postgres restarting), it is taken again
  client.on('error', (e) => console.error('postgres node lock connection:', e.message))
  client.on('end', lost)
  try {
    await client.connect()
    const r = await client.query<{ ok: boolean }>(lockSql(several))
    if (r.rows[0]?.ok) return client
  } catch (e) {
    client.off('end', lost)
    await client.end().catch(() => {})
    throw e
  }
  client.off('end', lost)
  await client.end().catch(() => {})
  return null
}

/** Tries for `waitMs` (a killed node's connection may take a moment to end); throws when the database is taken. */
export async function holdNodeLock(url: string, several: boolean, waitMs = 10_000): Promise<NodeLock> {
  let released = false
  let client: pg.Client | null = null
  // after a lost connection: again every second until it holds, so that no node of the other kind can start meanwhile
  const lost = () => {
    client = null
    if (released) return
    const retry = setTimeout(() => {
      take(url, several, lost).then(
        (c) => {
          if (released) void c?.end().catch(() => {})
          else if (c) client = c
          else {
            console.error('postgres node lock: another kind of node took this database meanwhile (docs/scaling.md)')
            lost()
          }
        },
        () => lost(),
      )
    }, 1000)
    retry.unref()
  }
  const until = Date.now() + waitMs
  for (;;) {
    client = await take(url, several, lost)
    if (client) break
    if (Date.now() > until)
      throw new Error(
        several
          ? 'A Sori node without REDIS_URL is using this Postgres database: stop it, or start every node with REDIS_URL (docs/scaling.md).'
          : 'Another Sori node is using this Postgres database: several nodes need REDIS_URL on every node (docs/scaling.md).',
      )
    await new Promise((r) => setTimeout(r, 250))
  }
  return {
    release: async () => {
      released = true
      const c = client as pg.Client | null
      client = null
      await c?.end().catch(() => {})
    },
  }
}
