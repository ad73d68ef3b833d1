// How many clientIDs new to a document a user may write into it. Every clientID that writes into a shared
// document stays in it for good (a state-vector entry, a struct that never merges with another's), and
// every copy syncs it: a member writing under a fresh clientID each time made a chat's head tens of kB
// heavier and each read position in it cost every member hundreds of ms. A device writes with one per
// document it writes to per app start; the limits are far above that. Counted per node (a user's sockets
// spread over N nodes get N times as much), in fixed windows.

/** ClientIDs new to a document one user may write into it per window. */
export const CLAIMS_PER_DOC = 32
/** The same, across all documents. */
export const CLAIMS_PER_USER = 1024
export const CLAIM_WINDOW_MS = 10 * 60_000
/** Counters kept at most; past it, those of ended windows are dropped. */
const KEYS_MAX = 100_000

interface Window {
  start: number
  used: number
}

export class ClaimQuota {
  private windows = new Map<string, Window>()

  constructor(
    private perDoc = CLAIMS_PER_DOC,
    private perUser = CLAIMS_PER_USER,
    private windowMs = CLAIM_WINDOW_MS,
  ) {}

  /** Takes `n` clientIDs new to document `doc` for `userId`; false (and nothing taken) when over a limit. */
  take(userId: string, doc: string, n: number, now = Date.now()): boolean {
    if (n <= 0) return true
    const d = this.window(`${userId}\u0000${doc}`, now)
    const u = this.window(userId, now)
    if (d.used + n > this.perDoc || u.used + n > this.perUser) return false
    d.used += n
    u.used += n
    return true
  }

  private window(key: string, now: number): Window {
    let w = this.windows.get(key)
    if (!w || now - w.start >= this.windowMs) {
      if (!w && this.windows.size >= KEYS_MAX) this.prune(now)
      w = { start: now, used: 0 }
      this.windows.set(key, w)
    }
    return w
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k)
  }
}
