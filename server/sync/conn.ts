// One WebSocket on one document, with its bounded send queue.
import type { WebSocket } from 'ws'
import { CLOSE } from '../../protocol/wire.ts'
import type { SyncDoc } from './doc.ts'
import { fanoutFrame, writeFrame } from './fanout-frame.ts'

let nextId = 1

/** Messages up to this size are sent as one buffer holding the whole frame, bytes. */
const ONE_BUFFER_MAX = 16 * 1024
/** Messages a socket may have waiting for the server's sync step 1 before it is told to resync. */
const EARLY_MAX = 1024

/**
 * Each user's open sockets on this node. A large message (a whole page's sync step 2, up to tens of MB) is
 * queued whole even on a socket that reads nothing: what a user's sockets hold queued together is bounded
 * here, or 256 sockets that never read would hold gigabytes.
 */
const byUser = new Map<string, Set<Conn>>()

export class Conn {
  readonly id = nextId++
  closed = false
  /** answered the last ping */
  alive = true
  /** awareness clientIDs this socket announced */
  readonly awarenessClients = new Set<number>()
  /** the client's first sync step 2 (its answer to the server's step 1) has been handled */
  answered = false
  /** updates with a gap that came before that answer, held until it is in (handle.ts) */
  held: Uint8Array[] = []
  heldBytes = 0
  /** refuses the socket if its step 2 has not come SyncOptions.holdMs after it began holding */
  holdTimer: NodeJS.Timeout | null = null
  /**
   * What the document sent before the server's sync step 1 went out (it waits for the commits under way),
   * in order: the step 1 is the first frame of every connection (docs/protocol.md); null once it went.
   */
  private early: Array<[Uint8Array, Buffer | null]> | null = []

  constructor(
    readonly ws: WebSocket,
    readonly doc: SyncDoc,
    readonly userId: string,
    readonly sessionId: string,
    readonly wantsAck: boolean,
    private maxBuffered: number,
    private maxUserBuffered: number,
  ) {
    let mine = byUser.get(userId)
    if (!mine) byUser.set(userId, (mine = new Set()))
    mine.add(this)
    ws.once('close', () => {
      mine.delete(this)
      if (mine.size === 0 && byUser.get(userId) === mine) byUser.delete(userId)
    })
  }

  /** Reads nothing more from the socket for `ms` (its user's CPU budget is spent: cpu-budget.ts). */
  rest(ms: number): void {
    if (this.closed || this.ws.isPaused) return
    this.ws.pause()
    setTimeout(() => {
      if (!this.closed) this.ws.resume()
    }, ms)
  }

  /** Sends the server's sync step 1, then whatever waited for it. */
  greet(step1: Uint8Array): void {
    const early = this.early
    this.early = null
    this.send(step1)
    if (early) for (const [message, frame] of early) frame ? this.sendFrame(message, frame) : this.send(message)
  }

  /** Keeps a message for after the step 1: false when there is no step 1 to wait for any more. */
  private wait(message: Uint8Array, frame: Buffer | null): boolean {
    if (!this.early) return false
    if (this.early.length >= EARLY_MAX) this.close(CLOSE.RESYNC, 'send queue is full; resync')
    else this.early.push([message, frame])
    return true
  }

  /** Sends a message, or closes the socket so that it resyncs when it has fallen too far behind. */
  send(message: Uint8Array): void {
    if (this.closed || this.wait(message, null)) return
    // a small message goes as one buffer (one write, like a fan-out's frame); a big one, such as a
    // sync step 2 of a whole page, is not copied into a frame but written behind ws's header
    const frame = message.byteLength <= ONE_BUFFER_MAX ? fanoutFrame(message) : null
    if (frame) this.sendFrame(message, frame)
    else if (this.roomFor() && this.userRoomFor(message.byteLength)) this.ws.send(message)
  }

  /**
   * false, and the socket closed so that it resyncs later, when the user's sockets hold too much queued
   * already (with nothing queued, a message goes however large: a big page must reach an honest phone)
   */
  private userRoomFor(bytes: number): boolean {
    let queued = 0
    for (const c of byUser.get(this.userId) ?? []) queued += c.ws.bufferedAmount
    if (queued === 0 || queued + bytes <= this.maxUserBuffered) return true
    this.close(CLOSE.RESYNC, 'send queue is full; resync')
    return false
  }

  /** Sends `message` as `frame`, the whole WebSocket frame that `broadcast` built for it once. */
  sendFrame(message: Uint8Array, frame: Buffer): void {
    if (this.closed || this.wait(message, frame) || this.ws.readyState !== this.ws.OPEN || !this.roomFor()) return
    if (!writeFrame(this.ws, frame)) this.ws.send(message)
  }

  /** false, and the socket closed so that it resyncs, when it has fallen too far behind */
  private roomFor(): boolean {
    if (this.ws.bufferedAmount <= this.maxBuffered) return true
    this.close(CLOSE.RESYNC, 'send queue is full; resync')
    return false
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
    setTimeout(() => {
      if (this.ws.readyState !== this.ws.CLOSED) this.ws.terminate()
    }, 5000).unref()
  }
}

/**
 * Sends one message to every socket of `conns` that `skip` does not exclude, its WebSocket frame built
 * once for all of them (fanout-frame.ts), and not at all when no socket gets it.
 */
export function broadcast(conns: Iterable<Conn>, message: Uint8Array, skip?: (c: Conn) => boolean): void {
  let frame: Buffer | undefined
  for (const c of conns) {
    if (skip?.(c)) continue
    frame ??= fanoutFrame(message)
    c.sendFrame(message, frame)
  }
}
