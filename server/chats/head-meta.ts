// The server's writes into head docs: `meta` follows the conversation (kind, title, members, the names of
// members and former members, current page, the first page of members who joined late). Their read
// position in `reads` stays theirs to write: the server counts theirs from their first page
// (members.read_pos starts there).
import { headDoc, ROOTS } from '../../protocol/docs.ts'
import type { SyncDoc } from '../sync/doc.ts'
import { writeMapKeys } from '../sync/map-keys.ts'
import type { ConvState } from './convs.ts'
import type { ChatDomain } from './domain.ts'
import type { HeadKey, HeadState } from './docs/head.ts'
import { logger } from '../log.ts'

const log = logger('chats')

/**
 * Everyone who is or was in the chat, id → current display name: whoever wrote a message keeps their
 * name on it after they leave. Nobody else is listed, and members could see all these names already.
 */
export function metaNames(conv: ConvState): Record<string, string> {
  const out: Record<string, string> = {}
  for (const id of [...new Set([...conv.members.keys(), ...conv.former.keys()])].sort())
    out[id] = conv.members.get(id)?.name ?? conv.former.get(id) ?? ''
  return out
}

/** Members who joined after the chat had messages: id → the first page they may open (docs/page.ts). */
export function memberSince(conv: ConvState): Record<string, number> {
  const out: Record<string, number> = {}
  for (const id of [...conv.members.keys()].sort()) {
    const since = conv.members.get(id)?.since ?? 0
    if (since > 0) out[id] = since
  }
  return out
}

export class HeadMeta {
  constructor(private chats: ChatDomain) {}

  /** Writes the head doc's `meta` keys that differ from the conversation (inside a head doc job). */
  async write(doc: SyncDoc<HeadKey, HeadState>): Promise<void> {
    const conv = doc.state.conv
    const meta = doc.ydoc.getMap<unknown>(ROOTS.head.meta)
    const want: Record<string, unknown> = {
      kind: conv.kind,
      title: conv.channel?.name ?? conv.title,
      members: [...conv.members.keys()].sort(),
      names: metaNames(conv),
      page: conv.page,
      since: memberSince(conv),
    }
    await writeMapKeys(this.chats.engine, doc, meta, want)
  }

  /** After a page roll-over or a rename: the head doc's `meta` follows the conversation. */
  async writeFor(convId: string): Promise<void> {
    try {
      await this.chats.engine.docs.inJob(headDoc(convId), (head) => this.write(head as SyncDoc<HeadKey, HeadState>))
    } catch (e) {
      log.error('writing head meta failed', e, { conv: convId })
    }
  }
}
