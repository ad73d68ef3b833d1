// GET /api/chats, GET/PATCH /api/chats/:id, POST /api/chats/direct, /api/chats/group,
// /api/chats/:id/invite, /api/chats/:id/leave
import { takeGroupBudget } from './group-limits.ts'
import type { Chat } from '../../protocol/api.ts'
import { ENTITY_ID_RE, MAX_GROUP_MEMBERS } from '../../protocol/limits.ts'
import { checkTitle } from '../auth/rules.ts'
import { chatChanged, requireCaller, type ApiContext } from '../api/context.ts'
import { newId } from '../api/ids.ts'
import { openOnce } from '../api/unique.ts'
import type { Queryable } from '../db/db.ts'
import { powerOfTwoChunks } from '../db/chunks.ts'
import { HttpError, badRequest, forbidden, notFound } from '../http/errors.ts'
import { asObject, str, strArray } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import { blockersOf, hasBlocked } from '../users/blocks.ts'
import { directKey } from './direct-key.ts'
import { admitToGroup } from './admit.ts'
import { memberOf as memberConv, viewerOf } from './member-of.ts'
import { writeSystemLines, type SystemLineInput } from './system-lines.ts'
import { addMembers, convRow, insertConv, isMember, listChats, loadChat, memberCount, removeMember } from './store.ts'

const blocked = () => new HttpError(403, 'blocked', 'This person is not accepting chats from you.')

