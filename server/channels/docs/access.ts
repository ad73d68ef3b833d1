// Who may open a channel's documents: anyone signed in, while the channel exists and is not disabled.
// Channels are public, and opening one writes nothing an admin could read: who reads stays unknown.
import type { Access } from '../../sync/kind.ts'
import type { ChannelDomain } from '../domain.ts'
import type { ChannelState } from '../state.ts'

/** Access to a document of `channelId` when `allowed` also holds; the channel stays cached until `release`. */
export async function channelAccess(
  channels: ChannelDomain,
  channelId: string,
  allowed: (c: ChannelState) => boolean = () => true,
): Promise<Access | null> {
  const c = await channels.states.acquire(channelId)
  if (!c) return null
  if (c.disabled || !allowed(c)) {
    channels.states.release(channelId)
    return null
  }
  return { release: () => channels.states.release(channelId) }
}
