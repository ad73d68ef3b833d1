// One y-websocket connection for one doc, plus Sori's acknowledgements (MSG_ACK) and close codes. The
// frames Sori reads or writes itself go through protocol/frames.ts.
import * as Y from 'yjs'
import * as bc from 'lib0/broadcastchannel'
import * as encoding from 'lib0/encoding'
import { WebsocketProvider } from 'y-websocket'
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import { decodeFrame, encodeAck, encodeAwarenessPayload, readAck } from '../../protocol/frames.ts'
import { CLOSE, MSG_ACK, MSG_QUERY_AWARENESS, MSG_SYNC, SORI_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../protocol/wire.ts'
import { getToken } from '../account/api.ts'
import { FROM_STORE } from '../store/persistence.ts'

export type Ack = Map<number, number>

export interface ProviderHooks {
  /** the server durably holds every struct (client, clock) with clock < sv.get(client) */
  ack(sv: Ack): void
  /** the server closed with a permanent code (4401, 4403, 4400, 4404), and said why */
  refused(code: number, reason: string): void
}

const syncUrl = (): string => `${location.origin.replace(/^http/, 'ws')}/sync`
/**
 * The session token goes in the WebSocket subprotocol (docs/protocol.md), not in the URL, so that it
 * never lands in a log or in the browser's console errors about a failed connection.
 */

/** What a sync frame from the server proves the server stores. */
function storedBy(frame: Uint8Array): Ack | null {
  const f = decodeFrame(frame)
  // step 1 is the server's state vector; step 2 and updates are things the server stored and forwarded
  if (f.type === 'sync-step1') return Y.decodeStateVector(f.stateVector)
  if (f.type === 'sync-step2' || f.type === 'update') return Y.parseUpdateMeta(f.update).to
  return null
}

export function connect(name: string, doc: Y.Doc, userId: string, hooks: ProviderHooks): WebsocketProvider {
  const awareness = new Awareness(doc)
  // nothing said until the chat is on screen or someone types in it (own-state.ts); y-protocols starts at {}
  awareness.setLocalState(null)
  const token = getToken()
  const p = new WebsocketProvider(syncUrl(), name, doc, {
    connect: false,
    awareness,
    params: { ack: '1' },
    protocols: token ? [SORI_PROTOCOL, TOKEN_PROTOCOL_PREFIX + token] : [],
  })
  // y-websocket sends every doc update not from itself; what Dexie loads (the whole stored state, with
  // its delete set) is not news to the server: step 2 sends whatever the server lacks
  doc.off('update', p._updateHandler)
  const onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin !== FROM_STORE) p._updateHandler(update, origin)
  }
  doc.on('update', onUpdate)
  cleanups.set(p, () => {
    doc.off('update', onUpdate)
    awareness.off('update', onAwareness)
  })
  const share = (sv: Ack): void => {
    hooks.ack(sv)
    // other tabs of this app hold the same items (they came over BroadcastChannel) but only this
    // socket hears the ack: pass it on in the same channel y-websocket uses for this doc
    if (p.bcconnected) bc.publish(p.bcChannel, encodeAck(sv), p)
  }
  const sync = p.messageHandlers[MSG_SYNC]
  p.messageHandlers[MSG_SYNC] = (enc, dec, prov, fromServer, type) => {
    // `fromServer` is false for frames from other tabs, whose state vectors prove nothing about the server
    let sv: Ack | null = null
    // y-websocket's decoder reads the whole frame, from its message type on
    try {
      if (fromServer) sv = storedBy(dec.arr)
    } catch {
      /* a malformed frame: y-protocols will report it */
    }
    sync(enc, dec, prov, fromServer, type)
    if (sv && sv.size) share(sv)
  }
  p.messageHandlers[MSG_ACK] = (_enc, dec, _prov, fromServer) => {
    const sv = readAck(dec)
    if (fromServer) share(sv)
    else hooks.ack(sv)
  }
  // y-websocket re-broadcasts every awareness change, other clients' included (and answers a query
  // with all states); the server refuses states of clientIDs that are not ours. Send only our own.
  const ownAwareness = (): Uint8Array => encodeAwarenessPayload(encodeAwarenessUpdate(awareness, [doc.clientID]))
  awareness.off('update', p._awarenessUpdateHandler)
  const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }): void => {
    if (![...added, ...updated, ...removed].includes(doc.clientID)) return
    const frame = ownAwareness()
    if (p.wsconnected && p.ws?.readyState === WebSocket.OPEN) p.ws.send(frame)
    if (p.bcconnected) bc.publish(p.bcChannel, frame, p)
  }
  awareness.on('update', onAwareness)
  // the answer is whatever the handler writes into `enc`: our own awareness frame, as is
  p.messageHandlers[MSG_QUERY_AWARENESS] = (enc) => encoding.writeUint8Array(enc, ownAwareness())
  p.on('connection-close', (event) => {
    const code = event?.code ?? 0
    if (code === CLOSE.REFUSED) console.error(`sori: the server refused an update to ${name}`, event?.reason)
    if (code >= 4400 && code < 4500) hooks.refused(code, String(event?.reason ?? ''))
    else if (p.shouldConnect) jitteredRetry(p, code)
  })
  p.connect()
  return p
}

