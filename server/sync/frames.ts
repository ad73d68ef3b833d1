// Frames the server sends that are not updates (updates are encoded in commit.ts, acks in protocol/wire.ts).
import * as encoding from 'lib0/encoding'
import { MSG_SYNC } from '../../protocol/wire.ts'

/** Sync step 1: the server's state vector, asking the client for what the server lacks. */
export function encodeStateVectorFrame(sv: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MSG_SYNC)
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint8Array(e, sv)
  return encoding.toUint8Array(e)
}
