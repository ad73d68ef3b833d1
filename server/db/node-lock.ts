// Which kind of node may use a Postgres database: one node alone (no REDIS_URL) or any number of nodes
// that all share one Redis (docs/scaling.md). Two nodes of the first kind, or one of each, would commit
// to the same documents unfenced. So a node holds a session-level advisory lock on the schema for its
// whole life: exclusive alone, shared as one of several, and refuses to start when it cannot get it.
import pg from 'pg'

export interface NodeLock {
  release(): Promise<void>
}

/** Tries for `waitMs` (a killed node's connection may take a moment to end); throws when the database is taken. */
export async function holdNodeLock(url: string, several: boolean, waitMs = 10_000): Promise<NodeLock> {
  const client = new pg.Client({ connectionString: url })
  // the lock lives as long as this connection; an error on it (the server restarting) ends neither
  client.on('error', (e) => console.error('postgres node lock connection:', e.message))
  await client.connect()
  const fn = several ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock'
  const until = Date.now() + waitMs
  try {
    for (;;) {
      const r = await client.query<{ ok: boolean }>(`SELECT ${fn}(hashtext('sori.node.' || current_schema())) AS ok`)
      if (r.rows[0]?.ok) break
      if (Date.now() > until)
        throw new Error(
          several
            ? 'A Sori node without REDIS_URL is using this Postgres database: stop it, or start every node with REDIS_URL (docs/scaling.md).'
            : 'Another Sori node is using this Postgres database: several nodes need REDIS_URL on every node (docs/scaling.md).',
        )
      await new Promise((r) => setTimeout(r, 250))
    }
  } catch (e) {
    await client.end().catch(() => {})
    throw e
  }
  return { release: () => client.end().catch(() => {}) }
}