/**
 * y-websocket retries after exactly 2^n × 100 ms, so every client of a server that went away (a node
 * restarting or draining: 4012) would come back in the same instant. The retry is ours instead, at a
 * random point of that interval (at least 100 ms; within 1 s after a 4012; 5–15 s after a 4029); y-websocket's own timer finds
 * `shouldConnect` false and does nothing.
 */
function jitteredRetry(p: WebsocketProvider, code: number): void {
  // over a rate limit (4029), what was refused is sent again when the socket is back: some seconds later,
  // so that it passes, and not in step with the other tabs and devices of the same channel's admins
  const slow = code === CLOSE.SLOW_DOWN
  const cap = slow
    ? 10_000
    : code === CLOSE.RELOAD
      ? 1000
      : Math.min(2 ** (p.wsUnsuccessfulReconnects + 1) * 100, p.maxBackoffTime)
  const floor = slow ? 5_000 : 100
  p.shouldConnect = false
  let timer: ReturnType<typeof setTimeout> | undefined
  const retry = (from: number, span: number): void => {
    clearTimeout(timer)
    timer = setTimeout(
      () => {
        removeEventListener('online', back)
        retries.delete(p)
        p.connect()
      },
      from + Math.random() * span,
    )
  }
  const back = (): void => retry(floor, cap)
  // with no network at all, a try a second only spends a phone's battery (and fills the console with
  // failed sockets): the network's return is what starts the next one, and a slow try every half a minute
  // covers a device that says it is offline when its server is not (a laptop running Sori itself)
  if (navigator.onLine) back()
  else {
    addEventListener('online', back, { once: true })
    retry(OFFLINE_RETRY_MS / 2, OFFLINE_RETRY_MS)
  }
  retries.set(p, () => {
    removeEventListener('online', back)
    clearTimeout(timer)
  })
}

/** While the device says it has no network, ms between tries, about (from half of it to one and a half). */
const OFFLINE_RETRY_MS = 30_000

/** A jittered retry waiting to connect; a deliberate connect or disconnect cancels it (`cancelRetry`). */
const retries = new WeakMap<WebsocketProvider, () => void>()

/** Cancels a waiting jittered retry (before the app connects or disconnects a provider itself). */
export function cancelRetry(p: WebsocketProvider): void {
  retries.get(p)?.()
  retries.delete(p)
}

const cleanups = new WeakMap<WebsocketProvider, () => void>()

export function disconnect(p: WebsocketProvider): void {
  cancelRetry(p)
  cleanups.get(p)?.()
  p.destroy()
  p.awareness.destroy()
}
