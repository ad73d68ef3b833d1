// What the PWA sends as its sync step 2 (web/data/step-two.ts), checked with real Yjs docs.
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { stepTwo } from '../../web/data/step-two.ts'

const docWith = (client: number, from?: Y.Doc): Y.Doc => {
  const d = new Y.Doc()
  d.clientID = client
  if (from) Y.applyUpdate(d, Y.encodeStateAsUpdate(from))
  return d
}
const push = (d: Y.Doc, body: string) => d.getArray('msgs').push([{ body }])
const bodies = (d: Y.Doc) => d.getArray<{ body: string }>('msgs').toArray().map((m) => m.body)

/** Applies frames one by one to `server`, failing if any frame leaves structs waiting for an origin. */
function applyInOrder(server: Y.Doc, frames: Uint8Array[]): void {
  for (const f of frames) {
    Y.applyUpdate(server, f)
    expect(server.store.pendingStructs).toBeNull()
  }
}

describe('stepTwo', () => {
  test('carries no delete set: the server never sees deletions it made itself echoed back', () => {
    const server = docWith(1)
    server.getMap('meta').set('title', 'old')
    server.getMap('meta').set('title', 'new') // the server's own overwrite: a deletion of its own item
    const client = docWith(2, server)
    client.getMap('reads').set('me', 1)
    client.getMap('reads').set('me', 2)
    const frames = stepTwo(client, Y.encodeStateVector(server))
    for (const f of frames) expect(Y.decodeUpdate(f).ds.clients.size).toBe(0)
    applyInOrder(server, frames)
    // overwriting a key deletes the previous value wherever it integrates: nothing is lost
    expect(server.getMap('reads').toJSON()).toEqual({ me: 2 })
    expect(server.getMap('meta').toJSON()).toEqual({ title: 'new' })
  })

  test('messages of a doc reloaded offline (new clientID after the old one) go out origins first', () => {
    const server = docWith(1)
    const before = docWith(10)
    push(before, 'written before the reload')
    const after = docWith(99, before) // higher id: a single update would list it first
    push(after, 'written after the reload')
    const frames = stepTwo(after, Y.encodeStateVector(server))
    expect(frames).toHaveLength(2)
    expect(Y.decodeUpdate(frames[0]).structs.map((st) => st.id.client)).toEqual([10])
    applyInOrder(server, frames)
    expect(bodies(server)).toEqual(['written before the reload', 'written after the reload'])
  })

  test('interleaved writers (two tabs) go out in causal order, one run of one client per frame', () => {
    const server = docWith(1)
    const a = docWith(20)
    const b = docWith(30)
    push(a, 'a1'); Y.applyUpdate(b, Y.encodeStateAsUpdate(a))
    push(b, 'b1'); Y.applyUpdate(a, Y.encodeStateAsUpdate(b))
    push(a, 'a2')
    const frames = stepTwo(a, Y.encodeStateVector(server))
    expect(frames).toHaveLength(3)
    applyInOrder(server, frames)
    expect(bodies(server)).toEqual(['a1', 'b1', 'a2'])
  })

  test('a long interleaved backlog of three writers arrives whole and in order', () => {
    const server = docWith(1)
    const tabs = [docWith(40), docWith(50), docWith(60)]
    const expected: string[] = []
    for (let i = 0; i < 300; i++) {
      const t = tabs[i % 3]
      push(t, `m${i}`)
      expected.push(`m${i}`)
      for (const o of tabs) if (o !== t) Y.applyUpdate(o, Y.encodeStateAsUpdate(t))
    }
    applyInOrder(server, stepTwo(tabs[0], Y.encodeStateVector(server)))
    expect(bodies(server)).toEqual(expected)
  })

  test('a read position moved several times offline goes out as one value per map item', () => {
    const server = docWith(1)
    const client = new Y.Doc({ gc: false }) // as the PWA keeps conversation docs
    client.clientID = 8
    for (const pos of [1, 2, 3]) client.getMap('reads').set('me', pos)
    const frames = stepTwo(client, Y.encodeStateVector(server))
    for (const f of frames) {
      for (const st of Y.decodeUpdate(f).structs) expect(st instanceof Y.Item ? st.content.getLength() : 1).toBe(1)
    }
    applyInOrder(server, frames)
    expect(server.getMap('reads').toJSON()).toEqual({ me: 3 })
  })

  test('only what the server lacks is sent', () => {
    const server = docWith(1)
    const c = docWith(5)
    push(c, 'known')
    Y.applyUpdate(server, Y.encodeStateAsUpdate(c))
    push(c, 'new')
    const frames = stepTwo(c, Y.encodeStateVector(server))
    const probe = docWith(7, server)
    const before = Y.encodeStateVector(probe)
    for (const f of frames) Y.applyUpdate(probe, f)
    expect(bodies(probe)).toEqual(['known', 'new'])
    expect(frames.reduce((n, f) => n + f.length, 0)).toBeLessThan(Y.encodeStateAsUpdate(c).length)
    expect(before).not.toEqual(Y.encodeStateVector(probe))
  })
})
