// Budgets per user and window (server/http/budget.ts) on real SQLite and Postgres: what fits is taken,
// what does not fit takes nothing and says how long to wait, a new window starts afresh, and requests
// through two connections at once (two nodes) never take more than the limit between them.
import { afterEach, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../../server/db/db.ts'
import { takeBudget } from '../../server/http/budget.ts'
import { backends, freshDatabaseUrl } from '../fixtures/databases.ts'

describe.each(backends())('budgets (%s)', (backend) => {
  const open: Db[] = []
  afterEach(async () => {
    for (const db of open.splice(0)) await db.close()
  })
  const connect = async (url: string) => {
    const db = await openDb(url)
    open.push(db)
    return db
  }

  it('takes what fits, refuses what does not without taking it, and starts again with the next window', async () => {
    const db = await connect(await freshDatabaseUrl(backend))
    const t0 = 1_800_000_000_000
    expect(await takeBudget(db, 'k:ann', 3, 5, 60_000, t0)).toBe(0)
    // 3 + 3 > 5: refused until the window's end, 50 s later
    expect(await takeBudget(db, 'k:ann', 3, 5, 60_000, t0 + 10_000)).toBe(50)
    // nothing was taken by the refusal: 2 more still fit, and then not 1
    expect(await takeBudget(db, 'k:ann', 2, 5, 60_000, t0 + 20_000)).toBe(0)
    expect(await takeBudget(db, 'k:ann', 1, 5, 60_000, t0 + 59_500)).toBe(1)
    // another key has its own budget
    expect(await takeBudget(db, 'k:bob', 5, 5, 60_000, t0 + 20_000)).toBe(0)
    // the next window holds the whole limit again
    expect(await takeBudget(db, 'k:ann', 5, 5, 60_000, t0 + 60_000)).toBe(0)
    expect(await takeBudget(db, 'k:ann', 1, 5, 60_000, t0 + 60_001)).toBe(60)
  })

  it('two nodes taking at once share one budget', async () => {
    const url = await freshDatabaseUrl(backend)
    const [one, two] = [await connect(url), await connect(url)]
    const now = Date.now()
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => takeBudget(i % 2 ? one : two, 'k:cat', 1, 25, 60_000, now)),
    )
    expect(answers.filter((w) => w === 0)).toHaveLength(25)
    expect(answers.filter((w) => w > 0 && w <= 60)).toHaveLength(15)
  })
})
