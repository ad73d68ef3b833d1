// Scheduled posts of a channel (POST/GET/DELETE /api/channels/:id/scheduled): a post its admin wrote now
// for the server to publish later, in the author's name, as if they had sent it at that time.
import type { ChannelPost } from './channels.ts'

/** A post as it is scheduled: everything but what publishing gives it (its time). */
export type ScheduledDraft = Omit<ChannelPost, 'id' | 'from' | 'ts'>

export type ScheduledState = 'pending' | 'sending' | 'sent' | 'failed'

export interface ScheduledPost {
  /** the post's id once published */
  id: string
  /** the admin who wrote it, and in whose name it is published */
  from: string
  /** when it is due, ms since epoch; published within a tick after */
  at: number
  post: ScheduledDraft
  state: ScheduledState
  /** why a failed post was not published (its author is no longer an admin, the channel is disabled) */
  reason?: string
}

/** The earliest and latest a post may be scheduled, from now. */
export const SCHEDULE_MIN_AHEAD_MS = 1_000
export const SCHEDULE_MAX_AHEAD_MS = 90 * 24 * 3_600_000
/** posts waiting per channel, all admins together */
export const MAX_SCHEDULED_PER_CHANNEL = 100
