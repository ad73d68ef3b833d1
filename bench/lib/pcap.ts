// Reads a tcpdump capture of the loopback (capture.ts) back into WebSocket frames: pcap records →
// IPv4/TCP segments → each connection's two byte streams, in sequence order → frames (client frames
// unmasked). Each frame carries the capture time of the segment that completed it, in ms since the epoch.
import { readFileSync } from 'node:fs'

export interface WsFrame {
  /** the client's port: one per connection */
  client: number
  /** true for client → server */
  toServer: boolean
  opcode: number
  payload: Uint8Array
  /** ms since the epoch (the kernel's stamp, ns precision) */
  at: number
}

export interface PcapStats {
  segments: number
  /** segments that left a gap in their stream (a drop): the rest of that stream is not read */
  gaps: number
}

const LINK_ETHERNET = 1
const LINK_LINUX_SLL = 113

class Stream {
  private buf: Buffer = Buffer.alloc(0)
  next = -1
  broken = false
  /** an HTTP exchange, not a WebSocket: skipped */
  http = false
  /** no byte of the stream read yet */
  private fresh = true
  constructor(
    readonly client: number,
    readonly toServer: boolean,
  ) {}

  /** Appends a segment's bytes (in order) and returns the frames it completes. */
  push(seq: number, data: Buffer, at: number, out: WsFrame[]): void {
    if (this.broken) return
    let start = seq
    if (this.next >= 0) {
      const d = (seq - this.next) | 0 // sequence numbers wrap at 2^32
      if (d > 0) {
        this.broken = true
        return
      }
      if (d < 0) {
        if (-d >= data.length) return // a retransmission of bytes already read
        data = data.subarray(-d)
        start = this.next
      }
    }
    this.next = (start + data.length) >>> 0
    // the bench's own HTTP requests to the same port (GET /api/metrics) are not WebSocket streams
    if (this.fresh && /^(GET|POST|PUT|HEAD|HTTP\/)/.test(data.subarray(0, 5).toString('latin1'))) this.broken = this.http = true
    this.fresh = false
    if (this.broken) return
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data])
    for (;;) {
      const f = readFrame(this.buf)
      if (!f) break
      out.push({ client: this.client, toServer: this.toServer, opcode: f.opcode, payload: f.payload, at })
      this.buf = this.buf.subarray(f.size)
    }
  }
}

/** One WebSocket frame at the start of `b`, or null while it is incomplete. */
function readFrame(b: Buffer): { opcode: number; payload: Uint8Array; size: number } | null {
  if (b.length < 2) return null
  const opcode = b[0] & 0x0f
  const masked = (b[1] & 0x80) !== 0
  let len = b[1] & 0x7f
  let o = 2
  if (len === 126) {
    if (b.length < 4) return null
    len = b.readUInt16BE(2)
    o = 4
  } else if (len === 127) {
    if (b.length < 10) return null
    len = Number(b.readBigUInt64BE(2))
    o = 10
  }
  const key = masked ? o : -1
  if (masked) o += 4
  if (b.length < o + len) return null
  const payload = new Uint8Array(len)
  for (let i = 0; i < len; i++) payload[i] = masked ? b[o + i] ^ b[key + (i & 3)] : b[o + i]
  return { opcode, payload, size: o + len }
}

/** Every WebSocket frame to and from `serverPort` in the capture, in capture order. */
export function readFrames(file: string, serverPort: number): { frames: WsFrame[]; stats: PcapStats } {
  const f = readFileSync(file)
  const magic = f.readUInt32LE(0)
  if (magic !== 0xa1b23c4d && magic !== 0xa1b2c3d4) throw new Error(`${file}: not a little-endian pcap file`)
  const nano = magic === 0xa1b23c4d
  const link = f.readUInt32LE(20)
  if (link !== LINK_ETHERNET && link !== LINK_LINUX_SLL) throw new Error(`${file}: link type ${link} is not read here`)
  const linkHeader = link === LINK_ETHERNET ? 14 : 16
  const streams = new Map<string, Stream>()
  const frames: WsFrame[] = []
  const stats: PcapStats = { segments: 0, gaps: 0 }
  for (let p = 24; p + 16 <= f.length;) {
    const at = f.readUInt32LE(p) * 1000 + f.readUInt32LE(p + 4) / (nano ? 1e6 : 1e3)
    const caplen = f.readUInt32LE(p + 8)
    const rec = f.subarray(p + 16, p + 16 + caplen)
    p += 16 + caplen
    const ip = rec.subarray(linkHeader)
    if (ip.length < 20 || ip[0] >> 4 !== 4 || ip[9] !== 6) continue
    const ihl = (ip[0] & 0x0f) * 4
    const total = ip.readUInt16BE(2)
    const tcp = ip.subarray(ihl, total)
    const src = tcp.readUInt16BE(0)
    const dst = tcp.readUInt16BE(2)
    const seq = tcp.readUInt32BE(4)
    const data = tcp.subarray((tcp[12] >> 4) * 4)
    if (data.length === 0) continue
    const toServer = dst === serverPort
    if (!toServer && src !== serverPort) continue
    const client = toServer ? src : dst
    const key = `${client}${toServer ? '>' : '<'}`
    let s = streams.get(key)
    if (!s) streams.set(key, (s = new Stream(client, toServer)))
    stats.segments++
    const wasBroken = s.broken
    s.push(seq, Buffer.from(data), at, frames)
    if (s.broken && !wasBroken && !s.http) stats.gaps++
  }
  return { frames, stats }
}
