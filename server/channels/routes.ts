// POST /api/channels, GET /api/channels (directory and search), GET/PATCH /api/channels/:id,
// GET /api/me/channels. Follows and blocks: follow.ts; admins and statistics: admins.ts; users' chats with
// the channel: chats.ts.
import { CHANNEL_LIST_LIMIT, searchForm, type Channel, type ChannelList } from '../../protocol/channels.ts'
import { requireCaller, type ApiContext } from '../api/context.ts'
import { newId } from '../api/ids.ts'
import { isUniqueViolation } from '../api/unique.ts'
import { checkHandle, checkLang } from '../auth/rules.ts'
import { HttpError, badRequest } from '../http/errors.ts'
import { takeHourly } from '../http/budget.ts'
import { takeLookup } from '../users/lookups.ts'
import { asObject } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import type { Param } from '../db/db.ts'
import type { ChannelSync } from './sync.ts'
import { noChannel, requireAdmin } from './access.ts'
import { channelPatch, checkCategory, checkChannelName, checkDescription, checkLangs } from './input.ts'
import { countEvery, shownFollowers } from './followers.ts'
import { CHANNEL_COLUMNS, callerParams, channelRow, myGroups, toChannel, withGroups, type ChannelRow } from './view.ts'
import { followRoutes } from './follow.ts'
import { reportRoutes } from './reports.ts'
import { adminRoutes } from './admins.ts'
import { scheduledRoutes } from './scheduled-routes.ts'
import { couponRoutes } from '../coupons/routes.ts'
import { channelChatRoutes } from './chats.ts'
import { insightRoutes } from './insights.ts'
import { groupRoutes } from './groups.ts'

const handleTaken = () => new HttpError(409, 'handle_taken', 'That channel ID is taken. Choose another one.')

/** What `%` and `_` mean in LIKE: nothing, in a search term. */
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)

