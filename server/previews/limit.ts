// Previews fetched per user per minute. Only fetches count (a preview from the cache costs nothing), and
// the count is per server node, in memory: it stops one account from turning the server into a crawler,
// which a node's own count does as well as a shared one would.
export const FETCHES_PER_MINUTE = 60
const WINDOW_MS = 60_000

export class FetchLimit {
  private times = new Map<string, number[]>()

  /** Counts one fetch for `userId`; returns the seconds to wait instead when the minute is full. */
  take(userId: string, now = Date.now()): number {
    const recent = (this.times.get(userId) ?? []).filter((t) => t > now - WINDOW_MS)
    if (recent.length >= FETCHES_PER_MINUTE) {
      this.times.set(userId, recent)
      return Math.max(1, Math.ceil((recent[0] + WINDOW_MS - now) / 1000))
    }
    recent.push(now)
    this.times.set(userId, recent)
    // users who stopped asking are forgotten, so the map holds only the last minute's
    if (this.times.size > 10_000) for (const [u, ts] of this.times) if (ts[ts.length - 1] <= now - WINDOW_MS) this.times.delete(u)
    return 0
  }
}
