// The push endpoints, beside the JSON router (like the media ones):
//   GET /api/push/key                       the VAPID public key
//   GET/PUT/DELETE /api/push/subscription   this device's subscription
//   GET/PUT /api/me/notifications           the account's do-not-disturb window and mentions
//   PUT /api/chats/:id/mute                 mute a chat for me
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { MuteBody, NotificationSettings, PushKey, PushState } from '../../protocol/push.ts'
import { MUTED_FOREVER } from '../../protocol/push.ts'
import { chatChanged, requireCaller, type ApiContext } from '../api/context.ts'
import { memberOf } from '../chats/member-of.ts'
import { readJson } from '../http/body.ts'
import { HttpError, badRequest } from '../http/errors.ts'
import { asObject } from '../http/input.ts'
import { redactUrl } from '../http/log.ts'
import { sendError, sendJson } from '../http/respond.ts'
import { Router } from '../http/router.ts'
import { checkSettings, readSettings, writeSettings } from './prefs.ts'
import type { PushService } from './service.ts'
import { checkSubscription, deleteSubscription, putSubscription, subscriptionState } from './subscriptions.ts'

/** A mute may reach this far ahead; "until turned back on" is -1. */
const MAX_MUTE_MS = 366 * 86_400_000

export function checkMute(body: unknown, now = Date.now()): number {
  const until = asObject(body).until
  if (until === null) return 0
  if (until === MUTED_FOREVER) return MUTED_FOREVER
  if (typeof until !== 'number' || !Number.isSafeInteger(until) || until < 0 || until > now + MAX_MUTE_MS)
    throw badRequest('"until" must be a time (ms since epoch) within a year, -1 (until turned back on) or null (not muted).')
  // a time already past is no mute
  return until > now ? until : 0
}

/** Handles a request if it is one of the push endpoints (true), else leaves it to the JSON API (false). */
export function createPushHandler(
  ctx: ApiContext,
  push: PushService,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const { db } = ctx
  const r = new Router()

  r.get('/api/push/key', async (call) => {
    await requireCaller(ctx, call)
    const body: PushKey = { key: push.keys.publicKey }
    return { status: 200, body }
  })

  r.get('/api/push/subscription', async (call) => {
    const me = await requireCaller(ctx, call)
    const body: PushState = await subscriptionState(db, me.userId, me.sessionId)
    return { status: 200, body }
  })

  r.add('PUT', '/api/push/subscription', async (call) => {
    const me = await requireCaller(ctx, call)
    const sub = checkSubscription(await call.body(), push.opts.allowHttp)
    await putSubscription(db, me.userId, me.sessionId, sub)
    await push.announce(me.userId)
    const body: PushState = { on: true, previews: sub.previews, lang: sub.lang }
    return { status: 200, body }
  })

  r.delete('/api/push/subscription', async (call) => {
    const me = await requireCaller(ctx, call)
    await deleteSubscription(db, me.sessionId)
    return { status: 204 }
  })

  r.get('/api/me/notifications', async (call) => {
    const me = await requireCaller(ctx, call)
    const body: NotificationSettings = await readSettings(db, me.userId)
    return { status: 200, body }
  })

  r.add('PUT', '/api/me/notifications', async (call) => {
    const me = await requireCaller(ctx, call)
    const body = checkSettings(await call.body())
    await writeSettings(db, me.userId, body)
    return { status: 200, body }
  })

  r.add('PUT', '/api/chats/:id/mute', async (call) => {
    const me = await requireCaller(ctx, call)
    const until = checkMute(await call.body())
    await memberOf(db, me.userId, call.params.id)
    await db.run('UPDATE members SET muted = ? WHERE conv_id = ? AND user_id = ?', [until, call.params.id, me.userId])
    // the cached chat and the member's inbox entry (`muted`) follow
    await chatChanged(ctx, call.params.id)
    const body: MuteBody = { until: until === 0 ? null : until }
    return { status: 200, body }
  })

  return async (req, res, url) => {
    const m = r.match(req.method ?? 'GET', url.pathname)
    if (!m) return false
    try {
      let body: Promise<unknown> | null = null
      const reply = await m.handler({ req, url, params: m.params, body: () => (body ??= readJson(req)) })
      sendJson(res, reply.status, reply.body, reply.headers)
    } catch (e) {
      if (res.headersSent) res.destroy()
      else if (e instanceof HttpError) sendError(res, e.status, e.code, e.message, e.headers)
      else {
        console.error(`${req.method} ${redactUrl(req.url)} failed:`, e)
        sendError(res, 500, 'internal', 'Something went wrong on the server. Try again.')
      }
    }
    return true
  }
}
