// How long the HTTP server waits for a client that does not finish its request. With Node's defaults
// (60 s for the head, 300 s for the whole request, checked every 30 s) a client that sends half a
// request head, such as a half-open WebSocket upgrade, holds its socket for up to 90 s.
import type { ServerOptions } from 'node:http'

/** The request head (request line and headers, WebSocket upgrades included) must arrive within this. */
export const HEADERS_TIMEOUT_MS = 10_000
/** The whole request, head and body (at most MAX_JSON_BYTES), must arrive within this; upgraded sockets are not bound by it. */
export const REQUEST_TIMEOUT_MS = 30_000

export const HTTP_TIMEOUTS: ServerOptions = {
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  // how often Node looks for requests past those bounds: its default (30 s) would let a socket outlive them by as much
  connectionsCheckingInterval: 1_000,
}
