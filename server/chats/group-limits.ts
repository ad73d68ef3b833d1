// How many groups one account may make, and how many people it may put into groups, per hour. A group
// needs nobody's consent to join (KakaoTalk's way: a friend adds you, you leave if you like), so without
// a bound one account put a person into 20,000 groups in 20 s, and back into one as fast as they left it:
// their chat list, and the inbox every device of theirs syncs first, grew without end. Counted in the
// database (http/budget.ts), so N nodes give no more.
import type { ErrorCode } from '../../protocol/api.ts'
import type { Db } from '../db/db.ts'
import { takeBudget } from '../http/budget.ts'
import { HttpError } from '../http/errors.ts'

const HOUR = 3_600_000

export interface GroupLimits {
  /** groups one account makes per hour (SORI_GROUPS_PER_HOUR; 0: no limit) */
  groupsPerHour: number
  /** people one account adds to groups per hour, at making them or later (SORI_GROUP_ADDS_PER_HOUR; 0: no limit) */
  addsPerHour: number
}

/** Far above what a person does (a group of 500 made at once is one group and 499 people). */
export const DEFAULT_GROUP_LIMITS: GroupLimits = { groupsPerHour: 50, addsPerHour: 1_000 }

const slowDown = (code: ErrorCode, what: string, s: number) =>
  new HttpError(429, code, `${what} Try again in ${s} seconds.`, { 'Retry-After': String(s) })

/** Takes one new group (when `group`) and `adds` people from `userId`'s hour; 429 with Retry-After when over. */
export async function takeGroupBudget(db: Db, limits: GroupLimits, userId: string, group: boolean, adds: number): Promise<void> {
  if (group && limits.groupsPerHour > 0) {
    const s = await takeBudget(db, `groups:${userId}`, 1, limits.groupsPerHour, HOUR)
    if (s) throw slowDown('too_many_new_groups', 'Too many new groups from this account.', s)
  }
  if (adds > 0 && limits.addsPerHour > 0) {
    const s = await takeBudget(db, `group-adds:${userId}`, adds, limits.addsPerHour, HOUR)
    if (s) throw slowDown('too_many_invitations', 'Too many people added to groups from this account.', s)
  }
}
