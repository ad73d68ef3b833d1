// A channel's customer groups ("friend groups"): its admins list people from their own customer list by
// Sori ID, and post to the group's own feed (documents ch:<group id>…, counted like a channel's: state.ts),
// which only the channel's admins and the group's people who follow the channel may open
// (group-members.ts). The brand brings the list; Sori adds nothing of its own data to it, and tells the
// admins nothing back about it: not who follows, nor how many (see GROUP_COLUMNS), nor how often its
// posts were seen (effects.ts). IDs nobody has are not kept.
//   GET/POST /api/channels/:id/groups, PUT/DELETE /api/channels/:id/groups/:groupId (admins);
//   the caller's own groups travel in Channel.groups (view.ts myGroups).
import { MAX_CHANNEL_GROUPS, MAX_GROUP_HANDLES, MAX_GROUP_NAME_CHARS, type ChannelGroup } from '../../protocol/channels.ts'
import { ENTITY_ID_RE, HANDLE_RE } from '../../protocol/limits.ts'
import { requireCaller, type ApiContext } from '../api/context.ts'
import { newId } from '../api/ids.ts'
import { cleanText, normalizeHandle } from '../auth/rules.ts'
import type { Db, Queryable } from '../db/db.ts'
import { statementChunks } from '../db/chunks.ts'
import { HttpError, badRequest, notFound } from '../http/errors.ts'
import { asObject } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import { lockChannel, requireAdmin } from './access.ts'
import type { ChannelSync } from './sync.ts'

interface GroupRow {
  id: string
  name: string
  posts: number
  created: number
}

const noGroup = () => notFound('No such group.')

function checkGroupName(raw: unknown): string {
  const name = typeof raw === 'string' ? cleanText(raw, 1, MAX_GROUP_NAME_CHARS) : null
  if (name === null) throw badRequest(`A group's name is 1 to ${MAX_GROUP_NAME_CHARS} characters, without control characters.`)
  return name
}

/** The listed IDs, normalized and deduplicated; a malformed one is refused, one nobody has is simply not found. */
function checkHandles(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > MAX_GROUP_HANDLES)
    throw badRequest(`"handles" must be a list of 1 to ${MAX_GROUP_HANDLES} Sori IDs.`)
  const out = new Set<string>()
  for (const h of raw) {
    const handle = typeof h === 'string' ? normalizeHandle(h.replace(/^\s*@/, '')) : ''
    if (!HANDLE_RE.test(handle)) throw badRequest(`"${String(h).slice(0, 40)}" is not a Sori ID.`)
    out.add(handle)
  }
  return [...out]
}

/** Makes the listed people of `handles` who use Sori the group's people, in place of any before. */
async function setMembers(q: Queryable, dialect: Db['dialect'], groupId: string, handles: string[]): Promise<void> {
  await q.run('DELETE FROM channel_group_members WHERE group_id = ?', [groupId])
  for (const part of statementChunks(dialect, handles, 500))
    await q.run(
      `INSERT INTO channel_group_members (group_id, user_id)
       SELECT ?, u.id FROM users u WHERE u.handle IN (${part.map(() => '?').join(', ')}) AND u.deleted = 0
       ON CONFLICT (group_id, user_id) DO NOTHING`,
      [groupId, ...part],
    )
}

// No count of the listed people who follow: an admin who lists people they control with one more
// could read that one's follow off any count, rounded or not (docs/protocol.md, "Customer groups").
const GROUP_COLUMNS = 'g.id, g.name, g.posts, g.created'

const toGroup = (r: GroupRow): ChannelGroup => ({
  id: r.id,
  name: r.name,
  posts: Number(r.posts),
  created: Number(r.created),
})

async function groupOf(q: Queryable, channelId: string, groupId: string): Promise<ChannelGroup> {
  const row = ENTITY_ID_RE.test(groupId)
    ? await q.get<GroupRow>(`SELECT ${GROUP_COLUMNS} FROM channel_groups g WHERE g.id = ? AND g.channel_id = ?`, [
        groupId,
        channelId,
      ])
    : undefined
  if (!row) throw noGroup()
  return toGroup(row)
}

export function groupRoutes(r: Router, ctx: ApiContext, channels: ChannelSync): void {
  const { db } = ctx

  r.get('/api/channels/:id/groups', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const id = call.params.id
    await requireAdmin(db, userId, id)
    const rows = await db.all<GroupRow>(
      `SELECT ${GROUP_COLUMNS} FROM channel_groups g WHERE g.channel_id = ? ORDER BY g.created, g.id`,
      [id],
    )
    return { status: 200, body: rows.map(toGroup) }
  })

  r.post('/api/channels/:id/groups', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const id = call.params.id
    const b = asObject(await call.body())
    const name = checkGroupName(b.name)
    const handles = checkHandles(b.handles)
    const groupId = newId()
    await db.tx(async (q) => {
      await requireAdmin(q, userId, id)
      // one admin's count and insert at a time per channel, so that two at once cannot pass the cap together
      await lockChannel(q, id)
      const n = await q.get<{ n: number }>('SELECT COUNT(*) AS n FROM channel_groups WHERE channel_id = ?', [id])
      if (Number(n?.n ?? 0) >= MAX_CHANNEL_GROUPS)
        throw new HttpError(409, 'too_many_groups', `A channel has at most ${MAX_CHANNEL_GROUPS} groups.`)
      await q.run('INSERT INTO channel_groups (id, channel_id, name, created) VALUES (?, ?, ?, ?)', [
        groupId,
        id,
        name,
        Date.now(),
      ])
      await setMembers(q, db.dialect, groupId, handles)
    })
    return { status: 201, body: await groupOf(db, id, groupId) }
  })

  r.add('PUT', '/api/channels/:id/groups/:groupId', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const { id, groupId } = call.params
    const b = asObject(await call.body())
    if (b.name === undefined && b.handles === undefined) throw badRequest('Send "name", "handles" or both.')
    const name = b.name === undefined ? undefined : checkGroupName(b.name)
    const handles = b.handles === undefined ? undefined : checkHandles(b.handles)
    await db.tx(async (q) => {
      await requireAdmin(q, userId, id)
      await groupOf(q, id, groupId)
      if (name !== undefined) await q.run('UPDATE channel_groups SET name = ? WHERE id = ?', [name, groupId])
      if (handles !== undefined) await setMembers(q, db.dialect, groupId, handles)
    })
    // who is no longer listed reads the feed no more: their sockets to it close
    if (handles !== undefined) await channels.groupChanged(groupId)
    return { status: 200, body: await groupOf(db, id, groupId) }
  })

  r.delete('/api/channels/:id/groups/:groupId', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const { id, groupId } = call.params
    await db.tx(async (q) => {
      await requireAdmin(q, userId, id)
      await groupOf(q, id, groupId)
      // its feed's documents stay stored, but nobody may open them again; its posts' view counters stay
      // with the channel's
      await q.run('DELETE FROM channel_group_members WHERE group_id = ?', [groupId])
      await q.run('DELETE FROM channel_groups WHERE id = ?', [groupId])
    })
    await channels.groupChanged(groupId)
    return { status: 204 }
  })
}
