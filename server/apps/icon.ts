// An app's icon (docs/protocol.md, "Sori Link"), outside the JSON router because it streams bodies:
//   PUT/DELETE /api/apps/:id/icon   its owner sets or removes it (made and kept as a profile photo is)
//   GET /api/apps/:id/icon          anyone: the icon is what the app shows of itself on every card
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { App } from '../../protocol/link.ts'
import { requireCaller, type ApiContext } from '../api/context.ts'
import { HttpError } from '../http/errors.ts'
import { redactUrl } from '../http/log.ts'
import { sendError, sendJson } from '../http/respond.ts'
import { BLOB_HEADERS } from '../media/http.ts'
import { sendPhoto, storePhoto } from '../media/profile-photo.ts'
import type { Media } from '../media/uploads.ts'
import { appRow, noApp, ownApp, toApp } from './view.ts'

/** As a photo's headers, but any page may show it (an app's own page shows its icon too). */
const ICON_HEADERS: Readonly<Record<string, string>> = { ...BLOB_HEADERS, 'Cross-Origin-Resource-Policy': 'cross-origin' }

async function setIcon(ctx: ApiContext, userId: string, id: string, hash: string): Promise<App> {
  await ctx.db.run('UPDATE apps SET icon = ? WHERE id = ? AND owner = ?', [hash, id, userId])
  return toApp(await ownApp(ctx.db, userId, id))
}

/** Handles a request if it is for an app's icon (true), else leaves it to the JSON API (false). */
export function createAppIconHandler(
  ctx: ApiContext,
  media: Media,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  return async (req, res, url) => {
    const segs = url.pathname.split('/').filter(Boolean)
    if (segs.length !== 4 || segs[0] !== 'api' || segs[1] !== 'apps' || segs[3] !== 'icon') return false
    const method = req.method ?? 'GET'
    const id = segs[2]
    const call = { req, url, params: {}, body: () => Promise.resolve(undefined) }
    try {
      if (method === 'PUT') {
        const { userId } = await requireCaller(ctx, call)
        // before the body is read: who may not set it costs no decode and no upload
        await ownApp(ctx.db, userId, id)
        sendJson(res, 200, await setIcon(ctx, userId, id, await storePhoto(media, userId, req)))
      } else if (method === 'DELETE') {
        const { userId } = await requireCaller(ctx, call)
        await ownApp(ctx.db, userId, id)
        // the old content is left to the collector's sweep
        sendJson(res, 200, await setIcon(ctx, userId, id, ''))
      } else if (method === 'GET' || method === 'HEAD') {
        const app = await appRow(ctx.db, id)
        if (!app) throw noApp()
        await sendPhoto(media, req, res, app.icon || undefined, ICON_HEADERS, url.searchParams.get('v'))
      } else return false
    } catch (e) {
      if (res.headersSent) res.destroy()
      else if (e instanceof HttpError) sendError(res, e.status, e.code, e.message, e.headers)
      else {
        console.error(`${method} ${redactUrl(req.url)} failed:`, e)
        sendError(res, 500, 'internal', 'Something went wrong on the server. Try again.')
      }
    }
    return true
  }
}
