// Publishing scheduled posts when they are due. Every tick, each process looks for due rows of
// `channel_scheduled` and claims each with a conditional UPDATE (pending → sending), so that with several
// processes on one database a post is taken by one of them. The claim's owner appends the post
// (publish.ts); the commit that stores it marks the row sent. A claim that never reached a commit (its
// process died, storage failed) is due again after STALE_CLAIM_MS, and its post's fixed id is looked for
// in the page before it is appended again.
import type { ScheduledDraft, ScheduledPost, ScheduledState } from '../../protocol/scheduled.ts'
import type { ChannelPost } from '../../protocol/channels.ts'
import { logger } from '../log.ts'
import type { ChannelDomain } from './domain.ts'
import { publishAtOwner } from './publish.ts'
import { Ticker } from '../jobs/ticker.ts'

const log = logger('channels')

/** how long a claim may go without its commit before another tick takes the post again */
export const STALE_CLAIM_MS = 5 * 60_000
/** due posts one tick takes, at most */
const TICK_BATCH = 50

export interface ScheduledRow {
  id: string
  channel_id: string
  author: string
  post: string
  at: number
  state: string
  reason: string
}

export function toScheduled(r: ScheduledRow): ScheduledPost {
  const s: ScheduledPost = {
    id: r.id,
    from: r.author,
    at: Number(r.at),
    post: JSON.parse(r.post) as ScheduledDraft,
    state: r.state as ScheduledState,
  }
  if (r.reason) s.reason = r.reason
  return s
}

/** Publishes the scheduled posts that are due, a tick at a time (start, stop, tick: Ticker). */
export class Scheduler extends Ticker {
  constructor(
    private channels: ChannelDomain,
    tickMs: number,
  ) {
    super(tickMs)
  }

  protected async run(now: number): Promise<void> {
    const { db } = this.channels
    try {
      await db.run("UPDATE channel_scheduled SET state = 'pending' WHERE state = 'sending' AND claimed < ?", [
        now - STALE_CLAIM_MS,
      ])
      const due = await db.all<ScheduledRow>(
        `SELECT id, channel_id, author, post, at, state, reason FROM channel_scheduled
         WHERE state = 'pending' AND at <= ? ORDER BY at LIMIT ${TICK_BATCH}`,
        [now],
      )
      for (const row of due) {
        if (this.channels.engine.closing || this.stopped) return
        const claim = await db.run(
          "UPDATE channel_scheduled SET state = 'sending', claimed = ? WHERE id = ? AND state = 'pending'",
          [Date.now(), row.id],
        )
        if (claim.changes !== 1) continue
        const post = { ...(JSON.parse(row.post) as ScheduledDraft), id: row.id, from: row.author, ts: Date.now() } as ChannelPost
        const outcome = await publishAtOwner(this.channels, row.channel_id, post)
        // published: its commit marks it sent
        if (outcome === 'published') continue
        if (outcome === 'exists') await db.run("UPDATE channel_scheduled SET state = 'sent' WHERE id = ?", [row.id])
        else if (outcome === 'later')
          await db.run("UPDATE channel_scheduled SET state = 'pending' WHERE id = ? AND state = 'sending'", [row.id])
        else await db.run("UPDATE channel_scheduled SET state = 'failed', reason = ? WHERE id = ?", [outcome.failed, row.id])
      }
    } catch (e) {
      log.error('publishing scheduled posts failed', e)
    }
  }
}
