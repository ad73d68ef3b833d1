// A channel's head `ch:<id>`: `meta` (handle, name, photo, verified, current page, running post count,
// latest post), written by the server only; nobody else writes anything into it. It holds no per-reader
// state: each device keeps how many posts it has seen, so reading tells the channel nothing.
import { CHANNEL_ROOTS, channelHeadDoc, parseChannelDoc } from '../../../protocol/channels.ts'
import type { DocKind, RootRule } from '../../sync/kind.ts'
import type { ChannelDomain } from '../domain.ts'
import type { HeadKey, HeadState } from '../head-writer.ts'
import { CHANNEL_HEAD_ROOTS } from './roots.ts'
import { channelAccess } from './access.ts'

const SERVER: RootRule = { type: 'server' }

export function channelHeadKind(channels: ChannelDomain): DocKind<HeadKey, HeadState> {
  return {
    name: 'channelHead',
    // an admin must not see who has the channel open (docs/protocol.md, "Awareness")
    ownAwareness: true,
    match(name) {
      const p = parseChannelDoc(name)
      return p?.kind === 'channelHead' ? { channelId: p.channelId } : null
    },
    roots: () => CHANNEL_HEAD_ROOTS,
    group: (key) => channelHeadDoc(key.channelId),
    access: (userId, key) => channelAccess(channels, key.channelId, userId),
    async open(key) {
      const channel = await channels.states.acquire(key.channelId)
      return channel ? { channel } : null
    },
    release: (key) => channels.states.release(key.channelId),
    // meta is reconciled with the relational data before any socket syncs
    loaded: (doc) => doc.enqueue(() => channels.heads.write(doc)),
    rules: () => ({ root: (name) => (name === CHANNEL_ROOTS.head.meta ? SERVER : undefined), readOnly: true }),
  }
}
