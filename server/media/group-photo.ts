// Group photos (docs/protocol.md, "Group photos"): made and kept as profile photos are (profile-photo.ts),
// named by convs.photo. Any member of a group may set or remove it, as any member may rename it; only
// members may fetch it. A change is carried into every member's inbox entry (chatChanged), and the
// group's timeline says who changed or removed it, as it says who renamed it.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Chat } from '../../protocol/api.ts'
import { ENTITY_ID_RE } from '../../protocol/limits.ts'
import { chatChanged, type ApiContext } from '../api/context.ts'
import { memberOf } from '../chats/member-of.ts'
import { usableInvite } from '../chats/invites.ts'
import { loadChat } from '../chats/store.ts'
import { writeSystemLines } from '../chats/system-lines.ts'
import type { Queryable } from '../db/db.ts'
import { badRequest, notFound } from '../http/errors.ts'
import { sendPhoto, storePhoto } from './profile-photo.ts'
import type { Media } from './uploads.ts'

/** The group, which `userId` must be a member of (memberOf's 404 and 403); 400 for a direct chat. */
async function groupOf(q: Queryable, userId: string, convId: string) {
  const conv = await memberOf(q, userId, convId)
  if (conv.kind !== 'group') throw badRequest('Only group chats have a photo.')
  return conv
}

/** Names `hash` ('' for none) as the group's photo, if the caller is still a member; tells the members. */
async function setGroupPhoto(ctx: ApiContext, userId: string, convId: string, hash: string): Promise<Chat> {
  const page = await ctx.db.tx(async (q) => {
    // checked again: the caller may have left while the photo was being received
    const conv = await groupOf(q, userId, convId)
    if (conv.photo === hash) return null
    await q.run('UPDATE convs SET photo = ? WHERE id = ?', [hash, convId])
    return Number(conv.page)
  })
  if (page !== null) {
    await chatChanged(ctx, convId)
    await writeSystemLines(ctx.sync, convId, page, [{ event: hash ? 'photoChanged' : 'photoRemoved', actor: userId }])
  }
  const chat = await loadChat(ctx.db, userId, convId)
  if (!chat) throw notFound('No such chat.')
  return chat
}

/** PUT /api/chats/:id/photo: the body is the image. */
export async function putGroupPhoto(
  ctx: ApiContext,
  m: Media,
  userId: string,
  convId: string,
  req: IncomingMessage,
): Promise<Chat> {
  // before the body is read: who may not set it costs no decode and no upload
  await groupOf(ctx.db, userId, convId)
  return setGroupPhoto(ctx, userId, convId, await storePhoto(m, userId, req))
}

/** DELETE /api/chats/:id/photo: the old content is left to the collector's sweep. */
export function deleteGroupPhoto(ctx: ApiContext, userId: string, convId: string): Promise<Chat> {
  return setGroupPhoto(ctx, userId, convId, '')
}

/**
 * GET /api/chats/:id/photo, for the group's current members only; anyone else learns nothing, not even
 * whether the chat exists (404). Cached as a profile photo is (sendPhoto).
 */
export async function sendGroupPhoto(
  m: Media,
  req: IncomingMessage,
  res: ServerResponse,
  userId: string,
  convId: string,
  blobHeaders: Readonly<Record<string, string>>,
  version: string | null,
): Promise<void> {
  const row = ENTITY_ID_RE.test(convId)
    ? await m.db.get<{ photo: string }>(
        `SELECT c.photo FROM convs c JOIN members m ON m.conv_id = c.id AND m.user_id = ? WHERE c.id = ? AND c.kind = 'group'`,
        [userId, convId],
      )
    : undefined
  await sendPhoto(m, req, res, row?.photo || undefined, blobHeaders, version)
}

/**
 * GET /api/invites/:token/photo: the group's photo for whoever holds a usable invite link to it (the
 * preview shows it before they join); anyone else gets the invite's own error.
 */
export async function sendInvitePhoto(
  m: Media,
  req: IncomingMessage,
  res: ServerResponse,
  userId: string,
  token: string,
  blobHeaders: Readonly<Record<string, string>>,
  version: string | null,
): Promise<void> {
  const invite = await usableInvite(m.db, userId, token)
  const row =
    invite.kind === 'group'
      ? await m.db.get<{ photo: string }>(`SELECT photo FROM convs WHERE id = ? AND kind = 'group'`, [invite.target])
      : undefined
  await sendPhoto(m, req, res, row?.photo || undefined, blobHeaders, version)
}
