// The outbox's index, its pure parts: what a local update marks, when an acknowledgement covers a
// mark, and which docs a closed tab left updates for in localStorage.
import { afterEach, beforeEach, expect, test } from 'vitest'
import * as Y from 'yjs'
import { clocksOf, uncovered } from '../../web/store/outbox.ts'
import { stashAdd, stashedDocs } from '../../web/store/stash.ts'

test('a local update marks its own clientID up to its newest clock; a delete-only update marks nothing', () => {
  const doc = new Y.Doc()
  const updates: Uint8Array[] = []
  doc.on('update', (u: Uint8Array) => updates.push(u))
  const msgs = doc.getArray<string>('msgs')
  msgs.insert(0, ['a', 'b'])
  msgs.insert(2, ['c'])
  expect([...clocksOf(updates[0])]).toEqual([[doc.clientID, 2]])
  expect([...clocksOf(updates[1])]).toEqual([[doc.clientID, 3]])
  msgs.delete(0, 1)
  expect(clocksOf(updates[2]).size).toBe(0)
})

test('a mark is covered once the acknowledged clock of each of its clientIDs reaches it', () => {
  const mark = new Map([
    [1, 5],
    [2, 3],
  ])
  expect([...uncovered(mark, new Map())]).toEqual([...mark])
  // clocks are exclusive: an ack of 4 leaves the item at clock 4 waiting
  expect([...uncovered(mark, new Map([[1, 4]]))]).toEqual([...mark])
  expect([...uncovered(mark, new Map([[1, 5]]))]).toEqual([[2, 3]])
  expect(
    uncovered(
      mark,
      new Map([
        [1, 9],
        [2, 3],
        [7, 1],
      ]),
    ).size,
  ).toBe(0)
})

/** localStorage as stash.ts uses it: Object.keys lists the stored keys, the methods are not among them. */
function fakeStorage(): Storage {
  const items: Record<string, string> = {}
  const hidden = (value: unknown) => ({ value, enumerable: false })
  return Object.defineProperties(items, {
    getItem: hidden((k: string) => items[k] ?? null),
    setItem: hidden((k: string, v: string) => void (items[k] = String(v))),
    removeItem: hidden((k: string) => void delete items[k]),
  }) as unknown as Storage
}

beforeEach(() => {
  Object.assign(globalThis, { localStorage: fakeStorage() })
})
afterEach(() => {
  Reflect.deleteProperty(globalThis, 'localStorage')
})

test('the docs a tab left updates for are found by name, doc names with colons included', () => {
  stashAdd('sori-u1', 'c:abc:0', new Uint8Array([1, 2]))
  stashAdd('sori-u1', 'c:abc', new Uint8Array([3]))
  stashAdd('sori-u2', 'c:other:1', new Uint8Array([4]))
  expect(stashedDocs('sori-u1').sort()).toEqual(['c:abc', 'c:abc:0'])
  expect(stashedDocs('sori-u2')).toEqual(['c:other:1'])
  expect(stashedDocs('sori-u3')).toEqual([])
})
