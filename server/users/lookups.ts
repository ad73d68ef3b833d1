// Whether a Sori ID is taken tells who is on Sori. Every answer that says so (a lookup, a channel made with
// someone's ID, an admin added by ID) takes from one budget per account and hour, so that no route lists
// IDs for free (SORI_LOOKUPS_PER_HOUR).
import type { ApiContext } from '../api/context.ts'
import { takeBudget } from '../http/budget.ts'
import { HttpError } from '../http/errors.ts'

/** Takes one lookup from `userId`'s hour; 429 too_many_lookups with Retry-After when it is spent. */
export async function takeLookup(ctx: Pick<ApiContext, 'db' | 'lookupsPerHour'>, userId: string): Promise<void> {
  if (ctx.lookupsPerHour <= 0) return
  const s = await takeBudget(ctx.db, `lookup:${userId}`, 1, ctx.lookupsPerHour, 3_600_000)
  if (s)
    throw new HttpError(429, 'too_many_lookups', `Too many IDs looked up. Try again in ${Math.ceil(s / 60)} minutes.`, {
      'Retry-After': String(s),
    })
}
