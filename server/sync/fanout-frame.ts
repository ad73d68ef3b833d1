// One WebSocket frame for a whole fan-out (conn.ts's broadcast: updates, awareness changes), and for a
// small message to one socket (Conn.send: acks, state vectors), which then goes out in one write. A
// server's frames are never masked, so the frame carrying a message is the same bytes for every socket
// of the document: it is built once (ws's own Sender.frame) and written to each socket as one buffer,
// instead of ws.send building a header per socket and handing the kernel two buffers through a corked
// writev each time. It costs less CPU per message than framing per socket (BENCHMARKS.md, "Measurements
// behind the defaults").
//
// This reaches into ws: its Sender class (exported at run time, not in its types) and the socket under
// a WebSocket. Writing to that socket directly keeps the order of frames only because ws writes every
// other frame synchronously too, which holds while permessage-deflate is off (server/sync/index.ts turns
// it off; with compression ws queues frames, and a direct write could overtake them).
import * as ws from 'ws'
import type { WebSocket } from 'ws'

interface SenderStatic {
  frame(data: Buffer, options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean }): Buffer[]
}
const Sender = (ws as unknown as { Sender?: SenderStatic }).Sender

/** The whole binary frame carrying `payload`, or null if this ws has no Sender.frame (then send per socket). */
export function fanoutFrame(payload: Uint8Array): Buffer | null {
  if (!Sender) return null
  const data = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  return Buffer.concat(Sender.frame(data, { fin: true, rsv1: false, opcode: 0x2, mask: false, readOnly: true }))
}

/** Writes a frame from fanoutFrame to an open socket; false if this ws gives no socket to write to. */
export function writeFrame(socket: WebSocket, frame: Buffer): boolean {
  const raw = (socket as unknown as { _socket?: { write(b: Buffer): boolean } | null })._socket
  if (!raw) return false
  raw.write(frame)
  return true
}
