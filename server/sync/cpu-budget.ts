// The CPU one user's frames may take on this node. Every frame is decoded, validated and applied on the
// event loop that serves everyone; a valid update of a megabyte takes tens of milliseconds, and one
// account sending them back to back on a few sockets held every other user's messages behind them. A
// user's socket whose frames have used up the budget is paused (nothing more is read from it, so TCP
// slows the sender down) until the budget has refilled; nothing is refused or lost. Honest use is far
// below it: a chat message takes about 50 µs.

/** CPU a user's frames may take per second, ms (a tenth of a core). */
export const CPU_PER_SECOND_MS = 100
/** What they may take at once: so many seconds' worth. */
const BURST_SECONDS = 2.5
/** Users remembered before those whose budget is full again are let go. */
const USERS_MAX = 10_000

export class CpuBudget {
  private users = new Map<string, { left: number; at: number }>()

  constructor(
    private perSecondMs = CPU_PER_SECOND_MS,
    private burstMs = perSecondMs * BURST_SECONDS,
  ) {}

  /** Charges `ms` to `userId`; returns how long their socket should rest before it reads again, ms (0: not at all). */
  charge(userId: string, ms: number, now = performance.now()): number {
    let u = this.users.get(userId)
    if (!u) {
      if (this.users.size >= USERS_MAX) this.forgetFull(now)
      this.users.set(userId, (u = { left: this.burstMs, at: now }))
    }
    u.left = Math.min(this.burstMs, u.left + ((now - u.at) * this.perSecondMs) / 1000) - ms
    u.at = now
    return u.left >= 0 ? 0 : (-u.left * 1000) / this.perSecondMs
  }

  private forgetFull(now: number): void {
    for (const [id, u] of this.users) if (u.left + ((now - u.at) * this.perSecondMs) / 1000 >= this.burstMs) this.users.delete(id)
  }
}
