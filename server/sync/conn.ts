// One WebSocket on one document, with its bounded send queue.
import type { WebSocket } from 'ws'
import { CLOSE } from '../../protocol/wire.ts'
import type { SyncDoc } from './doc.ts'

let nextId = 1

export class Conn {
  readonly id = nextId++
  closed = false
  /** answered the last ping */
  alive = true
  /** awareness clientIDs this socket announced */
  readonly awarenessClients = new Set<number>()

  constructor(
    readonly ws: WebSocket,
    readonly doc: SyncDoc,
    readonly userId: string,
    readonly sessionId: string,
    readonly wantsAck: boolean,
    private maxBuffered: number,
  ) {}

  /** Sends a frame, or closes the socket so that it resyncs when it has fallen too far behind. */
  send(frame: Uint8Array): void {
    if (this.closed) return
    if (this.ws.bufferedAmount > this.maxBuffered) {
      this.close(CLOSE.RESYNC, 'send queue is full; resync')
      return
    }
    this.ws.send(frame)
  }

  close(code: number, reason: string): void {
    if (this.closed) return
    this.closed = true
    try {
      this.ws.close(code, reason.slice(0, 120))
    } catch {
      this.ws.terminate()
    }
    // a peer that never finishes the closing handshake must not hold the socket
    setTimeout(() => { if (this.ws.readyState !== this.ws.CLOSED) this.ws.terminate() }, 5000).unref()
  }
}
