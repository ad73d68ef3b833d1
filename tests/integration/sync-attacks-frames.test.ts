// Garbage frames (issue 2): random bytes, truncated varints, absurd lengths, unknown message types and
// sync sub-types, empty frames, malformed payloads. Each closes the sender's socket with 4400; the
// server does not crash or stall, and the other members keep receiving. Frame parsing does not touch
// storage, so one backend is enough here.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest'
import * as encoding from 'lib0/encoding'
import * as Y from 'yjs'
import { createHash } from 'node:crypto'
import { startTestServer } from '../fixtures/server.ts'
import { Raw, fence, frameUpdate, message, msgs, newGroup, newUser, stock, type Stock, type User } from '../fixtures/attacks.ts'
import { CLOSE, MSG_AWARENESS, MSG_SYNC, pageDoc, type ChatMessage } from '../../protocol/index.ts'
import { encodeAck, encodeAwarenessFrame } from '../../protocol/frames.ts'

type Server = Awaited<ReturnType<typeof startTestServer>>

/** Deterministic "random" bytes, so a failure can be replayed: sha256 in counter mode. */
function noise(seed: string, n: number): Uint8Array {
  const out = new Uint8Array(n)
  for (let i = 0, block = 0; i < n; block++) {
    const h = createHash('sha256').update(`${seed}:${block}`).digest()
    for (let j = 0; j < h.length && i < n; j++) out[i++] = h[j]
  }
  return out
}

const bytes = (...parts: (number | Uint8Array)[]) => {
  const e = encoding.createEncoder()
  for (const p of parts) typeof p === 'number' ? encoding.writeVarUint(e, p) : encoding.writeUint8Array(e, p)
  return encoding.toUint8Array(e)
}

const garbage: [string, Uint8Array | string][] = [
  ['random bytes (64)', noise('a', 64)],
  ['random bytes (4 KiB)', noise('b', 4096)],
  ['random bytes (900 KB)', noise('c', 900_000)],
  ['an empty frame', new Uint8Array(0)],
  ['a truncated varint as the message type', new Uint8Array([0x80])],
  [
    'a varint longer than 53 bits as the message type',
    new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]),
  ],
  ['a sync message with no sub-type', new Uint8Array([MSG_SYNC])],
  ['a sync update with a truncated length varint', new Uint8Array([MSG_SYNC, 2, 0x80, 0x80])],
  ['a sync update whose length prefix says 2^31 with no data', bytes(MSG_SYNC, 2, 2 ** 31)],
  ['a sync update whose length prefix says 2^31 with a little data', bytes(MSG_SYNC, 2, 2 ** 31, noise('d', 100))],
  ['a sync update whose length is one byte longer than its data', bytes(MSG_SYNC, 2, 11, noise('e', 10))],
  ['a sync update carrying random bytes', bytes(MSG_SYNC, 2, 200, noise('f', 200))],
  ['a sync update carrying an update claiming 2^31 structs', bytes(MSG_SYNC, 2, 6, bytes(1, 2 ** 31))],
  ['a sync step 1 carrying a garbage state vector', bytes(MSG_SYNC, 0, 40, noise('g', 40))],
  ['a sync step 2 carrying random bytes', bytes(MSG_SYNC, 1, 32, noise('h', 32))],
  ['a sync message with an unknown sub-type', bytes(MSG_SYNC, 3, 1, 0)],
  ['a sync message with a huge sub-type', bytes(MSG_SYNC, 2 ** 40, 0)],
  ['an unknown message type (7)', bytes(7, 0, 0)],
  ['an unknown message type (2^32)', bytes(2 ** 32)],
  // well-formed, but only the server sends acknowledgements
  ["Sori's acknowledgement type, sent by a client", encodeAck(new Map([[5, 5]]))],
  ['an awareness message with a truncated payload', bytes(MSG_AWARENESS, 50, 1, 1)],
  // a well-formed frame whose state is cut off: the codec carries the state as text and does not judge it
  ['an awareness message whose state is not JSON', encodeAwarenessFrame([{ client: 12345, clock: 1, state: '{"user": {' }])],
  ['a text frame', 'hello, server'],
]

