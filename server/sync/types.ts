// The seam between the HTTP app (server/app.ts) and the sync server (server/sync/).
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'

/** Who a session token belongs to; null when the token is unknown or signed out. */
export type Authenticate = (token: string) => Promise<{ userId: string; sessionId: string } | null>

export interface SyncServer {
  /** Handles an HTTP upgrade on /sync/<doc>: 401/403/404 before any WebSocket exists. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
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

/**
 * What a domain plugs into: document kinds, commit participants, and the engine's documents and writes
 * (server/chats/ is the chat domain).
 */
export interface SyncEngine extends SyncServer {
  /** Adds a kind of document; every kind is registered before the first upgrade. */
  register(kind: import('./kind.ts').AnyKind): void
  /** Adds what a committed batch changes beyond its documents (commit.ts). */
  participate<T>(p: import('./commit.ts').CommitParticipant<T>): void
  /** Runs first when the server closes, before the last commit (e.g. to flush coalesced writes). */
  onClose(fn: () => void): void
  /** the loaded documents */
  readonly docs: import('./registry.ts').DocRegistry
  /** where the server's own writes into a home run (homes.ts): here, or on the node that owns it */
  readonly homes: import('./homes.ts').Homes
  /** the group commit, for participants that ask for a batch to write what they deferred */
  readonly commit: import('./commit.ts').GroupCommit
  /** Writes into a document as the server (call from inside one of the document's jobs). */
  write(doc: import('./doc.ts').SyncDoc, fn: (y: import('yjs').Doc) => void): Promise<void>
  /** the server is closing: no more writes */
  readonly closing: boolean
}

/** What server/sync/index.ts's `createSync(deps)` needs from the app. */
export interface SyncDeps {
  db: import('../db/db.ts').Db
  /** the documents' updates (store/store.ts openStore); closed by the sync server's close() */
  store: import('../store/store.ts').Store
  authenticate: Authenticate
}
