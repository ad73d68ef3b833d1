// Channel photos (docs/protocol.md, "Channels (Plus Friends)"): made and kept as profile photos are
// (profile-photo.ts: storePhoto, sendPhoto), named by channels.photo. The channel's admins set or remove
// it; anyone signed in may fetch it while the channel is open, since channels are public. A change goes
// into the channel's head (`meta.photo`) as a rename does (ChannelSync.changed).
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Channel } from '../../protocol/channels.ts'
import { ENTITY_ID_RE } from '../../protocol/limits.ts'
import type { ApiContext } from '../api/context.ts'
import { noChannel, requireAdmin } from '../channels/access.ts'
import { channelSyncOf } from '../channels/sync.ts'
import { channelRow, toChannel } from '../channels/view.ts'
import { logger } from '../log.ts'
import { sendPhoto, storePhoto } from './profile-photo.ts'
import type { Media } from './uploads.ts'

const log = logger('media')

/** Names `hash` (null for none) as the channel's photo, if the caller is still its admin; its head follows. */
async function setChannelPhoto(ctx: ApiContext, userId: string, channelId: string, hash: string | null): Promise<Channel> {
  const changed = await ctx.db.tx(async (q) => {
    // checked again: the caller may have stopped being an admin while the photo was being received
    await requireAdmin(q, userId, channelId)
    const row = await q.get<{ photo: string | null }>('SELECT photo FROM channels WHERE id = ?', [channelId])
    if ((row?.photo || null) === hash) return false
    await q.run('UPDATE channels SET photo = ? WHERE id = ?', [hash, channelId])
    return true
  })
  if (changed)
    try {
      await channelSyncOf(ctx.sync)?.changed(channelId)
    } catch (e) {
      // the change stands: the head takes it with its next write
      log.error('showing a new channel photo in its head failed', e, { channel: channelId })
    }
  const row = await channelRow(ctx.db, userId, channelId)
  if (!row) throw noChannel()
  return toChannel(row)
}

/** PUT /api/channels/:id/photo: the body is the image. */
export async function putChannelPhoto(
  ctx: ApiContext,
  m: Media,
  userId: string,
  channelId: string,
  req: IncomingMessage,
): Promise<Channel> {
  // before the body is read: who may not set it costs no decode and no upload
  await requireAdmin(ctx.db, userId, channelId)
  return setChannelPhoto(ctx, userId, channelId, await storePhoto(m, userId, req))
}

/** DELETE /api/channels/:id/photo: the old content is left to the collector's sweep. */
export function deleteChannelPhoto(ctx: ApiContext, userId: string, channelId: string): Promise<Channel> {
  return setChannelPhoto(ctx, userId, channelId, null)
}

/** GET /api/channels/:id/photo, for anyone signed in while the channel is open; cached as a profile photo is. */
export async function sendChannelPhoto(
  m: Media,
  req: IncomingMessage,
  res: ServerResponse,
  channelId: string,
  blobHeaders: Readonly<Record<string, string>>,
  version: string | null,
): Promise<void> {
  const row = ENTITY_ID_RE.test(channelId)
    ? await m.db.get<{ photo: string | null }>('SELECT photo FROM channels WHERE id = ? AND disabled = 0', [channelId])
    : undefined
  await sendPhoto(m, req, res, row?.photo || undefined, blobHeaders, version)
}
