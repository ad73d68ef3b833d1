// The server writes its sync, ack and WebSocket frames byte by byte (no lib0 encoder, no ws framing per
// message): every byte must be what y-protocols' lib0 encoding and ws's own framing produce, at each
// length where a varUint or a frame header grows.
import { describe, expect, it } from 'vitest'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as ws from 'ws'
import { decodeFrame, encodeAck, encodeSyncStep1, encodeSyncStep2, encodeUpdate } from '../../protocol/frames.ts'
import { MSG_ACK, MSG_SYNC } from '../../protocol/wire.ts'
import { fanoutFrame } from '../../server/sync/fanout-frame.ts'

const bytes = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)

function lib0Sync(sub: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, MSG_SYNC)
  encoding.writeVarUint(e, sub)
  encoding.writeVarUint8Array(e, payload)
  return encoding.toUint8Array(e)
}

// payload lengths around each step of the varUint and of the frame header
const LENGTHS = [0, 1, 61, 62, 63, 64, 125, 126, 127, 128, 129, 16383, 16384, 65535, 65536, 70_000]

describe('sync frames', () => {
  it('are the bytes lib0 writes, for every length', () => {
    for (const n of LENGTHS) {
      const p = bytes(n, n)
      expect(Buffer.from(encodeUpdate(p)).equals(Buffer.from(lib0Sync(2, p))), `update of ${n} bytes`).toBe(true)
      expect(Buffer.from(encodeSyncStep1(p)).equals(Buffer.from(lib0Sync(0, p))), `step 1 of ${n} bytes`).toBe(true)
      expect(Buffer.from(encodeSyncStep2(p)).equals(Buffer.from(lib0Sync(1, p))), `step 2 of ${n} bytes`).toBe(true)
    }
  })

  it('decode back to their payload, which is not shared with a later frame', () => {
    const a = encodeUpdate(bytes(40, 1))
    encodeUpdate(bytes(40, 2))
    const f = decodeFrame(a)
    expect(f.type).toBe('update')
    expect(Array.from((f as { update: Uint8Array }).update)).toEqual(Array.from(bytes(40, 1)))
  })
})

describe('ack frames', () => {
  it('are the bytes lib0 writes, clientIDs up to 2^32 - 1 and clocks past 2^31 included', () => {
    const cases: Array<Map<number, number>> = [
      new Map(),
      new Map([[1, 1]]),
      new Map([[127, 128]]),
      new Map([
        [0xffffffff, 0x7fffffff + 5],
        [2 ** 31, 16384],
        [123456789, 0],
      ]),
    ]
    for (const clocks of cases) {
      const e = encoding.createEncoder()
      encoding.writeVarUint(e, MSG_ACK)
      encoding.writeVarUint(e, clocks.size)
      for (const [c, k] of clocks) {
        encoding.writeVarUint(e, c)
        encoding.writeVarUint(e, k)
      }
      const ack = encodeAck(clocks)
      expect(Buffer.from(ack).equals(Buffer.from(encoding.toUint8Array(e)))).toBe(true)
      const d = decoding.createDecoder(ack)
      expect(decoding.readVarUint(d)).toBe(MSG_ACK)
      expect(decodeFrame(ack)).toEqual({ type: 'ack', clocks })
    }
  })
})

describe('fanoutFrame', () => {
  type Framer = { frame(data: Buffer, o: Record<string, unknown>): Buffer[] }
  const { Sender } = ws as unknown as { Sender: Framer }

  it("is ws's own unmasked binary frame, for every header size", () => {
    for (const n of LENGTHS) {
      const p = bytes(n, 3)
      const theirs = Buffer.concat(
        Sender.frame(Buffer.from(p), { fin: true, rsv1: false, opcode: 0x2, mask: false, readOnly: true }),
      )
      expect(fanoutFrame(p).equals(theirs), `frame of ${n} bytes`).toBe(true)
    }
  })
})
