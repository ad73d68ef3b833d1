// The JSON API under /api/: routes, body parsing, errors.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { authRoutes } from '../auth/routes.ts'
import { chatRoutes } from '../chats/routes.ts'
import { attachChannels } from '../channels/sync.ts'
import { channelRoutes } from '../channels/routes.ts'
import { operatorRoutes } from '../operator/routes.ts'
import { inviteRoutes } from '../chats/invites.ts'
import { hasBody, readJson } from '../http/body.ts'
import { HttpError } from '../http/errors.ts'
import { redactUrl } from '../http/log.ts'
import { sendError, sendJson } from '../http/respond.ts'
import { Router } from '../http/router.ts'
import { friendRoutes } from '../users/friends.ts'
import { userRoutes } from '../users/routes.ts'
import { previewRoutes } from '../previews/routes.ts'
import { appRoutes } from '../apps/routes.ts'
import type { ApiContext } from './context.ts'

export type { ApiContext } from './context.ts'

export function createApi(ctx: ApiContext): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const router = new Router()
  authRoutes(router, ctx)
  userRoutes(router, ctx)
  friendRoutes(router, ctx)
  chatRoutes(router, ctx)
  inviteRoutes(router, ctx)
  appRoutes(router, ctx)
  // link previews; their thumbnails are bytes, served before the JSON routes
  const previewImages = previewRoutes(router, ctx)
  // the channel kinds join the engine here, before the server listens (every kind precedes the first upgrade)
  const channels = attachChannels(ctx.sync, ctx.db)
  channelRoutes(router, ctx, channels)
  operatorRoutes(router, ctx, channels)
  // what is in memory and how long updates were held; off unless asked for (it is not authenticated)
  if (ctx.metrics)
    router.get('/api/metrics', async () => ({
      status: 200,
      body: { ...ctx.sync.stats(), held: ctx.sync.heldLatency(), commits: ctx.sync.commitStats() },
    }))

  return async (req, res, url) => {
    try {
      if (await previewImages(req, res, url)) return
      const m = router.match(req.method ?? 'GET', url.pathname)
      if (!m) throw new HttpError(404, 'not_found', `There is no ${req.method} ${url.pathname} in this API.`)
      // a body is JSON within the cap whatever the route (docs/protocol.md), read or not: a form post to a
      // route that takes none is refused, not carried out
      let body: Promise<unknown> | null = hasBody(req) ? readJson(req) : null
      if (body) await body
      const reply = await m.handler({ req, url, params: m.params, body: () => (body ??= readJson(req)) })
      sendJson(res, reply.status, reply.body, reply.headers)
    } catch (e) {
      if (res.headersSent) {
        res.destroy()
        return
      }
      if (e instanceof HttpError) {
        sendError(res, e.status, e.code, e.message, e.headers)
        return
      }
      console.error(`${req.method} ${redactUrl(req.url)} failed:`, e)
      sendError(res, 500, 'internal', 'Something went wrong on the server. Try again.')
    }
  }
}
