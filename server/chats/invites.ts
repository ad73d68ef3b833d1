// Invite links: POST/GET /api/invites, DELETE /api/invites/:token, GET /api/invites/:token,
// POST /api/invites/:token/accept. A link brings someone into a group (any member may make one, as any
// member may invite a friend) or adds its maker as a friend. Only whoever holds the token can use it.
import { randomBytes } from 'node:crypto'
import type { InviteAccepted, InviteKind, InviteLink, InvitePreview } from '../../protocol/api.ts'
import { ENTITY_ID_RE, MAX_GROUP_MEMBERS } from '../../protocol/limits.ts'
import { chatChanged, requireCaller, type ApiContext } from '../api/context.ts'
import type { Queryable } from '../db/db.ts'
import { HttpError, badRequest, forbidden, notFound } from '../http/errors.ts'
import { asObject } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import { hasBlocked } from '../users/blocks.ts'
import { profileById } from '../users/profiles.ts'
import { convRow, groupPhotoVersion, isMember, loadChat, memberCount } from './store.ts'
import { admitToGroup } from './admit.ts'
import { writeSystemLines } from './system-lines.ts'

const DAY = 24 * 60 * 60 * 1000
const DEFAULT_DAYS = 7
const MAX_DAYS = 30
/** links one person may make per hour: plenty for sharing, too few to mint tokens in bulk */
const PER_HOUR = 30
// 18 random bytes: 144 bits, 24 characters of base64url
const TOKEN_RE = /^[A-Za-z0-9_-]{24}$/

export interface InviteRow {
  token: string
  kind: InviteKind
  target: string
  creator: string
  expires: number
  revoked: number
}

const unknown = () => notFound('No such invite link.')
const expired = () => new HttpError(410, 'invite_expired', 'This invite link has expired.')
const revoked = () => new HttpError(410, 'invite_revoked', 'This invite link was turned off.')

const toLink = (r: InviteRow): InviteLink => ({
  token: r.token,
  kind: r.kind,
  target: r.target,
  expires: Number(r.expires),
})

/**
 * The link `userId` may use: unknown tokens and the friend or group link of someone who blocked them
 * look alike (a block gives nothing away); a group link dies with its maker's membership.
 */
export async function usableInvite(q: Queryable, userId: string, token: string): Promise<InviteRow> {
  const row = TOKEN_RE.test(token)
    ? await q.get<InviteRow>('SELECT token, kind, target, creator, expires, revoked FROM invites WHERE token = ?', [token])
    : undefined
  if (!row || (row.creator !== userId && (await hasBlocked(q, row.creator, userId)))) throw unknown()
  if (Number(row.revoked)) throw revoked()
  if (Number(row.expires) <= Date.now()) throw expired()
  if (row.kind === 'group' && !(await isMember(q, row.target, row.creator))) throw revoked()
  return row
}

