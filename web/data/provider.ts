// One y-websocket connection for one doc, plus Sori's acknowledgements (MSG_ACK) and close codes.
import * as Y from 'yjs'
import * as bc from 'lib0/broadcastchannel'
import * as decoding from 'lib0/decoding'
import * as encoding from 'lib0/encoding'
import { WebsocketProvider } from 'y-websocket'
import { Awareness, encodeAwarenessUpdate } from 'y-protocols/awareness'
import { CLOSE, MSG_ACK, MSG_AWARENESS, MSG_QUERY_AWARENESS, MSG_SYNC, encodeAck, readAck } from '../../protocol/wire.ts'
import { getToken } from './api.ts'
import { FROM_STORE } from './persistence.ts'

export type Ack = Map<number, number>

export interface ProviderHooks {
  /** the server durably holds every struct (client, clock) with clock < sv.get(client) */
  ack(sv: Ack): void
  /** the server closed with a permanent code (4401, 4403, 4400, 4404) */
  refused(code: number): void
}

const syncUrl = (): string => `${location.origin.replace(/^http/, 'ws')}/sync`

/** Peeks at what a sync frame from the server proves the server stores, without consuming it. */
function storedBy(d: decoding.Decoder): Ack | null {
  const c = decoding.clone(d)
  const type = decoding.readVarUint(c)
  const payload = decoding.readVarUint8Array(c)
  // step 1 is the server's state vector; step 2 and updates are things the server stored and forwarded
  if (type === 0) return Y.decodeStateVector(payload)
  return Y.parseUpdateMeta(payload).to
}

export function connect(name: string, doc: Y.Doc, userId: string, hooks: ProviderHooks): WebsocketProvider {
  const awareness = new Awareness(doc)
  // the server refuses awareness that claims another user; every doc carries who we are
  awareness.setLocalState({ user: { id: userId } })
  const p = new WebsocketProvider(syncUrl(), name, doc, {
    connect: false,
    awareness,
    params: { token: getToken() ?? '', ack: '1' },
  })
  // y-websocket sends every doc update not from itself; what Dexie loads (the whole stored state, with
  // its delete set) is not news to the server: step 2 sends whatever the server lacks
  doc.off('update', p._updateHandler)
  const onUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin !== FROM_STORE) p._updateHandler(update, origin)
  }
  doc.on('update', onUpdate)
  cleanups.set(p, () => { doc.off('update', onUpdate); awareness.off('update', onAwareness) })
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
    try { if (fromServer) sv = storedBy(dec) } catch { /* a malformed frame: y-protocols will report it */ }
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
  const ownAwareness = (): Uint8Array => {
    const e = encoding.createEncoder()
    encoding.writeVarUint(e, MSG_AWARENESS)
    encoding.writeVarUint8Array(e, encodeAwarenessUpdate(awareness, [doc.clientID]))
    return encoding.toUint8Array(e)
  }
  awareness.off('update', p._awarenessUpdateHandler)
  const onAwareness = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }): void => {
    if (![...added, ...updated, ...removed].includes(doc.clientID)) return
    const frame = ownAwareness()
    if (p.wsconnected && p.ws?.readyState === WebSocket.OPEN) p.ws.send(frame)
    if (p.bcconnected) bc.publish(p.bcChannel, frame, p)
  }
  awareness.on('update', onAwareness)
  p.messageHandlers[MSG_QUERY_AWARENESS] = (enc) => {
    encoding.writeVarUint(enc, MSG_AWARENESS)
    encoding.writeVarUint8Array(enc, encodeAwarenessUpdate(awareness, [doc.clientID]))
  }
  p.on('connection-close', (event) => {
    const code = event?.code ?? 0
    if (code === CLOSE.REFUSED) console.error(`sori: the server refused an update to ${name}`, event?.reason)
    if (code >= 4400 && code < 4500) hooks.refused(code)
  })
  p.connect()
  return p
}

const cleanups = new WeakMap<WebsocketProvider, () => void>()

export function disconnect(p: WebsocketProvider): void {
  cleanups.get(p)?.()
  p.destroy()
  p.awareness.destroy()
}
