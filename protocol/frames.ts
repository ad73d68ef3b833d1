// The sync endpoint's frames, encoded and decoded in one place for the server, the PWA, the tests and
// bench/: y-websocket's sync (step 1, step 2, update), awareness and query-awareness messages, and
// Sori's acknowledgement. The bytes are exactly y-protocols' (a stock client reads and writes them).
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { MSG_ACK, MSG_AUTH, MSG_AWARENESS, MSG_QUERY_AWARENESS, MSG_SYNC } from './wire.ts'

/** y-protocols' sync message kinds (the second varUint of a MSG_SYNC frame). */
export const SYNC_STEP1 = 0
export const SYNC_STEP2 = 1
export const SYNC_UPDATE = 2

/** At most this many states in one awareness message (a client sends its own, a server relays many). */
export const MAX_AWARENESS_ENTRIES = 64

/** One awareness state as y-protocols encodes it: `state` is JSON text, or 'null' for a removal. */
export interface AwarenessChange {
  client: number
  clock: number
  state: string
}

export type Frame =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array }
  | { type: 'update'; update: Uint8Array }
  /** the raw awareness update (decode it with decodeAwareness) */
  | { type: 'awareness'; payload: Uint8Array }
  | { type: 'query-awareness' }
  /** y-websocket's auth message; Sori neither sends nor reads its content */
  | { type: 'auth' }
  | { type: 'ack'; clocks: Map<number, number> }

/** Decodes one frame; throws on an unknown type or truncated content. */
export function decodeFrame(data: Uint8Array): Frame {
  const d = decoding.createDecoder(data)
  const type = decoding.readVarUint(d)
  switch (type) {
    case MSG_SYNC: {
      const sub = decoding.readVarUint(d)
      if (sub === SYNC_STEP1) return { type: 'sync-step1', stateVector: decoding.readVarUint8Array(d) }
      if (sub === SYNC_STEP2) return { type: 'sync-step2', update: decoding.readVarUint8Array(d) }
      if (sub === SYNC_UPDATE) return { type: 'update', update: decoding.readVarUint8Array(d) }
      throw new Error('unknown sync message')
    }
    case MSG_AWARENESS:
      return { type: 'awareness', payload: decoding.readVarUint8Array(d) }
    case MSG_QUERY_AWARENESS:
      return { type: 'query-awareness' }
    case MSG_AUTH:
      return { type: 'auth' }
    case MSG_ACK:
      return { type: 'ack', clocks: readAck(d) }
    default:
      throw new Error('unknown message type')
  }
}

function syncFrame(sub: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MSG_SYNC)
  encoding.writeVarUint(e, sub)
  encoding.writeVarUint8Array(e, payload)
  return encoding.toUint8Array(e)
}

/** Sync step 1: a state vector, asking the other side for what it lacks. */
export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array => syncFrame(SYNC_STEP1, stateVector)
/** Sync step 2: the answer to a step 1, an update holding what the asker lacks. */
export const encodeSyncStep2 = (update: Uint8Array): Uint8Array => syncFrame(SYNC_STEP2, update)
/** An incremental update. */
export const encodeUpdate = (update: Uint8Array): Uint8Array => syncFrame(SYNC_UPDATE, update)

/** An awareness frame around an already encoded awareness update (y-protocols' encodeAwarenessUpdate). */
export function encodeAwarenessPayload(payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MSG_AWARENESS)
  encoding.writeVarUint8Array(e, payload)
  return encoding.toUint8Array(e)
}

/** Asks the other side for every awareness state it holds. */
export function encodeQueryAwareness(): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MSG_QUERY_AWARENESS)
  return encoding.toUint8Array(e)
}

/** Decodes an awareness update's states; throws on malformed input or more than `max` states. */
export function decodeAwareness(payload: Uint8Array, max = MAX_AWARENESS_ENTRIES): AwarenessChange[] {
  const d = decoding.createDecoder(payload)
  const n = decoding.readVarUint(d)
  if (n > max) throw new Error('too many awareness states')
  const out: AwarenessChange[] = []
  for (let i = 0; i < n; i++) {
    const client = decoding.readVarUint(d)
    const clock = decoding.readVarUint(d)
    const state = decoding.readVarString(d)
    out.push({ client, clock, state })
  }
  return out
}

/** The awareness update payload holding these states. */
export function encodeAwareness(changes: readonly AwarenessChange[]): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, changes.length)
  for (const c of changes) {
    encoding.writeVarUint(e, c.client)
    encoding.writeVarUint(e, c.clock)
    encoding.writeVarString(e, c.state)
  }
  return encoding.toUint8Array(e)
}

/** A whole awareness frame holding these states. */
export const encodeAwarenessFrame = (changes: readonly AwarenessChange[]): Uint8Array =>
  encodeAwarenessPayload(encodeAwareness(changes))

/**
 * Sori's acknowledgement (MSG_ACK): for each clientID of the sender's that a committed update wrote,
 * the clock up to which its structs are durably stored (Y.encodeStateVector's format).
 */
export function encodeAck(clocks: ReadonlyMap<number, number>): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MSG_ACK)
  encoding.writeVarUint(e, clocks.size)
  for (const [client, clock] of clocks) {
    encoding.writeVarUint(e, client)
    encoding.writeVarUint(e, clock)
  }
  return encoding.toUint8Array(e)
}

/** Reads an ack's payload (after the message type has been read). */
export function readAck(d: decoding.Decoder): Map<number, number> {
  const clocks = new Map<number, number>()
  const n = decoding.readVarUint(d)
  for (let i = 0; i < n; i++) clocks.set(decoding.readVarUint(d), decoding.readVarUint(d))
  return clocks
}
