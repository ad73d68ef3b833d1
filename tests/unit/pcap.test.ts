// The bench's reader of loopback captures (bench/lib/pcap.ts), on captures written here byte by byte:
// frames split over segments, retransmitted bytes, masked client frames, a lost segment, and the bench's
// own HTTP requests on the same port.
import { describe, it, expect, afterAll } from 'vitest'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { readFrames } from '../../bench/lib/pcap.ts'

const SERVER = 8080
const dir = mkdtempSync(join(tmpdir(), 'sori-pcap-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

interface Seg {
  at: number
  from: number
  to: number
  seq: number
  data: Buffer
}

/** A nanosecond pcap of Ethernet/IPv4/TCP segments, as tcpdump writes on the loopback. */
function pcap(segs: Seg[]): string {
  const head = Buffer.alloc(24)
  head.writeUInt32LE(0xa1b23c4d, 0)
  head.writeUInt16LE(2, 4)
  head.writeUInt16LE(4, 6)
  head.writeUInt32LE(262144, 16)
  head.writeUInt32LE(1, 20)
  const recs = segs.map((s) => {
    const eth = Buffer.alloc(14)
    eth.writeUInt16BE(0x0800, 12)
    const ip = Buffer.alloc(20)
    ip[0] = 0x45
    ip.writeUInt16BE(20 + 20 + s.data.length, 2)
    ip[9] = 6
    const tcp = Buffer.alloc(20)
    tcp.writeUInt16BE(s.from, 0)
    tcp.writeUInt16BE(s.to, 2)
    tcp.writeUInt32BE(s.seq >>> 0, 4)
    tcp[12] = 5 << 4
    const pkt = Buffer.concat([eth, ip, tcp, s.data])
    const rec = Buffer.alloc(16)
    rec.writeUInt32LE(Math.floor(s.at / 1000), 0)
    rec.writeUInt32LE(Math.round((s.at % 1000) * 1e6), 4)
    rec.writeUInt32LE(pkt.length, 8)
    rec.writeUInt32LE(pkt.length, 12)
    return Buffer.concat([rec, pkt])
  })
  const file = join(dir, `${Math.random().toString(36).slice(2)}.pcap`)
  writeFileSync(file, Buffer.concat([head, ...recs]))
  return file
}

/** A binary WebSocket frame; masked as clients send them when `mask` is given. */
function frame(payload: Buffer, mask?: Buffer): Buffer {
  const len = payload.length
  const head = len < 126 ? Buffer.from([0x82, len]) : Buffer.from([0x82, 126, len >> 8, len & 0xff])
  if (!mask) return Buffer.concat([head, payload])
  head[1] |= 0x80
  return Buffer.concat([head, mask, Buffer.from(payload.map((b, i) => b ^ mask[i & 3]))])
}

describe('pcap reader (bench --capture)', () => {
  it('reassembles frames split over segments, unmasks client frames and skips retransmitted bytes', () => {
    const a = Buffer.alloc(300, 7)
    const b = Buffer.from('second')
    const fromClient = frame(Buffer.from('hello server'), Buffer.from([1, 2, 3, 4]))
    const out = Buffer.concat([frame(a), frame(b)])
    const seq = 0xfffffff0 // wraps past 2^32 inside the stream
    const file = pcap([
      { at: 1000, from: 5000, to: SERVER, seq: 10, data: fromClient },
      { at: 1001, from: SERVER, to: 5000, seq, data: out.subarray(0, 100) },
      // a retransmission of bytes already read, overlapping new ones
      { at: 1002, from: SERVER, to: 5000, seq: seq + 50, data: out.subarray(50, 250) },
      { at: 1003, from: SERVER, to: 5000, seq: seq + 250, data: out.subarray(250) },
    ])
    const { frames, stats } = readFrames(file, SERVER)
    expect(stats.gaps).toBe(0)
    expect(frames.map((f) => [f.client, f.toServer, Buffer.from(f.payload).toString('latin1')])).toEqual([
      [5000, true, 'hello server'],
      [5000, false, a.toString('latin1')],
      [5000, false, 'second'],
    ])
    // a frame carries the time of the segment that completed it
    expect(frames.map((f) => f.at)).toEqual([1000, 1003, 1003])
  })

  it('stops reading a stream after a lost segment, and skips HTTP exchanges on the port', () => {
    const f1 = frame(Buffer.from('one'))
    const f2 = frame(Buffer.from('two'))
    const file = pcap([
      { at: 1, from: SERVER, to: 6000, seq: 0, data: f1 },
      // the bytes from f1.length to f1.length + 10 were never captured
      { at: 2, from: SERVER, to: 6000, seq: f1.length + 10, data: f2 },
      {
        at: 3,
        from: 6001,
        to: SERVER,
        seq: 0,
        data: Buffer.from(`GET /api/metrics HTTP/1.1\r\nuser-agent: ${'x'.repeat(200)}\r\n\r\n`),
      },
      { at: 4, from: SERVER, to: 6001, seq: 0, data: Buffer.from(`HTTP/1.1 200 OK\r\n\r\n{"held":${'1'.repeat(200)}}`) },
    ])
    const { frames, stats } = readFrames(file, SERVER)
    expect(frames.map((f) => Buffer.from(f.payload).toString())).toEqual(['one'])
    expect(stats.gaps).toBe(1)
  })
})
