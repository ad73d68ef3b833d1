// The CPU budget of one user's frames (server/sync/cpu-budget.ts): a burst, then a steady rate; a user
// past it rests until the budget has refilled, and nobody else is charged for it.
import { describe, expect, it } from 'vitest'
import { CpuBudget } from '../../server/sync/cpu-budget.ts'

describe('CpuBudget', () => {
  it('lets a burst through, then asks the socket to rest as long as the overdraft takes to refill', () => {
    const b = new CpuBudget(100, 250)
    expect(b.charge('ann', 200, 0)).toBe(0)
    expect(b.charge('ann', 50, 0)).toBe(0)
    // 10 ms over: at 100 ms per second that is 100 ms of rest
    expect(b.charge('ann', 10, 0)).toBeCloseTo(100)
    // someone else has a budget of their own
    expect(b.charge('bob', 250, 0)).toBe(0)
    // after the rest the overdraft is paid back, and a second later there is 100 ms again
    expect(b.charge('ann', 0, 100)).toBeCloseTo(0)
    expect(b.charge('ann', 100, 1_100)).toBe(0)
    expect(b.charge('ann', 1, 1_100)).toBeGreaterThan(0)
  })

  it('refills no further than the burst, however long a user was quiet', () => {
    const b = new CpuBudget(100, 250)
    expect(b.charge('ann', 250, 0)).toBe(0)
    expect(b.charge('ann', 250, 3_600_000)).toBe(0)
    expect(b.charge('ann', 1, 3_600_000)).toBeCloseTo(10)
  })
})
