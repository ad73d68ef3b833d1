// A channel's scheduled posts, for its admins (docs/protocol.md, "Scheduled posts"): scheduling one,
// the list of those waiting (and failed), and withdrawing one. `scheduledOf` holds the list last fetched
// per channel, so that the composer's new post shows in the list at once.
import { signal } from '@preact/signals'
import type { ScheduledDraft, ScheduledPost } from '../../protocol/scheduled.ts'
import { api } from '../account/api.ts'

const enc = encodeURIComponent

/** channel id → its scheduled posts as last fetched, soonest first */
export const scheduledOf = signal<ReadonlyMap<string, ScheduledPost[]>>(new Map())

function put(channelId: string, list: ScheduledPost[]): ScheduledPost[] {
  const sorted = [...list].sort((a, b) => a.at - b.at)
  scheduledOf.value = new Map(scheduledOf.value).set(channelId, sorted)
  return sorted
}

export async function refreshScheduled(channelId: string): Promise<ScheduledPost[]> {
  return put(channelId, await api<ScheduledPost[]>('GET', `/api/channels/${enc(channelId)}/scheduled`))
}

export async function schedulePost(channelId: string, post: ScheduledDraft, at: number): Promise<ScheduledPost> {
  const made = await api<ScheduledPost>('POST', `/api/channels/${enc(channelId)}/scheduled`, { post, at })
  put(channelId, [...(scheduledOf.value.get(channelId) ?? []), made])
  return made
}

export async function withdrawScheduled(channelId: string, id: string): Promise<void> {
  await api<void>('DELETE', `/api/channels/${enc(channelId)}/scheduled/${enc(id)}`)
  put(
    channelId,
    (scheduledOf.value.get(channelId) ?? []).filter((s) => s.id !== id),
  )
}

/** The `value` of a datetime-local input for `ts`, in this device's time zone. */
export function localInput(ts: number): string {
  const d = new Date(ts)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
}
