// POST /api/me/password, GET /api/sessions, DELETE /api/sessions/:id
import type { ApiContext } from '../api/context.ts'
import { requireCaller } from '../api/context.ts'
import { HttpError, notFound } from '../http/errors.ts'
import { asObject, str } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import { MAX_PASSWORD_CHARS } from '../../protocol/limits.ts'
import type { DeviceSessions } from '../../protocol/api.ts'
import { hashPassword, verifyPassword } from './password.ts'
import { checkPassword } from './rules.ts'
import { endDevice, endOtherSessions, listDevices } from './devices.ts'
import { HANDLE_LIMIT, clearKey, handleKey, reserveAttempt } from './throttle.ts'

// 403, not 401: the session is fine, and a 401 tells clients their session is gone
const wrongPassword = () => new HttpError(403, 'wrong_credentials', 'The current password is wrong.')

export function accountRoutes(r: Router, ctx: ApiContext): void {
  const { db } = ctx

  r.post('/api/me/password', async (call) => {
    const me = await requireCaller(ctx, call)
    const b = asObject(await call.body())
    const current = str(b, 'current')
    // a new password that could never be accepted costs no attempt
    const next = checkPassword(str(b, 'password'))
    const user = await db.get<{ handle: string; pass: string }>('SELECT handle, pass FROM users WHERE id = ?', [me.userId])
    if (!user) throw notFound('This account no longer exists.')
    // the sign-in throttle of the handle: a stolen session must not become a way to guess the password
    const key = handleKey(user.handle)
    const wait = await reserveAttempt(db, key, HANDLE_LIMIT)
    if (wait) {
      const s = Math.ceil(wait / 1000)
      throw new HttpError(429, 'too_many_attempts', `Too many attempts. Try again in ${s} seconds.`, {
        'Retry-After': String(s),
      })
    }
    if (current.length > MAX_PASSWORD_CHARS || !(await verifyPassword(current, user.pass))) throw wrongPassword()
    await clearKey(db, key)
    const pass = await hashPassword(next)
    // whoever else held a session may have learnt the old password: every other device signs in again
    const ids = await db.tx(async (q) => {
      await q.run('UPDATE users SET pass = ? WHERE id = ?', [pass, me.userId])
      return endOtherSessions(q, me.userId, me.sessionId)
    })
    if (ids.length) ctx.sync.sessionsRevoked(ids)
    return { status: 204 }
  })

  r.get('/api/sessions', async (call) => {
    const me = await requireCaller(ctx, call)
    const body: DeviceSessions = { sessions: await listDevices(db, me.userId, me.sessionId) }
    return { status: 200, body }
  })

  r.delete('/api/sessions/:id', async (call) => {
    const me = await requireCaller(ctx, call)
    const ids = await endDevice(db, me.userId, call.params.id)
    if (!ids.length) throw notFound('No such signed-in device.')
    ctx.sync.sessionsRevoked(ids)
    return { status: 204 }
  })
}
