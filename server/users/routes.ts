// GET/PATCH/DELETE /api/me, GET /api/me/export, GET /api/users/:handle
import { HANDLE_RE } from '../../protocol/limits.ts'
import { checkLang, checkName, checkStatus, normalizeHandle } from '../auth/rules.ts'
import { requireCaller, type ApiContext } from '../api/context.ts'
import { takeLookup } from './lookups.ts'
import { badRequest, notFound } from '../http/errors.ts'
import { asObject, optStr } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import { logger } from '../log.ts'
import { loadMe, profileByHandle } from './profiles.ts'
import { exportData, registerExport } from './export.ts'
import { deleteAccountRoute } from './delete-account.ts'

const log = logger('users')

/** The rename is made whatever happens here: a failure to show it in the chats is logged, not returned. */
async function renamed(ctx: ApiContext, userId: string): Promise<void> {
  try {
    await ctx.sync.userRenamed(userId)
  } catch (e) {
    log.error('showing a new name in the chats failed', e, { user: userId })
  }
}

export function userRoutes(r: Router, ctx: ApiContext): void {
  const { db } = ctx
  registerExport(ctx.sync)

  r.get('/api/me', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const me = await loadMe(db, userId)
    if (!me) throw notFound('This account no longer exists.')
    return { status: 200, body: me }
  })

  r.patch('/api/me', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    const b = asObject(await call.body())
    const name = optStr(b, 'name')
    const status = optStr(b, 'status')
    const lang = optStr(b, 'lang')
    const sets: string[] = []
    const params: string[] = []
    if (name !== undefined) {
      sets.push('name = ?')
      params.push(checkName(name))
    }
    if (status !== undefined) {
      sets.push('status = ?')
      params.push(checkStatus(status))
    }
    if (lang !== undefined) {
      sets.push('lang = ?')
      params.push(checkLang(lang))
    }
    if (!sets.length) throw badRequest('Nothing to change: send "name", "status" or "lang".')
    const before = name === undefined ? undefined : await loadMe(db, userId)
    await db.run(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`, [...params, userId])
    const me = await loadMe(db, userId)
    if (!me) throw notFound('This account no longer exists.')
    if (before && before.name !== me.name) await renamed(ctx, userId)
    return { status: 200, body: me }
  })

  deleteAccountRoute(r, ctx)

  r.get('/api/me/export', async (call) => {
    const { userId, sessionId } = await requireCaller(ctx, call)
    const body = await exportData(ctx, userId, sessionId)
    if (!body) throw notFound('This account no longer exists.')
    const day = new Date(body.exported).toISOString().slice(0, 10)
    return {
      status: 200,
      body,
      headers: { 'Content-Disposition': `attachment; filename="sori-${body.profile.handle}-${day}.json"` },
    }
  })

  r.get('/api/users/:handle', async (call) => {
    const { userId } = await requireCaller(ctx, call)
    // an ID found tells who is on Sori, with their name and photo: a person adds a few friends an hour,
    // not hundreds a second (KakaoTalk counts ID searches too)
    await takeLookup(ctx, userId)
    const handle = normalizeHandle(call.params.handle)
    const p = HANDLE_RE.test(handle) ? await profileByHandle(db, userId, handle) : undefined
    if (!p) throw notFound('No one has that handle.')
    return { status: 200, body: p }
  })
}
