// The HTTP upgrade on /sync/<doc>: 404 for a name no document kind knows, 401 without a valid token, 403
// when the kind says the user may not open the document — all before any WebSocket exists. Nothing is kept per
// attempt: a refused attempt costs one response and the socket is gone.
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { WebSocket, WebSocketServer } from 'ws'
import { encodeSyncStep1 } from '../../protocol/frames.ts'
import type { Resolved } from './kind.ts'
import type { SyncContext } from './context.ts'
import type { SyncDoc } from './doc.ts'
import { Conn } from './conn.ts'
import { onFrame, refuse, releaseHeld } from './handle.ts'
import { allAwareness, relayAwareness, removeConnAwareness } from './awareness.ts'
import { CLOSE, TOKEN_PROTOCOL_PREFIX } from '../../protocol/wire.ts'
import { log } from './log.ts'
import { homeOf } from './homes.ts'
import { NotOwner, type Route } from '../cluster/cluster.ts'
import { RELAYED_HEADER, relayUpgrade, type Relays } from '../cluster/relay.ts'

const STATUS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
}

/** Answers an upgrade request with an HTTP error and closes its connection. */
export function reject(socket: Duplex, status: number): void {
  if (socket.destroyed) return
  const text = STATUS[status] ?? 'Error'
  socket.once('finish', () => socket.destroy())
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`,
  )
}

/** The tokens offered as subprotocols `sori.token.<token>`, in order. */
export function protocolTokens(header: string | string[] | undefined): string[] {
  const value = Array.isArray(header) ? header.join(',') : header
  if (!value) return []
  const out: string[] = []
  for (const p of value.split(',')) {
    const t = p.trim()
    if (t.startsWith(TOKEN_PROTOCOL_PREFIX) && t.length > TOKEN_PROTOCOL_PREFIX.length)
      out.push(t.slice(TOKEN_PROTOCOL_PREFIX.length))
  }
  return out
}

interface Admitted {
  userId: string
  sessionId: string
  doc: SyncDoc
}

/** With several nodes: the home is owned elsewhere, and the upgrade goes there (relay.ts). */
interface Elsewhere {
  owner: Extract<Route, { local: false }>
}

async function admit(
  ctx: SyncContext,
  token: string,
  resolved: Resolved,
  name: string,
  relayed: boolean,
): Promise<Admitted | Elsewhere | number> {
  const auth = await ctx.authenticate(token)
  if (!auth) return 401
  const access = await resolved.kind.access(auth.userId, resolved.key)
  if (!access) return 403
  // what access read stays held across the load, so the kind's open() finds it instead of reading it again
  try {
    const cluster = ctx.cluster
    const home = cluster ? homeOf(resolved.kind, resolved.key, name) : null
    if (cluster && home) {
      // only an upgrade that may open the document decides who owns its home
      const r = await cluster.route(home)
      // relayed here, but the home moved meanwhile: the client retries, and finds the owner then
      if (!r.local) return relayed ? 503 : { owner: r }
      const open = await cluster.socketsOf(auth.userId).catch(() => 0)
      if (open >= ctx.opts.maxSocketsPerUser) {
        ctx.docs.releaseIfEmpty(home)
        return 429
      }
    }
    const doc = await ctx.docs.acquire(name, resolved)
    if (!doc && home) ctx.docs.releaseIfEmpty(home)
    return doc ? { userId: auth.userId, sessionId: auth.sessionId, doc } : 403
  } finally {
    access.release()
  }
}

/** Attempts at an upgrade whose owner turned out to be gone (each forgets it, so the next may take the home). */
const RELAY_ATTEMPTS = 3

// Module-level: a listener created inside handleUpgrade would keep that call's scope (the request, its
// headers, the head buffer) alive for as long as the socket lives.
const ignoreError = () => {}

export function createUpgradeHandler(ctx: SyncContext, wss: WebSocketServer, relays: Relays) {
  return function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, attempt = 0): void {
    if (attempt === 0) socket.on('error', ignoreError) // a reset during the async auth must not crash the process
    if (ctx.closing) return reject(socket, 503)
    let url: URL
    let name: string
    try {
      url = new URL(req.url ?? '/', 'http://localhost')
      if (!url.pathname.startsWith('/sync/')) return reject(socket, 404)
      name = decodeURIComponent(url.pathname.slice('/sync/'.length))
    } catch {
      return reject(socket, 404)
    }
    const resolved = ctx.kinds.resolve(name)
    if (!resolved) return reject(socket, 404)
    // in the query, as subprotocols, or both: two different tokens anywhere are refused, since which account
    // is meant is anyone's guess (and taking the first would let the order of the two decide)
    const tokens = new Set([...url.searchParams.getAll('token'), ...protocolTokens(req.headers['sec-websocket-protocol'])])
    tokens.delete('')
    if (tokens.size > 1) return reject(socket, 400)
    const [token] = tokens
    if (!token) return reject(socket, 401)
    const wantsAck = url.searchParams.get('ack') === '1'

    const relayed = req.headers[RELAYED_HEADER] !== undefined
    admit(ctx, token, resolved, name, relayed).then(
      (r) => {
        if (typeof r === 'number') return reject(socket, r)
        if ('owner' in r) {
          const { node, address } = r.owner
          relayUpgrade(relays, req, socket, head, address).catch(async () => {
            // nothing listens at the owner's address: its process is gone, and its homes are free now
            await ctx.cluster?.unreachable(node, address)
            if (attempt + 1 >= RELAY_ATTEMPTS || ctx.closing) return reject(socket, 503)
            handleUpgrade(req, socket, head, attempt + 1)
          })
          return
        }
        if (socket.destroyed || ctx.closing || r.doc.dead) {
          ctx.docs.release(r.doc)
          return reject(socket, 503)
        }
        // one account's sockets are bounded: each costs the server memory whatever it is used for
        if ((ctx.userSockets.get(r.userId) ?? 0) >= ctx.opts.maxSocketsPerUser) {
          ctx.docs.release(r.doc)
          return reject(socket, 429)
        }
        wss.handleUpgrade(req, socket, head, (ws) => connect(ctx, ws, r, wantsAck))
      },
      (e) => {
        // the home was taken by another node between the route and the load: the client retries
        if (e instanceof NotOwner) return reject(socket, 503)
        log.error('upgrade failed', e, { doc: name })
        reject(socket, 500)
      },
    )
  }
}

function connect(ctx: SyncContext, ws: WebSocket, a: Admitted, wantsAck: boolean): void {
  const doc = a.doc
  const conn = new Conn(ws, doc, a.userId, a.sessionId, wantsAck, ctx.opts.maxBuffered, ctx.opts.maxUserBuffered)
  doc.conns.add(conn)
  ctx.userSockets.set(a.userId, (ctx.userSockets.get(a.userId) ?? 0) + 1)
  ctx.cluster?.socketsChanged(a.userId)
  let sessionConns = ctx.sessions.get(a.sessionId)
  if (!sessionConns) ctx.sessions.set(a.sessionId, (sessionConns = new Set()))
  sessionConns.add(conn)

  ws.on('error', ignoreError) // oversized or malformed frames: ws closes the socket itself (1009/1002)
  ws.on('pong', () => {
    conn.alive = true
  })
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return refuse(conn, CLOSE.REFUSED, 'text frames are not allowed')
    onFrame(ctx, conn, data as Buffer)
  })
  ws.on('close', () => {
    conn.closed = true
    doc.conns.delete(conn)
    const s = ctx.sessions.get(a.sessionId)
    if (s) {
      s.delete(conn)
      if (s.size === 0) ctx.sessions.delete(a.sessionId)
    }
    const n = (ctx.userSockets.get(a.userId) ?? 1) - 1
    if (n > 0) ctx.userSockets.set(a.userId, n)
    else ctx.userSockets.delete(a.userId)
    ctx.cluster?.socketsChanged(a.userId)
    ctx.announced.drop(conn)
    releaseHeld(ctx, conn)
    if (!doc.dead) {
      const gone = removeConnAwareness(doc, conn)
      if (gone) relayAwareness(doc, conn, gone)
    }
    ctx.docs.release(doc)
  })

  // the server's half of the handshake: its state vector (never covering uncommitted updates, so
  // queued behind them), then the current awareness states
  doc.enqueue(async () => {
    if (doc.uncommitted > 0) await doc.lastCommit
    if (conn.closed || doc.dead) return
    conn.greet(encodeSyncStep1(doc.stateVector()))
    const aw = allAwareness(doc, conn)
    if (aw) conn.send(aw)
  })
}