export function inviteRoutes(r: Router, ctx: ApiContext): void {
  const { db } = ctx
  const usable = usableInvite

  r.post('/api/invites', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const b = asObject(await call.body())
    const kind = b.kind
    if (kind !== 'group' && kind !== 'friend') throw badRequest('kind is "group" or "friend".')
    const days = b.days === undefined ? DEFAULT_DAYS : b.days
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_DAYS)
      throw badRequest(`days is a whole number from 1 to ${MAX_DAYS}.`)
    let target = userId
    if (kind === 'group') {
      if (typeof b.convId !== 'string') throw badRequest('A group link needs "convId", the group.')
      const convId = b.convId
      const conv = ENTITY_ID_RE.test(convId) ? await convRow(db, convId) : undefined
      if (!conv) throw notFound('No such chat.')
      if (!(await isMember(db, convId, userId))) throw forbidden('You are not a member of this chat.')
      if (conv.kind !== 'group') throw badRequest('Only group chats take invite links.')
      target = convId
    }
    const now = Date.now()
    const recent = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM invites WHERE creator = ? AND created > ?', [
      userId,
      now - 60 * 60 * 1000,
    ])
    if (Number(recent?.n ?? 0) >= PER_HOUR)
      throw new HttpError(429, 'too_many_attempts', 'Too many invite links in an hour. Try again later.', {
        'Retry-After': '3600',
      })
    const row: InviteRow = {
      token: randomBytes(18).toString('base64url'),
      kind,
      target,
      creator: userId,
      expires: now + days * DAY,
      revoked: 0,
    }
    await db.run('INSERT INTO invites (token, kind, target, creator, created, expires) VALUES (?, ?, ?, ?, ?, ?)', [
      row.token,
      kind,
      target,
      userId,
      now,
      row.expires,
    ])
    return { status: 201, body: toLink(row) }
  })

  r.get('/api/invites', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const rows = await db.all<InviteRow>(
      `SELECT token, kind, target, creator, expires, revoked FROM invites
        WHERE creator = ? AND revoked = 0 AND expires > ? ORDER BY created DESC, token`,
      [userId, Date.now()],
    )
    return { status: 200, body: rows.map(toLink) }
  })

  r.delete('/api/invites/:token', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const token = call.params.token
    const row = TOKEN_RE.test(token)
      ? await db.get<{ creator: string }>('SELECT creator FROM invites WHERE token = ?', [token])
      : undefined
    if (!row || row.creator !== userId) throw unknown()
    await db.run('UPDATE invites SET revoked = ? WHERE token = ? AND revoked = 0', [Date.now(), token])
    return { status: 204 }
  })

  r.get('/api/invites/:token', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const row = await usable(db, userId, call.params.token)
    const from = await profileById(db, userId, row.creator)
    if (!from) throw unknown()
    const body: InvitePreview = { kind: row.kind, expires: Number(row.expires), from, done: false }
    if (row.kind === 'group') {
      const conv = await convRow(db, row.target)
      if (!conv) throw unknown()
      body.group = { id: conv.id, title: conv.title, members: await memberCount(db, conv.id) }
      const photo = groupPhotoVersion(conv.kind, conv.photo)
      if (photo) body.group.photo = photo
      body.done = await isMember(db, conv.id, userId)
      // said before Join is tapped, which would only be refused
      if (
        !body.done &&
        (await db.get('SELECT 1 AS x FROM former_members WHERE conv_id = ? AND user_id = ? AND removed = 1', [conv.id, userId]))
      )
        body.removed = true
    } else {
      body.done =
        row.creator === userId ||
        !!(await db.get("SELECT 1 AS x FROM friends WHERE user_id = ? AND friend_id = ? AND state = 'friend'", [
          userId,
          row.creator,
        ]))
    }
    return { status: 200, body }
  })

  r.post('/api/invites/:token/accept', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const token = call.params.token
    const row = await usable(db, userId, token)
    if (row.kind === 'friend') {
      if (row.creator === userId) throw badRequest('That is your own link.')
      // a friend already, or hidden: added; someone the caller blocked stays blocked until they unblock
      await db.run(
        `INSERT INTO friends (user_id, friend_id, state, created) VALUES (?, ?, 'friend', ?)
          ON CONFLICT (user_id, friend_id) DO UPDATE SET state = CASE WHEN friends.state = 'blocked' THEN 'blocked' ELSE 'friend' END`,
        [userId, row.creator, Date.now()],
      )
      const user = await profileById(db, userId, row.creator)
      if (!user) throw unknown()
      const body: InviteAccepted = { kind: 'friend', user }
      return { status: 200, body }
    }
    const convId = row.target
    const added = await db.tx(async (q) => {
      // checked again inside the transaction: the link may have been turned off meanwhile
      await usable(q, userId, token)
      // the owner's removal holds against any link, one made before it included: only a member adding
      // them again brings them back
      const former = await q.get<{ removed: number }>('SELECT removed FROM former_members WHERE conv_id = ? AND user_id = ?', [
        convId,
        userId,
      ])
      if (Number(former?.removed ?? 0) === 1)
        throw forbidden('You were removed from this group: a member can add you again, a link cannot.')
      // a newcomer does not see what was said before they came (admit.ts)
      const { newcomers, since } = await admitToGroup(q, ctx.sync, convId, [userId])
      if ((await memberCount(q, convId)) > MAX_GROUP_MEMBERS)
        throw badRequest(`A group chat has at most ${MAX_GROUP_MEMBERS} members.`)
      return newcomers.length ? since : null
    })
    if (added !== null) {
      await chatChanged(ctx, convId)
      // nobody invited them: they came by the link (whoever made it may not even be in the chat's thoughts)
      await writeSystemLines(ctx.sync, convId, added, [{ event: 'joined', actor: userId }])
    }
    const chat = await loadChat(db, userId, convId)
    if (!chat) throw unknown()
    const body: InviteAccepted = { kind: 'group', chat }
    return { status: 200, body }
  })
}
