// A client's WebSocket upgrade for a document whose home another node owns goes to that node, byte for
// byte: this node writes the request on to the owner and then copies both directions. The owner
// authenticates, validates and answers as if the client were its own, so every socket of a home's
// documents is on its owner (fan-out, acks, typing and the socket's close code need nothing more), and
// this node parses none of the socket's frames: it only follows where the owner's frames end
// (FrameBounds), so that a draining node can end a relayed socket with a close frame of its own
// ("reconnect elsewhere") between two of the owner's frames, as it ends its own sockets.
import type { IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'

/** Marks a relayed upgrade: its receiver never relays it again (a home that moved meanwhile: 503, retry). */
export const RELAYED_HEADER = 'x-sori-relayed'

/**
 * Where the owner's frames end in the bytes it sends: first the HTTP answer to the upgrade (up to its
 * blank line), then WebSocket frames (RFC 6455 5.2: a 2-byte header, a 16- or 64-bit length, a mask key).
 */
export class FrameBounds {
  private http = true
  /** the last bytes of the HTTP answer seen, to find "\r\n\r\n" across chunks */
  private tail = ''
  private header: number[] = []
  private payloadLeft = 0

  /** The owner's answer to the upgrade is not through yet. */
  get inHttp(): boolean {
    return this.http
  }

  /** No frame is part-way through: a frame written now would not cut into one of the owner's. */
  get atBoundary(): boolean {
    return !this.http && this.header.length === 0 && this.payloadLeft === 0
  }

  /** How many bytes of `chunk` reach the next boundary (the whole chunk when there is none in it); consumes them. */
  advance(chunk: Buffer, stopAtBoundary: boolean): number {
    let i = 0
    while (i < chunk.length) {
      if (this.http) {
        const text = this.tail + chunk.toString('latin1', i, Math.min(chunk.length, i + 4096))
        const end = text.indexOf('\r\n\r\n')
        if (end < 0) {
          i = Math.min(chunk.length, i + 4096)
          this.tail = text.slice(-3)
          continue
        }
        i += end + 4 - this.tail.length
        this.http = false
        this.tail = ''
      } else if (this.payloadLeft > 0) {
        const n = Math.min(this.payloadLeft, chunk.length - i)
        this.payloadLeft -= n
        i += n
      } else {
        this.header.push(chunk[i++])
        const need = this.headerLength()
        if (this.header.length < need) continue
        this.payloadLeft = this.payloadLength()
        this.header = []
      }
      if (stopAtBoundary && this.atBoundary) return i
    }
    return i
  }

  private headerLength(): number {
    if (this.header.length < 2) return 2
    const len = this.header[1] & 0x7f
    const mask = this.header[1] & 0x80 ? 4 : 0
    return 2 + (len === 126 ? 2 : len === 127 ? 8 : 0) + mask
  }

  private payloadLength(): number {
    const h = this.header
    const len = h[1] & 0x7f
    if (len === 126) return (h[2] << 8) | h[3]
    if (len === 127) {
      let n = 0
      for (let k = 2; k < 10; k++) n = n * 256 + h[k]
      return n
    }
    return len
  }
}

/** A close frame from a server (unmasked): the code and a reason of at most 123 bytes. */
export function closeFrame(code: number, reason: string): Buffer {
  const text = Buffer.from(reason).subarray(0, 123)
  const out = Buffer.alloc(4 + text.length)
  out[0] = 0x88
  out[1] = 2 + text.length
  out.writeUInt16BE(code, 2)
  text.copy(out, 4)
  return out
}

interface Relayed {
  /** ends the client's socket with a close frame of this node's, at the owner's next frame boundary */
  end(code: number, reason: string): Promise<void>
  destroy(): void
}

/** How long a client has to answer a relay's close frame before its socket is cut. */
const CLOSE_WAIT_MS = 1_000

/** One server's relayed sockets. */
export class Relays {
  readonly open = new Set<Relayed>()
  /** set by end(): a relay whose connection to the owner comes up after it is cut at once */
  ended = false

  /**
   * Ends every socket relayed here with `code` (a drain: 4012, reconnect elsewhere), each at a boundary
   * between the owner's frames; waits until they are closed or `timeoutMs` has passed.
   */
  async end(code: number, reason: string, timeoutMs = 2_000): Promise<void> {
    this.ended = true
    const all = [...this.open].map((r) => r.end(code, reason))
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.all(all), new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)))])
    clearTimeout(timer)
    // an owner that never finished its frame, or a client that never answered: cut
    for (const r of this.open) r.destroy()
  }
}

