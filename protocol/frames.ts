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

// Node's pooled Buffer where there is one: a frame is a slice of a shared 8 KB pool, where a Uint8Array
// of over 64 bytes (or lib0's encoder, which starts at 100) is an ArrayBuffer of its own, allocated and
// later collected for every message (bench:instructions). Browsers make plain Uint8Arrays.
const NodeBuffer = (globalThis as { Buffer?: { allocUnsafe(n: number): Uint8Array } }).Buffer
const alloc = NodeBuffer ? (n: number) => NodeBuffer.allocUnsafe(n) : (n: number) => new Uint8Array(n)

/** Bytes of lib0's varUint encoding of `n` (a non-negative safe integer). */
function varUintSize(n: number): number {
  let size = 1
  while (n > 0x7f) {
    size++
    n = Math.floor(n / 0x80)
  }
  return size
}

/** Writes `n` as lib0's varUint at `at`; returns the offset after it. */
function putVarUint(out: Uint8Array, at: number, n: number): number {
  while (n > 0x7f) {
    out[at++] = 0x80 | (n & 0x7f)
    n = Math.floor(n / 0x80)
  }
  out[at++] = n
  return at
}

// every byte is written (alloc's may hold old data): type, sub-type, length, payload
function syncFrame(sub: number, payload: Uint8Array): Uint8Array {
  const n = payload.byteLength
  const out = alloc(2 + varUintSize(n) + n)
  out[0] = MSG_SYNC
  out[1] = sub
  out.set(payload, putVarUint(out, 2, n))
  return out
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
  let size = varUintSize(MSG_ACK) + varUintSize(clocks.size)
  for (const [client, clock] of clocks) size += varUintSize(client) + varUintSize(clock)
  const out = alloc(size)
  let at = putVarUint(out, putVarUint(out, 0, MSG_ACK), clocks.size)
  for (const [client, clock] of clocks) at = putVarUint(out, putVarUint(out, at, client), clock)
  return out
}

/** Reads an ack's payload (after the message type has been read). */
export function readAck(d: decoding.Decoder): Map<number, number> {
  const clocks = new Map<number, number>()
  const n = decoding.readVarUint(d)
  for (let i = 0; i < n; i++) clocks.set(decoding.readVarUint(d), decoding.readVarUint(d))
  return clocks
}
