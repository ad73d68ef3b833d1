// The server's writes into head docs: `meta` follows the conversation (kind, title, members, current page).
import { headDoc, ROOTS } from '../../protocol/docs.ts'
import type { SyncDoc } from '../sync/doc.ts'
import type { ChatDomain } from './domain.ts'
import type { HeadKey, HeadState } from './docs/head.ts'
import { logger } from '../log.ts'

const log = logger('chats')

const sameValue = (a: unknown, b: unknown): boolean =>
  Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b

export class HeadMeta {
  constructor(private chats: ChatDomain) {}

  /** Writes the head doc's `meta` keys that differ from the conversation (inside a head doc job). */
  async write(doc: SyncDoc<HeadKey, HeadState>): Promise<void> {
    const conv = doc.state.conv
    const meta = doc.ydoc.getMap(ROOTS.head.meta)
    const want: Record<string, unknown> = {
      kind: conv.kind,
      title: conv.title,
      members: [...conv.members.keys()].sort(),
      page: conv.page,
    }
    const diff = Object.entries(want).filter(([k, v]) => !sameValue(meta.get(k), v))
    if (diff.length)
      await this.chats.engine.write(doc, () => {
        for (const [k, v] of diff) meta.set(k, v)
      })
  }

  /** After a page roll-over: the head doc's `meta.page` follows the conversation's current page. */
  async writeFor(convId: string): Promise<void> {
    const docs = this.chats.engine.docs
    try {
      const head = (await docs.acquire(headDoc(convId))) as SyncDoc<HeadKey, HeadState> | null
      if (!head) return
      head.enqueue(async () => {
        try {
          await this.write(head)
        } finally {
          docs.release(head)
        }
      })
    } catch (e) {
      log.error('writing head meta failed', e, { conv: convId })
    }
  }
}
