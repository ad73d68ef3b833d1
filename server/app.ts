// One HTTP server: the JSON API under /api/, the sync endpoint /sync/<doc> (WebSocket upgrade), and the built PWA.
import { DEFAULT_GROUP_LIMITS, type GroupLimits } from './chats/group-limits.ts'
import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createApi } from './api/index.ts'
import { createAuthenticate } from './auth/sessions.ts'
import { envInt } from './config.ts'
import { openDb, type Db } from './db/db.ts'
import { redactUrl } from './http/log.ts'
import { sendError } from './http/respond.ts'
import { setSecurityHeaders } from './http/security-headers.ts'
import { staticFiles } from './http/static.ts'
import { HTTP_TIMEOUTS } from './http/timeouts.ts'
import { createSync } from './sync/index.ts'
import { reject } from './sync/upgrade.ts'
import { repairMirror } from './chats/mirror.ts'
import { Cluster } from './cluster/cluster.ts'
import { holdNodeLock } from './db/node-lock.ts'
import { attachChats, type ChatSync } from './chats/sync.ts'
import { openStore } from './store/store.ts'
import { HANDLE_GRACE_DAYS } from './users/delete-account.ts'
import { mediaDir, openBlobStore, partialsFor } from './media/blob-store.ts'
import { claimMediaFolder } from './media/folder-owner.ts'
import { startCollector } from './media/collector.ts'
import { BlobFacts } from './media/facts.ts'
import { createMediaHandler } from './media/http.ts'
import type { Media } from './media/uploads.ts'
import { createAppIconHandler } from './apps/icon.ts'
import { createPushHandler, startPush, type PushOptions, type PushService } from './push/index.ts'

export interface RunningServer {
  /** http://127.0.0.1:PORT (or the host it listens on) */
  url: string
  port: number
  db: Db
  sync: ChatSync
  media: Media
  push: PushService
  close(): Promise<void>
}

