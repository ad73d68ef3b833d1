// What the parts of the sync server share.
import type { Db } from '../db/db.ts'
import type { Store } from '../store/store.ts'
import type { Bus } from '../bus/bus.ts'
import type { Authenticate } from './types.ts'
import type { Bindings } from './bindings.ts'
import type { GroupCommit } from './commit.ts'
import type { DocRegistry } from './registry.ts'
import type { ServerWriter } from './server-write.ts'
import type { DocKinds } from './kind.ts'
import type { Conn } from './conn.ts'
import type { Compactor } from '../store/compactor.ts'
import type { Cluster } from '../cluster/cluster.ts'
import type { Homes } from './homes.ts'
import type { CpuBudget } from './cpu-budget.ts'
import type { ClaimQuota } from './claim-quota.ts'
import type { Announced } from './awareness.ts'

export interface SyncOptions {
  /** how long a document without sockets stays in memory */
  idleMs: number
  /** how long a document's Y.Doc goes untouched before it is kept encoded only (0: never) */
  freezeMs: number
  /** a socket with more than this many bytes queued is closed to resync */
  maxBuffered: number
  /** bytes one user's sockets on this node may have queued together before a large message closes the socket it is for */
  maxUserBuffered: number
  /** bytes of updates one user's sockets on this node may hold together before their step 2s (handle.ts) */
  maxUserHeld: number
  /** how long a socket may hold updates before its step 2, ms (handle.ts, HOLD_MS) */
  holdMs: number
  /** open sockets one user may hold on this node; more are refused at the upgrade with 429 */
  maxSocketsPerUser: number
  /** turns of the event loop one group commit collects updates for (commit.ts) */
  commitTurns: number
  /** CPU one user's frames may take per second on this node, ms; two and a half times that at once (cpu-budget.ts) */
  userCpuMsPerSecond: number
}

export interface SyncContext {
  db: Db
  store: Store
  bus: Bus
  authenticate: Authenticate
  bindings: Bindings
  /** the registered document kinds */
  kinds: DocKinds
  commit: GroupCommit
  /** merges documents' stored rows in the background */
  compactor: Compactor
  docs: DocRegistry
  writer: ServerWriter
  opts: SyncOptions
  /** this process, in bus messages */
  node: string
  /** the clientID of the server's own writes, bound to the system user */
  serverClient: number
  serverReady: Promise<void>
  /** session id → its sockets */
  sessions: Map<string, Set<Conn>>
  /** user id → open sockets (for maxSocketsPerUser) */
  userSockets: Map<string, number>
  /** user id → bytes their sockets hold before their step 2s (for maxUserHeld) */
  heldByUser: Map<string, number>
  closing: boolean
  /** one node of several (server/cluster/), null on its own */
  cluster: Cluster | null
  /** where the server's own writes into a home run */
  homes: Homes
  /** the CPU each user's frames may take (cpu-budget.ts) */
  cpu: CpuBudget
  /** the clientIDs new to a document each user may write into it (claim-quota.ts) */
  claimQuota: ClaimQuota
  /** the clientIDs this node's sockets announce in awareness, and whose */
  announced: Announced
}
