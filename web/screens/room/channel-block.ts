// Whether I blocked the channel my chat with it is with: the server then takes no message of mine in it
// (docs/protocol.md, "Chats with a channel"), so the room says so instead of offering the composer.
import { useEffect, useState } from 'preact/hooks'
import type { Channel } from '../../../protocol/channels.ts'
import { api } from '../../account/api.ts'

export function useChannelBlocked(channelId: string | null): boolean {
  const [blocked, setBlocked] = useState(false)
  useEffect(() => {
    setBlocked(false)
    if (!channelId) return
    let live = true
    // offline or gone: the composer stays, and the server answers a write it would refuse
    api<Channel>('GET', `/api/channels/${encodeURIComponent(channelId)}`).then(
      (c) => live && setBlocked(c.blocked),
      () => {},
    )
    return () => {
      live = false
    }
  }, [channelId])
  return blocked
}
