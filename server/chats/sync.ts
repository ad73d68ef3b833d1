// The chat domain on the sync engine: its three document kinds (inbox, chat head, chat page), what
// their commits change (effects.ts), and chatChanged for the JSON API.
import type { Db } from '../db/db.ts'
import { inboxDoc, pageDoc, ROOTS } from '../../protocol/docs.ts'
import { envInt } from '../config.ts'
import { PAGE_MAX_TEXT_CHARS, PAGE_ROLL_TEXT_CHARS } from '../../protocol/limits.ts'
import type { SyncEngine } from '../sync/types.ts'
import { Convs, type ConvState } from './convs.ts'
import type { ChatDomain, ChatOptions } from './domain.ts'
import { ChatEffects, type CommittedListener } from './effects.ts'
import { InboxWriter } from './inbox-writer.ts'
import { HeadMeta } from './head-meta.ts'
import { chatChanged } from './chat-changed.ts'
import { channelChanged, channelChatsChanged } from './channel-changed.ts'
import { blockChanged } from './hidden.ts'
import { userRenamed } from './user-renamed.ts'
import { inboxEmptied } from './account-deleted.ts'
import { returnOnMessage } from './direct-return.ts'
import { registerSystemLines } from './system-lines.ts'
import { inboxKind, type InboxKey } from './docs/inbox.ts'
import type { SyncDoc } from '../sync/doc.ts'
import { headKind } from './docs/head.ts'
import { pageKind } from './docs/page.ts'
import { MIRROR_MS } from './mirror.ts'
import { BlobFacts } from '../media/facts.ts'

/** The sync server with the chat domain on it: what the JSON API talks to. */
export interface ChatSync extends SyncEngine {
  /**
   * A conversation's relational state changed (created, members invited/left/removed, renamed, a block
   * between the two members of a direct chat). Re-reads it from the database, writes the head doc's
   * `meta` and every member's inbox entry, and closes the sockets of users who lost access (4403).
   */
  chatChanged(convId: string): Promise<void>
  /** A channel's relational state changed: its chats with users follow (channel-changed.ts). */
  channelChanged(channelId: string): Promise<void>
  /**
   * `viewer` blocked or unblocked `author` (after the relational commit), the other member of direct chat
   * `convId`: from now on, or no longer, the author's messages there are hidden from the viewer (hidden.ts).
   */
  blockChanged(convId: string, viewer: string, author: string): Promise<void>
  /**
   * A user's display name changed (after the relational commit): the chats they are or were in show the
   * new name (head `meta.names`, the inbox entries of their direct chats).
   */
  userRenamed(userId: string): Promise<void>
  /**
   * An account was deleted and has left every chat (after the relational commit and chatChanged): its
   * chats show it as deleted, and its inbox doc is emptied of entries and settings.
   */
  accountDeleted(userId: string): Promise<void>
  /**
   * How many messages a page holds beyond what conv_pages may say yet: its loaded document's length, or
   * the committed length the mirror has not written (0 when neither knows more than the tables).
   */
  unmirroredLength(convId: string, page: number): number
  /** A conversation's state while any of its documents is loaded (undefined otherwise). */
  cachedConv(convId: string): ConvState | undefined
  /** Adds a listener told of every committed batch of the chats (effects.ts, CommittedListener). */
  onCommitted(fn: CommittedListener): void
}

/**
 * Registers the chat document kinds and their commit effects on `engine` (before it serves anything).
 * `blobs`: the blob facts media messages are checked against, shared with the media collector.
 */
export function attachChats(
  engine: SyncEngine,
  db: Db,
  options: Partial<ChatOptions> = {},
  blobs: BlobFacts = new BlobFacts(db),
): ChatSync {
  const opts: ChatOptions = {
    inboxDelayMs: 100,
    mirrorMs: envInt('SORI_MIRROR_MS', MIRROR_MS),
    mirrorMark: true,
    ...options,
  }
  const pageText = {
    roll: envInt('SORI_PAGE_ROLL_TEXT_CHARS', PAGE_ROLL_TEXT_CHARS),
    max: envInt('SORI_PAGE_MAX_TEXT_CHARS', PAGE_MAX_TEXT_CHARS),
  }
  const chats = { engine, db, convs: new Convs(db), blobs, pageText } as ChatDomain // the writers need the domain themselves
  chats.inbox = new InboxWriter(chats, opts.inboxDelayMs)
  chats.meta = new HeadMeta(chats)
  const effects = new ChatEffects(chats, opts.mirrorMs, opts.mirrorMark)
  engine.participate(effects)
  effects.listeners.push(returnOnMessage(chats))
  engine.register(inboxKind(chats))
  engine.register(headKind(chats, effects))
  engine.register(pageKind(chats, effects))
  engine.onClose(() => chats.inbox.flush())
  // what the JSON API asks of the chats runs where their home is owned (one node: here; sync/homes.ts)
  const homes = engine.homes
  homes.handle('chat.changed', ([convId]) => chatChanged(chats, convId))
  homes.handle('chat.block', ([convId, viewer, author]) => blockChanged(chats, effects, convId, viewer, author))
  homes.handle('inbox.entries', ([userId, entries]) => chats.inbox.received(userId, entries))
  homes.handle('inbox.emptied', ([userId]) => inboxEmptied(chats, userId))
  registerSystemLines(engine)
  // a rename reaches the cached chats and loaded heads of every node; a channel's change, its cached chats
  homes.handleAll('user.renamed', ([userId]) => userRenamed(chats, userId))
  homes.handleAll('channel.changed', ([channelId]) => channelChatsChanged(chats, channelId))
  // inbox entries sent while Redis was away are lost: this node's loaded inboxes read the tables again
  homes.onReconnect(() => {
    for (const d of engine.docs.all()) if (d.kind.name === 'inbox') d.enqueue(() => chats.inbox.reconcile(d as SyncDoc<InboxKey>))
  })
  return Object.assign(engine, {
    chatChanged: async (convId: string) => {
      if (!engine.closing) await homes.run(convId, 'chat.changed', [convId])
    },
    channelChanged: async (channelId: string) => {
      if (engine.closing) return
      await homes.broadcast('channel.changed', [channelId])
      await channelChanged(chats, channelId)
    },
    blockChanged: async (convId: string, viewer: string, author: string) => {
      if (!engine.closing) await homes.run(convId, 'chat.block', [convId, viewer, author])
    },
    userRenamed: async (userId: string) => {
      if (!engine.closing) await homes.broadcast('user.renamed', [userId])
    },
    unmirroredLength: (convId: string, page: number) => {
      const loaded = engine.docs.get(pageDoc(convId, page))
      return Math.max(loaded ? loaded.ydoc.getArray(ROOTS.page.msgs).length : 0, effects.unmirroredLength(convId, page))
    },
    accountDeleted: async (userId: string) => {
      if (engine.closing) return
      await homes.broadcast('user.renamed', [userId])
      await homes.run(inboxDoc(userId), 'inbox.emptied', [userId])
    },
    cachedConv: (convId: string) => chats.convs.cached(convId),
    onCommitted: (fn: CommittedListener) => {
      effects.listeners.push(fn)
    },
  })
}
