// One WebSocket frame for a whole fan-out (conn.ts's broadcast: updates, awareness changes), and for a
// small message to one socket (Conn.send: acks, state vectors), which then goes out in one write. A
// server's frames are never masked, so the frame carrying a message is the same bytes for every socket
// of the document: it is built once and written to each socket as one buffer, instead of ws.send
// building a header per socket and handing the kernel two buffers through a corked writev each time.
// It costs less CPU per message than framing per socket (BENCHMARKS.md, "Measurements behind the
// defaults").
//
// This reaches into ws: the socket under a WebSocket. Writing to that socket directly keeps the order of
// frames only because ws writes every other frame synchronously too, which holds while
// permessage-deflate is off (server/sync/index.ts turns it off; with compression ws queues frames, and a
// direct write could overtake them).
import type { WebSocket } from 'ws'

/**
 * The whole unmasked binary frame carrying `payload` (RFC 6455, section 5.2: FIN and opcode 2, then the
 * length in 7 bits, or 126 and 16 bits, or 127 and 64 bits), in one buffer from Node's pool.
 */
export function fanoutFrame(payload: Uint8Array): Buffer {
  const n = payload.byteLength
  const head = n < 126 ? 2 : n < 0x10000 ? 4 : 10
  const frame = Buffer.allocUnsafe(head + n)
  frame[0] = 0x82
  if (head === 2) frame[1] = n
  else if (head === 4) {
    frame[1] = 126
    frame.writeUInt16BE(n, 2)
  } else {
    frame[1] = 127
    frame.writeUInt32BE(Math.floor(n / 0x100000000), 2)
    frame.writeUInt32BE(n >>> 0, 6)
  }
  frame.set(payload, head)
  return frame
}

/** Writes a frame from fanoutFrame to an open socket; false if this ws gives no socket to write to. */
export function writeFrame(socket: WebSocket, frame: Buffer): boolean {
  const raw = (socket as unknown as { _socket?: { write(b: Buffer): boolean } | null })._socket
  if (!raw) return false
  raw.write(frame)
  return true
}
