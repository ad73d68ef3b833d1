// Who may open a channel's documents: anyone signed in, while the channel exists and is not disabled.
// Channels are public, and opening one writes nothing an admin could read: who reads stays unknown. A
// customer group's feed is not: only the channel's admins, and the group's people while they follow the
// channel (groups.ts).
import type { Access } from '../../sync/kind.ts'
import type { ChannelDomain } from '../domain.ts'
import type { ChannelState } from '../state.ts'
import { readsGroup } from '../group-members.ts'

/** Access to a document of feed `id` when `allowed` also holds; the feed stays cached until `release`. */
export async function channelAccess(
  channels: ChannelDomain,
  id: string,
  userId: string,
  allowed: (c: ChannelState) => boolean = () => true,
): Promise<Access | null> {
  const c = await channels.states.acquire(id)
  if (!c) return null
  let ok = !c.disabled && allowed(c)
  if (ok && c.group) ok = await readsGroup(channels.db, c, userId).catch(() => false)
  if (!ok) {
    channels.states.release(id)
    return null
  }
  return { release: () => channels.states.release(id) }
}