/** A relayed socket: connect to `address`; rejects (nothing was written to `socket`) when the owner refuses the connection. */
export function relayUpgrade(relays: Relays, req: IncomingMessage, socket: Duplex, head: Buffer, address: string): Promise<void> {
  const colon = address.lastIndexOf(':')
  const host = address.slice(0, colon).replace(/^\[|\]$/g, '')
  const port = Number(address.slice(colon + 1))
  return new Promise<void>((resolve, reject) => {
    if (socket.destroyed) return resolve()
    const upstream: Socket = connect({ host, port })
    let connected = false
    const fail = (e: Error) => {
      if (connected) return
      upstream.destroy()
      reject(e)
    }
    upstream.once('error', fail)
    upstream.once('connect', () => {
      connected = true
      // the node is draining: a socket left open would hold its HTTP server (and its exit) until the client left
      if (relays.ended) {
        upstream.destroy()
        socket.destroy()
        return resolve()
      }
      upstream.off('error', fail)
      upstream.on('error', () => socket.destroy())
      upstream.setNoDelay(true)
      let text = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n`
      const raw = req.rawHeaders
      for (let i = 0; i + 1 < raw.length; i += 2) {
        if (raw[i].toLowerCase() === RELAYED_HEADER) continue
        text += `${raw[i]}: ${raw[i + 1]}\r\n`
      }
      text += `${RELAYED_HEADER}: 1\r\n\r\n`
      upstream.write(text)
      if (head.length) upstream.write(head)
      socket.pipe(upstream)

      // the owner's bytes, copied with their frame boundaries followed
      const bounds = new FrameBounds()
      let ending: { code: number; reason: string } | null = null
      let closed = false
      let whenClosed: () => void = () => {}
      const closedP = new Promise<void>((r) => (whenClosed = r))
      const finish = () => {
        if (closed) return
        closed = true
        socket.unpipe(upstream)
        upstream.destroy()
        // the client's answering close frame and its FIN are read and dropped, so the socket can close
        socket.on('data', () => {})
        socket.resume()
        socket.end(closeFrame(ending!.code, ending!.reason))
        setTimeout(() => socket.destroy(), CLOSE_WAIT_MS).unref()
      }
      upstream.on('data', (chunk: Buffer) => {
        if (closed || socket.destroyed) return
        const n = bounds.advance(chunk, ending !== null)
        const ok = socket.write(n === chunk.length ? chunk : chunk.subarray(0, n))
        if (ending && bounds.atBoundary) return finish()
        if (!ok) {
          upstream.pause()
          socket.once('drain', () => upstream.resume())
        }
      })
      const relayed: Relayed = {
        end(code, reason) {
          if (!ending && !closed) {
            ending = { code, reason }
            if (bounds.atBoundary) finish()
            // before the upgrade's answer is through there is no WebSocket to close: the upgrade fails
            else if (bounds.inHttp) socket.destroy()
          }
          return closedP
        },
        destroy() {
          upstream.destroy()
          socket.destroy()
        },
      }
      relays.open.add(relayed)
      // either side's end or reset ends the other: the client then reconnects (to whichever node)
      upstream.on('end', () => socket.end())
      upstream.on('close', () => {
        if (!closed && !ending) socket.destroy()
      })
      socket.on('close', () => {
        closed = true
        upstream.destroy()
        relays.open.delete(relayed)
        whenClosed()
      })
      resolve()
    })
  })
}
