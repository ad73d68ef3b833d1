// What every API handler can reach.
import type { GroupLimits } from '../chats/group-limits.ts'
import type { Db } from '../db/db.ts'
import { HttpError } from '../http/errors.ts'
import type { Call } from '../http/router.ts'
import type { Authenticate } from '../sync/types.ts'
import type { ChatSync } from '../chats/sync.ts'

export interface ApiContext {
  db: Db
  sync: ChatSync
  authenticate: Authenticate
  /** believe X-Forwarded-For (SORI_TRUST_PROXY=1) */
  trustProxy: boolean
  /** sign-ups per address per hour (SORI_SIGNUPS_PER_HOUR; 0: no limit) */
  signupsPerHour: number
  /** GET /api/users/:handle per account and hour (SORI_LOOKUPS_PER_HOUR; 0: no limit) */
  lookupsPerHour: number
  /** channels made per account and hour (SORI_CHANNELS_PER_HOUR; 0: no limit) */
  channelsPerHour: number
  /** groups made and people added to groups per account and hour (chats/group-limits.ts) */
  groupLimits: GroupLimits
  /** days a deleted account's handle stays taken (SORI_HANDLE_GRACE_DAYS) */
  handleGraceDays: number
  /** serve GET /api/metrics (SORI_METRICS=1) */
  metrics: boolean
}

export interface Caller {
  userId: string
  sessionId: string
}

/** The signed-in caller, from `Authorization: Bearer <token>`; 401 otherwise. */
export async function requireCaller(ctx: ApiContext, call: Call): Promise<Caller> {
  const header = call.req.headers.authorization ?? ''
  const m = /^Bearer\s+(\S+)$/i.exec(header)
  const who = m ? await ctx.authenticate(m[1]) : null
  if (!who)
    throw new HttpError(
      401,
      'unauthorized',
      m ? 'This session is signed out or unknown. Sign in again.' : 'Sign in first (Authorization: Bearer <token>).',
    )
  return who
}

/**
 * Tells the sync server a conversation changed, after the relational commit. The change has been made
 * whatever happens here, so a failure is logged rather than turned into an error for the caller.
 */
export async function chatChanged(ctx: ApiContext, convId: string): Promise<void> {
  try {
    await ctx.sync.chatChanged(convId)
  } catch (e) {
    console.error(`sync.chatChanged(${convId}) failed:`, e)
  }
}
