// Homes: the unit of ownership. A document's home is its kind's group (a chat's head and pages, a
// channel's head and pages) or, for a kind without groups, the document itself. On one node every home is
// here; with several nodes (server/cluster/) one node owns each home, and the server's own writes into
// a home's documents run on that node. A domain says what such a write does once (`handle`) and asks
// for it by name with string arguments (`run`, `tellEach`), which works on one node and across nodes alike.
import type { Cluster } from '../cluster/cluster.ts'
import type { AnyKind } from './kind.ts'

export const homeOf = (kind: AnyKind, key: unknown, name: string): string => kind.group?.(key) ?? name

type Handler = (args: string[]) => Promise<string | void>

export interface Homes {
  /** what `op` does, on the node that owns the home it is asked for */
  handle(op: string, fn: Handler): void
  /** what `op` does on every node when it is broadcast */
  handleAll(op: string, fn: Handler): void
  /**
   * Runs `op` where `home` is owned (here when nobody owns it: the documents load here), and waits for
   * it: resolves with what the handler resolved with.
   */
  run(home: string, op: string, args: string[]): Promise<string | void>
  /**
   * Runs `op` where each of `homes` is owned, if anywhere (nothing runs for a home no node holds), with
   * `args` made only for those some node holds.
   */
  tellEach(homes: string[], op: string, args: (home: string) => Promise<string[]>): Promise<void>
  /** Runs `op` on every node. */
  broadcast(op: string, args: string[]): Promise<void>
  /** Called when the messages between nodes flow again after an outage (some may have been lost). */
  onReconnect(fn: () => void): void
  /** several nodes share the database */
  readonly shared: boolean
}

/** One node: every home is here. `held(home)`: some document of the home is loaded. */
export function localHomes(held: (home: string) => boolean): Homes {
  const handlers = new Map<string, Handler>()
  const all = new Map<string, Handler>()
  const call = (op: string, args: string[]) => {
    const fn = handlers.get(op)
    return fn ? fn(args) : Promise.reject(new Error(`no handler for ${op}`))
  }
  return {
    handle: (op, fn) => void handlers.set(op, fn),
    handleAll: (op, fn) => void all.set(op, fn),
    run: (_home, op, args) => call(op, args),
    async tellEach(homes, op, args) {
      for (const home of homes) if (held(home)) await call(op, await args(home))
    },
    broadcast: async (op, args) => {
      await all.get(op)?.(args)
    },
    onReconnect() {},
    shared: false,
  }
}

/** Several nodes: the cluster routes each call to the home's owner. */
export function clusterHomes(cluster: Cluster): Homes {
  return {
    handle: (op, fn) => cluster.handle(op, fn),
    handleAll: (op, fn) => cluster.handleAll(op, fn),
    run: (home, op, args) => cluster.run(home, op, args),
    tellEach: (homes, op, args) => cluster.tellEach(homes, op, args),
    broadcast: (op, args) => cluster.broadcast(op, args),
    onReconnect: (fn) => cluster.onReconnect(fn),
    shared: true,
  }
}
