// A chat's head `c:<conv>`: `meta` (kind, title, members, current page), written by the server from the
// relational tables, and `reads`, each member's read position, written by that member only and never
// falling. A committed read position moves the member's unread count (effects.ts); in a channel chat an
// admin's moves the read position the channel's admins share (convs.channel_read).
import * as Y from 'yjs'
import { parseDocName, ROOTS } from '../../../protocol/docs.ts'
import { PAGE_STRIDE } from '../../../protocol/limits.ts'
import { READ_OUT_OF_RANGE, READ_WOULD_FALL } from '../../../protocol/wire.ts'
import type { DocKind, RootRule, UpdateRules } from '../../sync/kind.ts'
import { SERVER_GUID } from '../../sync/doc.ts'
import type { Batch } from '../../sync/commit.ts'
import type { ConvState } from '../convs.ts'
import type { ChatDomain } from '../domain.ts'
import { HEAD_ROOTS } from './roots.ts'
import { chatAccess } from './access.ts'
import { chatBatch, type ChatEffects } from '../effects.ts'

export interface HeadKey {
  convId: string
}
export interface HeadState {
  conv: ConvState
}

const SERVER: RootRule = { type: 'server' }

/** The grammar of one update to a head; `readPos` is the highest new read position it writes. */
export class HeadGrammar implements UpdateRules {
  readPos: number | null = null
  private readonly positions: RootRule

  constructor(userId: string, doc: Y.Doc, conv: ConvState | null) {
    this.positions = {
      type: 'map',
      // a read position never falls, so it goes only by being overwritten
      delete: 'overwrite',
      entry: (key, values, fresh) => {
        if (key !== userId) return 'read position of another user'
        // successive values of one item are successive overwrites: each at least the one before
        let floor = (doc.getMap(ROOTS.head.reads).get(userId) as number | undefined) ?? 0
        const max = ((conv?.page ?? 0) + 1) * PAGE_STRIDE
        for (const value of values) {
          if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < floor || value > max) {
            return READ_OUT_OF_RANGE
          }
          floor = value
        }
        if (values.length > 0 && fresh) this.readPos = Math.max(this.readPos ?? 0, floor)
        return null
      },
    }
  }

  root(name: string): RootRule | undefined {
    if (name === ROOTS.head.reads) return this.positions
    if (name === ROOTS.head.meta) return SERVER
    return undefined
  }

  effects(doc: Y.Doc, update: Uint8Array): string | null {
    return checkHeadEffects(doc, update)
  }
}

/**
 * Head docs are small, so their accepted updates are also checked by effect: applied to a scratch copy,
 * no one's read position may vanish or fall and `meta` may not change. The grammar alone cannot see two
 * of a user's clientIDs in one update racing a live and an already-deleted entry for one key, which Yjs
 * resolves by clientID order, possibly in favour of the deleted one.
 */
export function checkHeadEffects(doc: Y.Doc, update: Uint8Array): string | null {
  const scratch = new Y.Doc({ guid: SERVER_GUID })
  Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc))
  Y.applyUpdate(scratch, update)
  if (scratch.store.pendingStructs || scratch.store.pendingDs) return 'update leaves a gap'
  const before = doc.getMap<number>(ROOTS.head.reads)
  const after = scratch.getMap<number>(ROOTS.head.reads)
  for (const [user, pos] of before) {
    const now = after.get(user)
    if (now === undefined || now < pos) return READ_WOULD_FALL
  }
  if (JSON.stringify(scratch.getMap(ROOTS.head.meta).toJSON()) !== JSON.stringify(doc.getMap(ROOTS.head.meta).toJSON())) {
    return 'meta is written by the server only'
  }
  return null
}

function recordRead(effects: ChatEffects, conv: ConvState, userId: string, pos: number | null, batch: Batch): void {
  if (pos === null) return
  // the channel's admins share one read position: the furthest any of them read
  if (conv.channel && !conv.members.has(userId)) {
    if (!conv.channel.admins.has(userId) || pos <= conv.channel.read) return
    conv.channel.read = pos
    chatBatch(batch, effects).channelReads.set(conv.id, pos)
    return
  }
  const me = conv.members.get(userId)
  if (!me || pos <= me.readPos) return
  me.readPos = pos
  chatBatch(batch, effects).reads.set(`${conv.id}:${userId}`, { conv: conv.id, user: userId, pos })
}

export function headKind(chats: ChatDomain, effects: ChatEffects): DocKind<HeadKey, HeadState> {
  return {
    name: 'head',
    match(name) {
      const p = parseDocName(name)
      return p?.kind === 'head' ? { convId: p.convId } : null
    },
    roots: () => HEAD_ROOTS,
    group: (key) => key.convId,
    access: (userId, key) => chatAccess(chats, userId, key.convId),
    async open(key) {
      const conv = await chats.convs.acquire(key.convId)
      return conv ? { conv } : null
    },
    release: (key) => chats.convs.release(key.convId),
    // meta is reconciled with the relational data before any socket syncs
    loaded: (doc) => doc.enqueue(() => chats.meta.write(doc)),
    rules(doc, userId) {
      const g = new HeadGrammar(userId, doc.ydoc, doc.state.conv)
      return Object.assign(g, {
        // what the document holds now: a value Yjs placed before the one held (no origin, a lower clientID)
        // was overwritten as it landed, and the member's devices keep the older position
        applied: (batch: Batch) =>
          g.readPos !== null &&
          recordRead(effects, doc.state.conv, userId, doc.ydoc.getMap<number>(ROOTS.head.reads).get(userId) ?? null, batch),
      })
    },
  }
}