export interface ServerOptions {
  port?: number
  host?: string
  databaseUrl: string
  /** folder of the built PWA; null (or a folder without index.html) serves only the API */
  staticDir?: string | null
  trustProxy?: boolean
  /** default SORI_SIGNUPS_PER_HOUR, else 20; 0: no limit */
  signupsPerHour?: number
  /** default SORI_LOOKUPS_PER_HOUR, else 120; 0: no limit */
  lookupsPerHour?: number
  /** default SORI_CHANNELS_PER_HOUR, else 20; 0: no limit */
  channelsPerHour?: number
  /** default SORI_GROUPS_PER_HOUR and SORI_GROUP_ADDS_PER_HOUR, else DEFAULT_GROUP_LIMITS; 0: no limit */
  groupLimits?: GroupLimits
  /** default SORI_HANDLE_GRACE_DAYS, else 30 */
  handleGraceDays?: number
  /** serve GET /api/metrics; default SORI_METRICS=1 */
  metrics?: boolean
  /** media's local folder; default SORI_BLOB_DIR, else blobs/ next to the SQLite file, else ./data/blobs */
  mediaDir?: string
  /** default SORI_BLOBS, else disk on SQLite and postgres on Postgres */
  blobs?: 'disk' | 'postgres'
  /** default SORI_MEDIA_QUOTA_MB, else 2048 */
  mediaQuotaMb?: number
  /** default SORI_UPLOADS_PER_HOUR, else 300; 0: no limit */
  uploadsPerHour?: number
  /** Web Push settings over SORI_PUSH_* and SORI_VAPID_* (server/push/options.ts) */
  push?: Partial<PushOptions>
  /** one node of several sharing Postgres through this Redis (docs/scaling.md); default REDIS_URL */
  redisUrl?: string
  /** Redis key and channel prefix; default SORI_REDIS_PREFIX, else `sori:` */
  redisPrefix?: string
  /** host:port where the other nodes reach this one; default SORI_NODE_ADDRESS, else the listening address */
  nodeAddress?: string
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const redisUrl = opts.redisUrl ?? process.env.REDIS_URL ?? ''
  const postgres = /^postgres(ql)?:/.test(opts.databaseUrl)
  if (redisUrl && !postgres)
    throw new Error('REDIS_URL is for several nodes sharing one Postgres database: set DATABASE_URL=postgres://...')
  const nodeLock = postgres
    ? await holdNodeLock(opts.databaseUrl, Boolean(redisUrl), envInt('SORI_NODE_LOCK_WAIT_MS', 10_000))
    : null
  let db: Db
  try {
    db = await openDb(opts.databaseUrl)
  } catch (e) {
    await nodeLock?.release()
    throw e
  }
  const store = await openStore(db)
  const cluster = redisUrl
    ? new Cluster({
        redisUrl,
        prefix: opts.redisPrefix ?? (process.env.SORI_REDIS_PREFIX || 'sori:'),
        address: opts.nodeAddress ?? process.env.SORI_NODE_ADDRESS ?? '',
        db,
      })
    : null
  if (cluster) await cluster.connect()
  // after a crash, the chats written in the last second before it get their relational mirror back; with
  // several nodes the mirror is written in every commit that changes it, so there is nothing to repair
  if (!cluster) await repairMirror(db, store)
  const authenticate = createAuthenticate(db)
  // what media messages are checked against, and what the collector forgets when it releases a blob
  const blobFacts = new BlobFacts(db)
  const sync = attachChats(
    createSync({ db, store, authenticate }, { cluster: cluster ?? undefined }),
    db,
    cluster ? { mirrorMs: 0, mirrorMark: false } : {},
    blobFacts,
  )
  if (cluster) {
    // a blob released by one node's collector must leave every node's cache of blob facts
    sync.homes.handleAll('media.forget', async (ids) => blobFacts.forgetHere(ids))
    blobFacts.shareForgotten = (ids) => void sync.homes.broadcast('media.forget', ids)
  }
  const signupsPerHour = opts.signupsPerHour ?? envInt('SORI_SIGNUPS_PER_HOUR', 20)
  const ctx = {
    db,
    sync,
    authenticate,
    trustProxy: opts.trustProxy ?? process.env.SORI_TRUST_PROXY === '1',
    signupsPerHour,
    lookupsPerHour: opts.lookupsPerHour ?? envInt('SORI_LOOKUPS_PER_HOUR', 120),
    channelsPerHour: opts.channelsPerHour ?? envInt('SORI_CHANNELS_PER_HOUR', 20),
    groupLimits: opts.groupLimits ?? {
      groupsPerHour: envInt('SORI_GROUPS_PER_HOUR', DEFAULT_GROUP_LIMITS.groupsPerHour),
      addsPerHour: envInt('SORI_GROUP_ADDS_PER_HOUR', DEFAULT_GROUP_LIMITS.addsPerHour),
    },
    handleGraceDays: opts.handleGraceDays ?? envInt('SORI_HANDLE_GRACE_DAYS', HANDLE_GRACE_DAYS),
    metrics: opts.metrics ?? process.env.SORI_METRICS === '1',
  }
  const api = createApi(ctx)
  const dir = opts.mediaDir ?? mediaDir(opts.databaseUrl)
  const blobStore = await openBlobStore(db, dir, opts.blobs ? { ...process.env, SORI_BLOBS: opts.blobs } : process.env)
  // (blobs in Postgres leave only partial uploads on disk, which a client sends again; a database in memory
  // keeps nothing to lose)
  if (blobStore.kind !== 'postgres' && opts.databaseUrl !== ':memory:') await claimMediaFolder(db, dir)
  const media: Media = {
    db,
    store: blobStore,
    partials: partialsFor(blobStore, db, join(dir, 'uploads')),
    uploadDir: join(dir, 'uploads'),
    facts: blobFacts,
    limits: {
      quotaBytes: (opts.mediaQuotaMb ?? envInt('SORI_MEDIA_QUOTA_MB', 2048)) * 1024 * 1024,
      uploadsPerHour: opts.uploadsPerHour ?? envInt('SORI_UPLOADS_PER_HOUR', 300),
    },
  }
  const mediaRoutes = createMediaHandler(ctx, media)
  const push = await startPush(db, sync, opts.push)
  const pushRoutes = createPushHandler(ctx, push)
  const appIcons = createAppIconHandler(ctx, media)
  const stopCollector = startCollector(media)
  const files = opts.staticDir && existsSync(join(opts.staticDir, 'index.html')) ? staticFiles(opts.staticDir) : null

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res)
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://localhost')
    } catch {
      sendError(res, 400, 'bad_request', 'Malformed URL.')
      return
    }
    // a probe GETs (or HEADs) it; any other method is an unknown route, as everywhere in the API
    if (url.pathname === '/api/health' && (req.method === 'GET' || req.method === 'HEAD')) return health(res)
    if (url.pathname.startsWith('/api/') && (await mediaRoutes(req, res, url))) return
    if (url.pathname.startsWith('/api/') && (await pushRoutes(req, res, url))) return
    if (url.pathname.startsWith('/api/apps/') && (await appIcons(req, res, url))) return
    if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return api(req, res, url)
    if (url.pathname.startsWith('/sync/')) {
      sendError(res, 426, 'bad_request', 'The sync endpoint speaks WebSocket (y-websocket protocol).', { Upgrade: 'websocket' })
      return
    }
    if (files && (await files.serve(req, res, url.pathname))) return
    sendError(res, 404, 'not_found', 'Not found.')
  }

  const server = createServer(HTTP_TIMEOUTS, (req, res) => {
    onRequest(req, res).catch((e) => {
      console.error(`${req.method} ${redactUrl(req.url)} failed:`, e)
      if (!res.headersSent) sendError(res, 500, 'internal', 'Something went wrong on the server.')
      else res.destroy()
    })
  })
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy())
    const path = (req.url ?? '').split('?')[0]
    // a WebSocket anywhere else is told there is none there
    if (!path.startsWith('/sync/')) return reject(socket, 404)
    try {
      sync.handleUpgrade(req, socket, head)
    } catch (e) {
      console.error(`upgrade ${redactUrl(req.url)} failed:`, e)
      socket.destroy()
    }
  })
  // a client that drops mid-request must not take the process with it
  server.on('clientError', (e: NodeJS.ErrnoException, socket) => {
    // a request whose head or body did not arrive within HTTP_TIMEOUTS is told so; anything else is malformed
    const status = e.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request'
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`)
    else socket.destroy()
  })

  const host = opts.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host
  if (cluster) {
    if (!cluster.address) cluster.address = `${shownHost}:${port}`
    await cluster.start()
  }

  // a load balancer's check: 503 from the moment the node begins to drain
  let draining = false
  function health(res: ServerResponse): void {
    res.writeHead(draining ? 503 : 200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
    res.end(JSON.stringify({ ok: !draining, node: cluster?.node ?? null }))
  }

  let closing: Promise<void> | null = null
  return {
    url: `http://${shownHost}:${port}`,
    port,
    db,
    sync,
    media,
    push,
    close: () =>
      (closing ??= (async () => {
        draining = true
        await stopCollector()
        await push.close()
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
        await sync.close()
        server.closeAllConnections()
        await stopped
        await db.close()
        await nodeLock?.release()
      })()),
  }
}
