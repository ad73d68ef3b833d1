// Whether a Sori ID is taken tells who is on Sori. Every answer that says so (a lookup, a channel made with
// someone's ID, an admin added by ID) takes from one budget per account and hour, so that no route lists
// IDs for free (SORI_LOOKUPS_PER_HOUR).
import type { ApiContext } from '../api/context.ts'
import { takeHourly } from '../http/budget.ts'

/** Takes one lookup from `userId`'s hour; 429 too_many_lookups with Retry-After when it is spent. */
export const takeLookup = (ctx: Pick<ApiContext, 'db' | 'lookupsPerHour'>, userId: string): Promise<void> =>
  takeHourly(ctx.db, `lookup:${userId}`, ctx.lookupsPerHour, 'too_many_lookups', 'Too many IDs looked up.')