export function chatRoutes(r: Router, ctx: ApiContext): void {
  const { db } = ctx

  async function chatFor(userId: string, convId: string): Promise<Chat> {
    const chat = await loadChat(db, userId, convId)
    if (!chat) throw notFound('No such chat.')
    return chat
  }

  /** The conversation, which must exist and have the caller as a member. */
  const memberOf = (userId: string, convId: string, q: Queryable = db) => memberConv(q, userId, convId)

  /** Other users to put in a group: known ids, deduplicated, none of whom blocked the one adding them. */
  async function invitees(q: Queryable, userId: string, raw: string[]): Promise<string[]> {
    const ids = [...new Set(raw)].filter((id) => id !== userId)
    for (const id of ids) if (!ENTITY_ID_RE.test(id)) throw badRequest(`"${id.slice(0, 40)}" is not a user id.`)
    for (const chunk of powerOfTwoChunks(ids, 512)) {
      const found = await q.all<{ id: string }>(
        `SELECT id FROM users WHERE deleted = 0 AND id IN (${chunk.map(() => '?').join(', ')})`,
        chunk,
      )
      if (found.length !== chunk.length) {
        const known = new Set(found.map((f) => f.id))
        throw notFound(`No such user: ${chunk.find((id) => !known.has(id))}.`)
      }
    }
    if ((await blockersOf(q, userId, ids)).size) throw blocked()
    return ids
  }

  /** A group's system line, on its current page. */
  async function systemLine(convId: string, line: SystemLineInput): Promise<void> {
    const conv = await convRow(db, convId)
    if (conv?.kind === 'group') await writeSystemLines(ctx.sync, convId, Number(conv.page), [line])
  }

  r.get('/api/chats', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    return { status: 200, body: await listChats(db, userId) }
  })

  r.get('/api/chats/:id', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    await viewerOf(db, userId, call.params.id)
    return { status: 200, body: await chatFor(userId, call.params.id) }
  })

  r.post('/api/chats/direct', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const other = str(asObject(await call.body()), 'userId')
    if (other === userId) throw badRequest('A direct chat needs another person.')
    if (!ENTITY_ID_RE.test(other) || !(await db.get('SELECT 1 AS x FROM users WHERE id = ? AND deleted = 0', [other])))
      throw notFound('No such user.')
    const key = directKey(userId, other)
    if (await hasBlocked(db, other, userId)) {
      // a chat the two are both in stays open to the blocked one: a block is not theirs to notice (hidden.ts)
      const shared = await db.get<{ id: string }>('SELECT id FROM convs WHERE direct_key = ?', [key])
      if (!shared || !(await isMember(db, shared.id, userId)) || !(await isMember(db, shared.id, other))) throw blocked()
      return { status: 200, body: await chatFor(userId, shared.id) }
    }
    const open = () =>
      db.tx(async (q) => {
        const existing = await q.get<{ id: string }>('SELECT id FROM convs WHERE direct_key = ?', [key])
        if (existing) {
          const added = await addMembers(q, existing.id, [userId, other])
          // the other one opened it first: now it is on both lists
          const both = await q.run("UPDATE convs SET opened_by = '' WHERE id = ? AND opened_by = ?", [existing.id, other])
          return { id: existing.id, changed: added > 0 || both.changes > 0 }
        }
        const id = newId()
        await insertConv(q, { id, kind: 'direct', title: '', directKey: key }, [userId, other])
        return { id, changed: true }
      })
    // both people may open it at the same moment: the other transaction then created it
    const res = await openOnce(open)
    if (res.changed) await chatChanged(ctx, res.id)
    return { status: 200, body: await chatFor(userId, res.id) }
  })

  r.post('/api/chats/group', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const b = asObject(await call.body())
    const title = checkTitle(str(b, 'title'))
    const raw = strArray(b, 'userIds', MAX_GROUP_MEMBERS)
    await takeGroupBudget(db, ctx.groupLimits, userId, true, new Set(raw).size)
    const id = newId()
    const others = await db.tx(async (q) => {
      const others = await invitees(q, userId, raw)
      if (others.length + 1 > MAX_GROUP_MEMBERS) throw badRequest(`A group chat has at most ${MAX_GROUP_MEMBERS} members.`)
      await insertConv(q, { id, kind: 'group', title, directKey: null }, [userId, ...others])
      return others
    })
    await chatChanged(ctx, id)
    // who made the group and brought whom, as every later invitation says it
    await writeSystemLines(
      ctx.sync,
      id,
      0,
      others.map((target) => ({ event: 'invited' as const, actor: userId, target })),
    )
    return { status: 201, body: await chatFor(userId, id) }
  })

  r.post('/api/chats/:id/invite', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const convId = call.params.id
    const raw = strArray(asObject(await call.body()), 'userIds', MAX_GROUP_MEMBERS)
    await takeGroupBudget(db, ctx.groupLimits, userId, false, new Set(raw).size)
    const added = await db.tx(async (q) => {
      const conv = await memberOf(userId, convId, q)
      if (conv.kind !== 'group') throw badRequest('Only group chats take invitations; start a group chat instead.')
      // who joins does not see what was said before: they start on a page of their own (admit.ts)
      const { newcomers, since } = await admitToGroup(q, ctx.sync, convId, await invitees(q, userId, raw))
      if (newcomers.length === 0) return null
      if ((await memberCount(q, convId)) > MAX_GROUP_MEMBERS)
        throw badRequest(`A group chat has at most ${MAX_GROUP_MEMBERS} members.`)
      return { newcomers, since }
    })
    if (added) {
      await chatChanged(ctx, convId)
      // on the newcomers' first page, so that they see who brought them in
      await writeSystemLines(
        ctx.sync,
        convId,
        added.since,
        added.newcomers.map((target) => ({ event: 'invited' as const, actor: userId, target })),
      )
    }
    return { status: 200, body: await chatFor(userId, convId) }
  })

  r.patch('/api/chats/:id', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const convId = call.params.id
    const title = checkTitle(str(asObject(await call.body()), 'title'))
    const changed = await db.tx(async (q) => {
      const conv = await memberOf(userId, convId, q)
      if (conv.kind !== 'group') throw badRequest('Only group chats have a title.')
      if (conv.title === title) return false
      await q.run('UPDATE convs SET title = ? WHERE id = ?', [title, convId])
      return true
    })
    if (changed) {
      await chatChanged(ctx, convId)
      await systemLine(convId, { event: 'renamed', actor: userId, title })
    }
    return { status: 200, body: await chatFor(userId, convId) }
  })

  r.post('/api/chats/:id/leave', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const convId = call.params.id
    const kind = await db.tx(async (q) => {
      const conv = await memberOf(userId, convId, q)
      await removeMember(q, convId, userId)
      return conv.kind
    })
    await chatChanged(ctx, convId)
    if (kind === 'group') await systemLine(convId, { event: 'left', actor: userId })
    return { status: 204 }
  })

  // the group's owner removes someone: their sockets to the chat close with 4403 (chatChanged)
  r.post('/api/chats/:id/remove', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const convId = call.params.id
    const target = str(asObject(await call.body()), 'userId')
    await db.tx(async (q) => {
      const conv = await memberOf(userId, convId, q)
      if (conv.kind !== 'group') throw badRequest('Nobody can be removed from a direct chat; block the person instead.')
      if (conv.owner !== userId) throw forbidden('Only the owner of a group chat can remove members.')
      if (target === userId) throw badRequest('Leave the chat instead of removing yourself.')
      if (!ENTITY_ID_RE.test(target) || !(await isMember(q, convId, target))) throw notFound('That person is not in this chat.')
      await removeMember(q, convId, target, true)
    })
    await chatChanged(ctx, convId)
    await systemLine(convId, { event: 'removed', actor: userId, target })
    return { status: 200, body: await chatFor(userId, convId) }
  })
}
