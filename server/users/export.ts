// GET /api/me/export: what the server holds about the caller, as one JSON document. Of the chats'
// messages it holds the caller's own: the others' messages are theirs, and which of them the caller may
// read depends on joins and blocks that the export would have to replay.
import * as Y from 'yjs'
import type { DataExport, ExportedChat, ExportedMessage } from '../../protocol/api.ts'
import { pageDoc, ROOTS } from '../../protocol/docs.ts'
import type { ChatMessage, MessageEdit } from '../../protocol/messages.ts'
import type { ApiContext } from '../api/context.ts'
import type { SyncEngine } from '../sync/types.ts'
import { listDevices } from '../auth/devices.ts'
import { listChats } from '../chats/store.ts'
import { loadMe, profilesInState } from './profiles.ts'

/** The caller's own messages on one page, as they stand (edits applied, retracted ones without a body). */
function ownMessages(y: Y.Doc, userId: string): ExportedMessage[] {
  const msgs = y.getArray<ChatMessage>(ROOTS.page.msgs).toArray()
  const edits = y.getMap<MessageEdit>(ROOTS.page.edits)
  const out: ExportedMessage[] = []
  for (const m of msgs) {
    if (!m || m.from !== userId) continue
    const e = edits.get(m.id)
    const x: ExportedMessage = { id: m.id, ts: m.ts, body: m.body }
    if (m.replyTo) x.replyTo = m.replyTo
    if (m.media && !(e && 'retracted' in e)) x.media = m.media
    if (m.link && !(e && 'retracted' in e)) x.link = m.link
    if (e && 'retracted' in e) {
      x.body = ''
      x.retracted = true
    } else if (e) {
      x.body = e.body
      x.edited = true
    }
    out.push(x)
  }
  return out
}

/**
 * Through the sync engine, on the node that holds the chat (server/sync/homes.ts): it holds what is
 * committed (and what is still only in memory on SQLite's journal).
 */
async function pageMessages(ctx: ApiContext, convId: string, page: number, userId: string): Promise<ExportedMessage[]> {
  const v = await ctx.sync.homes.run(convId, EXPORT_PAGE, [convId, String(page), userId])
  return typeof v === 'string' ? (JSON.parse(v) as ExportedMessage[]) : []
}

const EXPORT_PAGE = 'export.own-messages'

/** What pageMessages asks the chat's node to do (registered once, when the API is made). */
export function registerExport(sync: SyncEngine): void {
  sync.homes.handle(EXPORT_PAGE, async ([convId, page, userId]) => {
    const doc = await sync.docs.acquire(pageDoc(convId, Number(page)))
    if (!doc) return '[]'
    try {
      return JSON.stringify(ownMessages(doc.ydoc, userId))
    } finally {
      sync.docs.release(doc)
    }
  })
}

export async function exportData(ctx: ApiContext, userId: string, sessionId: string): Promise<DataExport | null> {
  const { db } = ctx
  const me = await loadMe(db, userId)
  const row = await db.get<{ created: number }>('SELECT created FROM users WHERE id = ?', [userId])
  if (!me || !row) return null
  const chats: ExportedChat[] = []
  for (const c of await listChats(db, userId)) {
    const messages: ExportedMessage[] = []
    for (let p = 0; p <= c.page; p++) messages.push(...(await pageMessages(ctx, c.id, p, userId)))
    chats.push({ id: c.id, kind: c.kind, title: c.channel?.name ?? c.title, members: c.members, messages })
  }
  return {
    format: 'sori-export',
    version: 1,
    exported: Date.now(),
    profile: { ...me, created: Number(row.created) },
    friends: {
      friends: await profilesInState(db, userId, 'friend'),
      hidden: await profilesInState(db, userId, 'hidden'),
      blocked: await profilesInState(db, userId, 'blocked'),
    },
    devices: await listDevices(db, userId, sessionId),
    chats,
    channels: {
      following: (
        await db.all<{ id: string; handle: string; name: string; since: number }>(
          `SELECT c.id, c.handle, c.name, f.created AS since FROM follows f JOIN channels c ON c.id = f.channel_id
            WHERE f.user_id = ? ORDER BY f.created`,
          [userId],
        )
      ).map((r) => ({ ...r, since: Number(r.since) })),
      admin: await db.all<{ id: string; handle: string; name: string }>(
        'SELECT c.id, c.handle, c.name FROM channel_admins a JOIN channels c ON c.id = a.channel_id WHERE a.user_id = ? ORDER BY c.handle',
        [userId],
      ),
      couponsSaved: (
        await db.all<{ id: string; channelId: string; title: string; saved: number }>(
          `SELECT k.id, k.channel_id AS "channelId", k.title, s.created AS saved FROM coupon_saves s JOIN coupons k ON k.id = s.coupon_id
            WHERE s.user_id = ? ORDER BY s.created`,
          [userId],
        )
      ).map((r) => ({ ...r, saved: Number(r.saved) })),
    },
  }
}
