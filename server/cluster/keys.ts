// Every Redis key and channel the nodes share, under one prefix (SORI_REDIS_PREFIX, default `sori:`), so
// that several clusters (or test runs) can share one Redis. docs/scaling.md lists their lifetimes.
export class Keys {
  constructor(readonly prefix: string) {}

  /** the home's lease: the owning node's id */
  home(home: string): string {
    return `${this.prefix}home:${home}`
  }

  /** a live node's address (host:port), with a short expiry renewed by its heartbeat */
  node(id: string): string {
    return `${this.prefix}node:${id}`
  }

  /** what `node` is prepended to in the acquire script */
  get nodePrefix(): string {
    return `${this.prefix}node:`
  }

  /** the live nodes (sorted set, score = when the node counts as dead, ms) */
  get nodes(): string {
    return `${this.prefix}nodes`
  }

  /** a node's open sockets per user (hash), for the socket cap across nodes */
  sockets(id: string): string {
    return `${this.prefix}socks:${id}`
  }

  /** messages to one node: calls and their replies */
  inbox(id: string): string {
    return `${this.prefix}n:${id}`
  }

  /** messages to every node */
  get all(): string {
    return `${this.prefix}all`
  }
}
