// POST /api/me/password, GET /api/sessions, DELETE /api/sessions/:id
import type { ApiContext } from '../api/context.ts'
import { requireCaller } from '../api/context.ts'
import { notFound } from '../http/errors.ts'
import { asObject, str } from '../http/input.ts'
import type { Router } from '../http/router.ts'
import type { DeviceSessions } from '../../protocol/api.ts'
import { hashPassword } from './password.ts'
import { confirmPassword } from './confirm-password.ts'
import { checkPassword } from './rules.ts'
import { endDevice, endOtherSessions, listDevices } from './devices.ts'

export function accountRoutes(r: Router, ctx: ApiContext): void {
  const { db } = ctx

  r.post('/api/me/password', async (call) => {
    const me = await requireCaller(ctx, call)
    const b = asObject(await call.body())
    const current = str(b, 'current')
    // a new password that could never be accepted costs no attempt
    const next = checkPassword(str(b, 'password'))
    await confirmPassword(db, me.userId, current)
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
