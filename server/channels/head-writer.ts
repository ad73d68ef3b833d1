// The server's writes into channel heads `ch:<id>`: `meta` follows the channel (handle, name, photo,
// verified) and its posts (current page, running count, latest post). One head write per committed
// batch of posts, whatever the number of followers: they pull the head (docs/protocol.md, "Channels").
import { CHANNEL_ROOTS, channelHeadDoc, type ChannelHeadMeta } from '../../protocol/channels.ts'
import type { SyncDoc } from '../sync/doc.ts'
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
    photo: c.photo,
    verified: c.verified,
    page: c.page,
    count: c.count,
    preview: c.lastPreview,
    ts: c.lastTs,
    kind: c.lastKind,
  }
}

export class HeadWriter {
  constructor(private engine: SyncEngine) {}

  /** Writes the `meta` keys that differ from the channel (inside a head doc job). */
  async write(doc: SyncDoc<HeadKey, HeadState>): Promise<void> {
    const meta = doc.ydoc.getMap(CHANNEL_ROOTS.head.meta)
    const diff = Object.entries(headMeta(doc.state.channel)).filter(([k, v]) => meta.get(k) !== v)
    if (diff.length)
      await this.engine.write(doc, () => {
        for (const [k, v] of diff) meta.set(k, v)
      })
  }

  /** After posts committed or the channel changed: its head follows (loaded for this one write if it is not). */
  async writeFor(channelId: string): Promise<void> {
    const docs = this.engine.docs
    try {
      const head = (await docs.acquire(channelHeadDoc(channelId))) as SyncDoc<HeadKey, HeadState> | null
      if (!head) return
      head.enqueue(async () => {
        try {
          await this.write(head)
        } finally {
          docs.release(head)
        }
      })
    } catch (e) {
      log.error('writing channel head failed', e, { channel: channelId })
    }
  }
}