export function channelRoutes(r: Router, ctx: ApiContext, channels: ChannelSync): void {
  const { db } = ctx
  const countEveryMs = countEvery()

  /** The channel as `userId` sees it, with its follower count taken again when due; 404 when there is none. */
  async function channelFor(userId: string, id: string): Promise<Channel> {
    const row = await channelRow(db, userId, id)
    if (!row) throw noChannel()
    const shown = await shownFollowers(db, id, Number(row.followers_shown), Number(row.followers_at), countEveryMs)
    return withGroups(toChannel(row, shown), await myGroups(db, userId))
  }

  r.post('/api/channels', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const b = asObject(await call.body())
    const handle = checkHandle(typeof b.handle === 'string' ? b.handle.replace(/^@/, '') : '')
    const name = checkChannelName(b.name)
    const description = b.description === undefined ? '' : checkDescription(b.description)
    const category = checkCategory(b.category)
    const langs = checkLangs(b.langs)
    // whether someone has that ID is a lookup's answer, and counts as one
    await takeLookup(ctx, userId)
    // another person's Sori ID is theirs: a channel "@mina.k" made by someone else would pass for Mina
    // (both read "@mina.k"); a user's own ID is free for their own channel
    const person = await db.get<{ id: string }>('SELECT id FROM users WHERE handle = ?', [handle])
    if (person && person.id !== userId) throw handleTaken()
    // a channel keeps its ID from everyone for good: an account makes a few, not every name it can think of
    await takeHourly(db, `channels:${userId}`, ctx.channelsPerHour, 'too_many_channels', 'Too many channels made.')
    const id = newId()
    const now = Date.now()
    try {
      await db.tx(async (q) => {
        await q.run(
          `INSERT INTO channels (id, handle, name, description, category, langs, created, created_by, search)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [id, handle, name, description, category, langs.join(','), now, userId, searchForm(`${handle}\n${name}`)],
        )
        await q.run('INSERT INTO channel_admins (channel_id, user_id, created) VALUES (?, ?, ?)', [id, userId, now])
      })
    } catch (e) {
      if (isUniqueViolation(e)) throw handleTaken()
      throw e
    }
    return { status: 201, body: await channelFor(userId, id) }
  })

  // the directory: every open channel, or those whose handle or name holds `q`, of `category`, posting in `lang`
  r.get('/api/channels', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const p = call.url.searchParams
    const where = ['c.disabled = 0']
    const params: Param[] = [...callerParams(userId)]
    const q = searchForm(p.get('q') ?? '')
      .trim()
      .replace(/^@/, '')
    if (q.length > 100) throw badRequest('"q" is at most 100 characters.')
    if (q) {
      where.push("c.search LIKE ? ESCAPE '\\'")
      params.push(`%${likeEscape(q)}%`)
    }
    const category = p.get('category')
    if (category) {
      where.push('c.category = ?')
      params.push(checkCategory(category))
    }
    const lang = p.get('lang')
    if (lang) {
      where.push("(',' || c.langs || ',') LIKE ?")
      params.push(`%,${checkLang(lang)},%`)
    }
    const limit = intParam(p.get('limit'), CHANNEL_LIST_LIMIT, 1, CHANNEL_LIST_LIMIT, 'limit')
    const offset = intParam(p.get('offset'), 0, 0, 10_000, 'offset')
    const rows = await db.all<ChannelRow>(
      `SELECT ${CHANNEL_COLUMNS} FROM channels c WHERE ${where.join(' AND ')}
       ORDER BY c.verified DESC, c.followers_shown DESC, c.handle LIMIT ? OFFSET ?`,
      [...params, limit + 1, offset],
    )
    const body: ChannelList = {
      channels: rows.slice(0, limit).map((row) => toChannel(row)),
      next: rows.length > limit ? offset + limit : null,
    }
    return { status: 200, body }
  })

  r.get('/api/channels/:id', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    return { status: 200, body: await channelFor(userId, call.params.id) }
  })

  r.patch('/api/channels/:id', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const id = call.params.id
    const change = channelPatch(asObject(await call.body()))
    await requireAdmin(db, userId, id)
    const sets: string[] = []
    const params: Param[] = []
    if (change.name !== undefined) {
      const row = await db.get<{ handle: string }>('SELECT handle FROM channels WHERE id = ?', [id])
      sets.push('name = ?', 'search = ?')
      params.push(change.name, searchForm(`${row?.handle ?? ''}\n${change.name}`))
    }
    const set = (column: string, value: Param) => {
      sets.push(`${column} = ?`)
      params.push(value)
    }
    if (change.description !== undefined) set('description', change.description)
    if (change.category !== undefined) set('category', change.category)
    if (change.langs !== undefined) set('langs', change.langs.join(','))
    if (sets.length) {
      await db.run(`UPDATE channels SET ${sets.join(', ')} WHERE id = ?`, [...params, id])
      await channels.changed(id)
    }
    return { status: 200, body: await channelFor(userId, id) }
  })

  r.get('/api/me/channels', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const rows = await db.all<ChannelRow>(
      `SELECT ${CHANNEL_COLUMNS} FROM follows mine JOIN channels c ON c.id = mine.channel_id
       WHERE mine.user_id = ? AND c.disabled = 0 ORDER BY mine.created DESC, c.handle`,
      [...callerParams(userId), userId],
    )
    const mine = await myGroups(db, userId)
    return { status: 200, body: rows.map((row) => withGroups(toChannel(row), mine)) }
  })

  followRoutes(r, ctx, channelFor, async (userId, id) => {
    const groups = await db.all<{ id: string }>(
      'SELECT g.id FROM channel_group_members m JOIN channel_groups g ON g.id = m.group_id WHERE m.user_id = ? AND g.channel_id = ?',
      [userId, id],
    )
    for (const g of groups) await channels.groupChanged(g.id)
  })
  reportRoutes(r, ctx)
  adminRoutes(r, ctx, channels)
  scheduledRoutes(r, ctx)
  couponRoutes(r, ctx)
  channelChatRoutes(r, ctx, channels)
  insightRoutes(r, ctx)
  groupRoutes(r, ctx, channels)
}

function intParam(raw: string | null, dflt: number, min: number, max: number, name: string): number {
  if (raw === null || raw === '') return dflt
  if (!/^[0-9]{1,6}$/.test(raw) || Number(raw) < min || Number(raw) > max)
    throw badRequest(`"${name}" must be a whole number from ${min} to ${max}.`)
  return Number(raw)
}