describe('sync garbage frames (sqlite)', () => {
  let server: Server
  let base: string
  let wsBase: string
  let a: User, b: User, c: User
  let page: string
  let A: Stock, C: Stock
  const raws: Raw[] = []
  const latencies: number[] = []

  beforeAll(async () => {
    server = await startTestServer('sqlite')
    base = server.url
    wsBase = base.replace(/^http/, 'ws')
    ;[a, b, c] = await Promise.all([newUser(base, 'a'), newUser(base, 'b'), newUser(base, 'c')])
    const chat = await newGroup(base, a, [b, c])
    page = pageDoc(chat.id, chat.page)
    A = await stock(wsBase, page, a.token)
    C = await stock(wsBase, page, c.token)
  })
  afterAll(async () => {
    if (latencies.length) {
      const sorted = [...latencies].sort((x, y) => x - y)
      console.log(
        `garbage frames: a's next message reached c after a refusal in median ${sorted[sorted.length >> 1]} ms, max ${sorted.at(-1)} ms (n=${sorted.length})`,
      )
    }
    A?.destroy()
    C?.destroy()
    await server?.close()
  })
  afterEach(() => {
    for (const r of raws.splice(0)) r.close()
  })

  async function stillServing() {
    const t0 = Date.now()
    const marker = await fence(A, a.id, [C])
    latencies.push(Date.now() - t0)
    expect(msgs(C.doc).at(-1)).toEqual(marker)
  }

  const cases = garbage.flatMap(
    ([name, frame]) =>
      [
        [name, 'as the first frame', frame],
        [name, 'after a normal handshake', frame],
      ] as const,
  )
  it.each(cases)('refuses %s (%s) with 4400, and keeps serving', async (_name, when, frame) => {
    const raw = await Raw.open(wsBase, page, { token: b.token })
    raws.push(raw)
    if (when === 'after a normal handshake') await raw.sync(new Y.Doc())
    raw.ws.send(frame, { binary: typeof frame !== 'string' })
    expect((await raw.closeCode()).code).toBe(CLOSE.REFUSED)
    await stillServing()
    expect(A.closes).toEqual([])
    expect(C.closes).toEqual([])
  })

  it('refuses garbage from many sockets at once without stalling anyone', async () => {
    const rs = await Promise.all(garbage.map(() => Raw.open(wsBase, page, { token: b.token })))
    raws.push(...rs)
    rs.forEach((r, i) => r.ws.send(garbage[i][1], { binary: typeof garbage[i][1] !== 'string' }))
    const codes = await Promise.all(rs.map((r) => r.closeCode()))
    expect(codes.map((x) => x.code)).toEqual(garbage.map(() => CLOSE.REFUSED))
    await stillServing()
  })

  it('reads nothing a socket sends after its garbage', async () => {
    const raw = await Raw.open(wsBase, page, { token: b.token, ack: true })
    raws.push(raw)
    const d = new Y.Doc()
    await raw.sync(d)
    const good = message(b.id, 'b, before the garbage')
    const sv = Y.encodeStateVector(d)
    d.getArray<ChatMessage>('msgs').push([good])
    raw.send(frameUpdate(Y.encodeStateAsUpdate(d, sv)))
    raw.send(new Uint8Array([0x80]))
    const late = message(b.id, 'b, after the garbage')
    const sv2 = Y.encodeStateVector(d)
    d.getArray<ChatMessage>('msgs').push([late])
    raw.send(frameUpdate(Y.encodeStateAsUpdate(d, sv2)))
    expect((await raw.closeCode()).code).toBe(CLOSE.REFUSED)
    await stillServing()
    // the update after the garbage was never read (the one before it was valid: the server may keep it)
    expect(msgs(C.doc).map((m) => m.id)).not.toContain(late.id)
  })
})
