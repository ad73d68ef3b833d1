// The server's writes into channel heads `ch:<id>`: `meta` follows the channel (handle, name, photo,
// verified) and its posts (current page, running count, latest post). One head write per committed
// batch of posts, whatever the number of followers: they pull the head (docs/protocol.md, "Channels").
import { CHANNEL_ROOTS, channelHeadDoc, type ChannelHeadMeta } from '../../protocol/channels.ts'
import { PROFILE_PHOTO_VERSION_CHARS } from '../../protocol/limits.ts'
import type { SyncDoc } from '../sync/doc.ts'
import { writeMapKeys } from '../sync/map-keys.ts'
import type { SyncEngine } from '../sync/types.ts'
import type { ChannelState } from './state.ts'
import { logger } from '../log.ts'

const log = logger('channels')

export interface HeadKey {
  channelId: string
}
export interface HeadState {
  channel: ChannelState
}

export function headMeta(c: ChannelState): ChannelHeadMeta {
  return {
    handle: c.handle,
    name: c.name,
    // the version, as Channel.photo: the content's name stays on the server
    photo: c.photo ? c.photo.slice(0, PROFILE_PHOTO_VERSION_CHARS) : null,
    verified: c.verified,
    page: c.page,
    count: c.count,
    preview: c.lastPreview,
    ts: c.lastTs,
    kind: c.lastKind,
    targeted: c.targeted,
  }
}

export class HeadWriter {
  constructor(private engine: SyncEngine) {}

  /** Writes the `meta` keys that differ from the channel (inside a head doc job). */
  async write(doc: SyncDoc<HeadKey, HeadState>): Promise<void> {
    await writeMapKeys(this.engine, doc, doc.ydoc.getMap<unknown>(CHANNEL_ROOTS.head.meta), { ...headMeta(doc.state.channel) })
  }

  /** After posts committed or the channel changed: its head follows (loaded for this one write if it is not). */
  async writeFor(channelId: string): Promise<void> {
    try {
      await this.engine.docs.inJob(channelHeadDoc(channelId), (head) => this.write(head as SyncDoc<HeadKey, HeadState>))
    } catch (e) {
      log.error('writing channel head failed', e, { channel: channelId })
    }
  }
}
