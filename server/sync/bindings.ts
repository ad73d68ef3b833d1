// Yjs clientID → user bindings. A clientID belongs to the first user who writes with it, for good and
// across every document; the table client_ids is the truth and this cache keeps it off the hot path.
import type { Db } from '../db/db.ts'

/** The owner of the server's own writes (not a valid user id, so no user can ever be it). */
export const SYSTEM_USER = '!server'

/**
 * Bindings cached at most: past it the oldest tenth goes (long committed: a claim is committed within
 * the group commit it joined). Every clientID ever written with would otherwise stay in memory.
 */
const KNOWN_MAX = 200_000

export class Bindings {
  /** committed or pending bindings */
  private known = new Map<number, string>()
  /** lookups in flight, coalesced */
  private loading = new Map<number, Promise<string | null>>()

  constructor(private db: Db) {}

  /** The cached owner, undefined when not cached (ask `lookup`). */
  cached(client: number): string | undefined {
    return this.known.get(client)
  }

  /** The owner from the cache or the database; null when nobody has used the clientID yet. */
  lookup(client: number): Promise<string | null> {
    const c = this.known.get(client)
    if (c !== undefined) return Promise.resolve(c)
    let p = this.loading.get(client)
    if (!p) {
      p = this.db.get<{ user_id: string }>('SELECT user_id FROM client_ids WHERE client_id = ?', [client]).then(
        (r) => {
          this.loading.delete(client)
          // a pending binding made meanwhile wins over "not found"
          const now = this.known.get(client)
          if (now !== undefined) return now
          if (r) this.remember(client, r.user_id)
          return r ? r.user_id : null
        },
        (e) => {
          this.loading.delete(client)
          throw e
        },
      )
      this.loading.set(client, p)
    }
    return p
  }

  /** Claims an unbound clientID for `userId` in memory; the caller persists it in its commit. */
  claim(client: number, userId: string): void {
    this.remember(client, userId)
  }

  private remember(client: number, userId: string): void {
    if (this.known.size >= KNOWN_MAX) {
      let drop = KNOWN_MAX / 10
      for (const k of this.known.keys()) {
        if (drop-- <= 0) break
        this.known.delete(k)
      }
    }
    this.known.set(client, userId)
  }

  /** Forgets claims whose commit failed. */
  forget(clients: Iterable<number>): void {
    for (const c of clients) this.known.delete(c)
  }
}
