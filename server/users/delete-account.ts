// DELETE /api/me: an account is deleted at once and for good. What it wrote stays in its chats, shown as
// a deleted account's (its row stays with name '' so that messages keep an author); everything else of it
// goes: sessions, password, profile and photo, friends, invites, chat memberships and its inbox, the
// channels it followed or ran alone and the coupons it saved. Its
// handle stays taken for a grace period, so that nobody can pose as it to its friends right away, and is
// freed after.
import { requireCaller, chatChanged, type ApiContext } from '../api/context.ts'
import { confirmPassword } from '../auth/confirm-password.ts'
import { endSessionsIn } from '../auth/sessions.ts'
import type { Queryable } from '../db/db.ts'
import { asObject, str } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import { removeMember } from '../chats/store.ts'
import { writeSystemLines } from '../chats/system-lines.ts'
import { logger } from '../log.ts'
import { deleteUploadsOf } from '../media/collector.ts'

const log = logger('users')

/** How long a deleted account's handle stays taken (SORI_HANDLE_GRACE_DAYS, default 30). */
export const HANDLE_GRACE_DAYS = 30

interface Erased {
  sessions: string[]
  chats: { conv_id: string; kind: string; page: number }[]
  /** the channels it was an admin of: their chats with users lose it as one who answers */
  channels: string[]
}

/** The relational part, in one transaction. */
async function erase(q: Queryable, userId: string, now: number): Promise<Erased> {
  const sessions = await endSessionsIn(q, userId)
  // its photo's content goes with the collector's next sweep, unless something else names it
  await q.run("UPDATE users SET name = '', status = '', pass = '', photo = '', deleted = ? WHERE id = ?", [now, userId])
  await q.run('DELETE FROM photo_puts WHERE user_id = ?', [userId])
  // its own lists go; a block someone made of it stays, so nothing hidden from them comes back
  await q.run('DELETE FROM friends WHERE user_id = ?', [userId])
  await q.run("DELETE FROM friends WHERE friend_id = ? AND state <> 'blocked'", [userId])
  await q.run('DELETE FROM conv_hidden WHERE viewer_id = ?', [userId])
  await q.run('UPDATE invites SET revoked = ? WHERE creator = ? AND revoked = 0', [now, userId])
  // channels: what it followed, blocked and saved goes; a channel it ran alone goes dark (disabled), as
  // nobody is left to answer for it; one it ran with others stays theirs
  await q.run('DELETE FROM follows WHERE user_id = ?', [userId])
  await q.run('DELETE FROM channel_blocks WHERE user_id = ?', [userId])
  // and so does its place in brands' customer groups (the brands learn nothing of it)
  await q.run('DELETE FROM channel_group_members WHERE user_id = ?', [userId])
  await q.run('DELETE FROM coupon_saves WHERE user_id = ?', [userId])
  // its apps (Sori Link) go dark: nobody is left to answer for them, and their tickets and webhook calls with them
  await q.run('UPDATE apps SET disabled = 1 WHERE owner = ?', [userId])
  // posts it scheduled are not published in the name of a deleted account
  await q.run("DELETE FROM channel_scheduled WHERE author = ? AND state <> 'sent'", [userId])
  const ran = await q.all<{ channel_id: string }>('SELECT channel_id FROM channel_admins WHERE user_id = ?', [userId])
  await q.run('DELETE FROM channel_admins WHERE user_id = ?', [userId])
  for (const { channel_id } of ran)
    if (!(await q.get('SELECT 1 AS x FROM channel_admins WHERE channel_id = ? LIMIT 1', [channel_id])))
      await q.run('UPDATE channels SET disabled = 1 WHERE id = ?', [channel_id])
  const chats = await q.all<{ conv_id: string; kind: string; page: number }>(
    'SELECT m.conv_id, c.kind, c.page FROM members m JOIN convs c ON c.id = m.conv_id WHERE m.user_id = ?',
    [userId],
  )
  for (const c of chats) await removeMember(q, c.conv_id, userId)
  return { sessions, chats, channels: ran.map((r) => r.channel_id) }
}

export function deleteAccountRoute(r: Router, ctx: ApiContext): void {
  r.delete('/api/me', async (call) => {
    const me = await requireCaller(ctx, call)
    await confirmPassword(ctx.db, me.userId, str(asObject(await call.body()), 'password'))
    const done = await ctx.db.tx((q) => erase(q, me.userId, Date.now()))
    await deleteUploadsOf(ctx.db, me.userId)
    // the account is gone whatever happens below: failures are logged, not returned
    ctx.sync.sessionsRevoked(done.sessions)
    for (const c of done.chats) {
      await chatChanged(ctx, c.conv_id)
      if (c.kind === 'group') await writeSystemLines(ctx.sync, c.conv_id, Number(c.page), [{ event: 'left', actor: me.userId }])
    }
    for (const id of done.channels)
      try {
        await ctx.sync.channelChanged(id)
      } catch (e) {
        log.error('a channel of a deleted account did not follow', e, { channel: id })
      }
    try {
      await ctx.sync.accountDeleted(me.userId)
    } catch (e) {
      log.error('emptying a deleted account failed', e, { user: me.userId })
    }
    return { status: 204 }
  })
}

/**
 * Frees `handle` if a deleted account held it past the grace period: the old row keeps its id (its
 * messages' author) under a name no handle can take.
 */
export async function freeExpiredHandle(q: Queryable, handle: string, graceDays: number, now = Date.now()): Promise<void> {
  await q.run("UPDATE users SET handle = '~' || id WHERE handle = ? AND deleted > 0 AND deleted <= ?", [
    handle,
    now - graceDays * 86_400_000,
  ])
}
