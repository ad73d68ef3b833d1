// The seam between the HTTP app (server/app.ts) and the sync server (server/sync/).
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'

/** Who a session token belongs to; null when the token is unknown or signed out. */
export type Authenticate = (token: string) => Promise<{ userId: string; sessionId: string } | null>

export interface SyncServer {
  /** Handles an HTTP upgrade on /sync/<doc>: 401/403/404 before any WebSocket exists. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  /**
   * A conversation's relational state changed (created, members invited/left/removed, renamed, a block
   * between the two members of a direct chat). Re-reads it from the database, writes the head doc's
   * `meta` and every member's inbox entry, and closes the sockets of users who lost access (4403).
   */
  chatChanged(convId: string): Promise<void>
  /** Sessions were signed out: their sockets close with 4401. */
  sessionsRevoked(sessionIds: string[]): void
  /**
   * What is in memory: loaded documents, how many are frozen (kept encoded only), how many are held
   * open (by sockets or a write under way; only these freeze, the others are dropped when idle) and how
   * many of those are frozen, and open sockets.
   */
  stats(): { docs: number; frozen: number; open: number; openFrozen: number; sockets: number }
  /** How long clients' updates were held (frame arrival → fan-out) since the last call, in ms. */
  heldLatency(): import('./latency.ts').LatencySummary
  /** Group commits since the last call: how many, the updates they held, and the milliseconds spent in their transactions. */
  commitStats(): import('./commit.ts').CommitStats
  /** Stops accepting, flushes pending commits, closes sockets (4012). */
  close(): Promise<void>
}

/** What server/sync/index.ts's `createSync(deps)` needs from the app. */
export interface SyncDeps {
  db: import('../db/db.ts').Db
  /** the documents' updates (store/store.ts openStore); closed by the sync server's close() */
  store: import('../store/store.ts').Store
  authenticate: Authenticate
}
