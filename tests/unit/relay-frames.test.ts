// Where a relaying node may put a close frame of its own into an owner's byte stream: only between two of
// the owner's frames, however the stream is cut into chunks.
import { describe, expect, it } from 'vitest'
import { closeFrame, FrameBounds } from '../../server/cluster/relay.ts'

/** A server's (unmasked) frame with `n` payload bytes. */
function frame(n: number, opcode = 0x82): Buffer {
  const len = n < 126 ? Buffer.from([n]) : n < 65536 ? Buffer.from([126, n >> 8, n & 0xff]) : Buffer.alloc(9)
  if (n >= 65536) {
    len[0] = 127
    len.writeBigUInt64BE(BigInt(n), 1)
  }
  return Buffer.concat([Buffer.from([opcode]), len, Buffer.alloc(n, 7)])
}

const answer = Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')

describe('FrameBounds', () => {
  const frames = [frame(0), frame(5), frame(125), frame(126), frame(300), frame(70_000), frame(2, 0x88)]
  const stream = Buffer.concat([answer, ...frames])
  // the offsets where one of them ends (the answer's end included)
  const ends: number[] = []
  let at = answer.length
  ends.push(at)
  for (const f of frames) ends.push((at += f.length))

  it('finds every boundary and no other, whatever the chunks', () => {
    for (const size of [1, 2, 3, 7, 64, 1000, stream.length]) {
      const b = new FrameBounds()
      const seen: number[] = []
      let offset = 0
      for (let i = 0; i < stream.length; i += size) {
        let chunk = stream.subarray(i, i + size)
        // stopping at each boundary, as a draining relay does
        while (chunk.length) {
          const n = b.advance(chunk, true)
          offset += n
          if (b.atBoundary) seen.push(offset)
          chunk = chunk.subarray(n)
        }
      }
      expect([...new Set(seen)], `chunks of ${size}`).toEqual(ends)
    }
  })

  it('is not at a boundary part-way through the upgrade answer or a frame', () => {
    const b = new FrameBounds()
    b.advance(answer.subarray(0, answer.length - 2), false)
    expect(b.inHttp).toBe(true)
    expect(b.atBoundary).toBe(false)
    b.advance(answer.subarray(answer.length - 2), false)
    expect(b.atBoundary).toBe(true)
    b.advance(frame(300).subarray(0, 100), false)
    expect(b.atBoundary).toBe(false)
  })

  it('makes a close frame a client reads as that code and reason', () => {
    const f = closeFrame(4012, 'server is shutting down')
    expect(f[0]).toBe(0x88)
    expect(f[1]).toBe(f.length - 2)
    expect(f.readUInt16BE(2)).toBe(4012)
    expect(f.subarray(4).toString()).toBe('server is shutting down')
  })
})
