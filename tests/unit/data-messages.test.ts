// Mapping messages to the Yjs items that acknowledgements talk about, with real Yjs docs.
import { describe, expect, test } from 'vitest'
import * as Y from 'yjs'
import { MESSAGE_ID_RE } from '../../protocol/limits.ts'
import type { ChatMessage } from '../../protocol/messages.ts'
import { memberIds } from '../../web/kinds/head.ts'
import { messageItems, newMessageId } from '../../web/kinds/page.ts'

const msg = (from: string, body: string): ChatMessage => ({ id: newMessageId(), from, ts: 1, kind: 'text', body })
const sync = (a: Y.Doc, b: Y.Doc) => {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)))
}

describe('messageItems', () => {
  test('each message carries the (client, clock) of its item, also when pushes merge into one item', () => {
    const a = new Y.Doc()
    const msgs = a.getArray<ChatMessage>('msgs')
    msgs.push([msg('usera0000000', 'one')])
    msgs.push([msg('usera0000000', 'two')])
    a.transact(() => msgs.push([msg('usera0000000', 'three'), msg('usera0000000', 'four')]))
    const items = [...messageItems(msgs)]
    expect(items.map((i) => [i.value.body, i.client, i.clock, i.index])).toEqual([
      ['one', a.clientID, 0, 0],
      ['two', a.clientID, 1, 1],
      ['three', a.clientID, 2, 2],
      ['four', a.clientID, 3, 3],
    ])
  })

  test('an item is covered by a state vector exactly when the server has it', () => {
    const mine = new Y.Doc()
    const server = new Y.Doc()
    const msgs = mine.getArray<ChatMessage>('msgs')
    msgs.push([msg('usera0000000', 'sent')])
    Y.applyUpdate(server, Y.encodeStateAsUpdate(mine))
    msgs.push([msg('usera0000000', 'waiting')])
    const sv = Y.decodeStateVector(Y.encodeStateVector(server))
    const state = [...messageItems(msgs)].map((i) => [i.value.body, (sv.get(i.client) ?? 0) > i.clock])
    expect(state).toEqual([
      ['sent', true],
      ['waiting', false],
    ])
  })

  test('concurrent writers: both docs agree on order and index, and each message keeps its own item id', () => {
    const a = new Y.Doc()
    const b = new Y.Doc()
    a.getArray<ChatMessage>('msgs').push([msg('usera0000000', 'a1')])
    b.getArray<ChatMessage>('msgs').push([msg('userb0000000', 'b1')])
    sync(a, b)
    a.getArray<ChatMessage>('msgs').push([msg('usera0000000', 'a2')])
    sync(a, b)
    const view = (d: Y.Doc) =>
      [...messageItems(d.getArray<ChatMessage>('msgs'))].map((i) => `${i.index}:${i.value.body}:${i.client}:${i.clock}`)
    expect(view(a)).toEqual(view(b))
    expect(view(a)).toHaveLength(3)
    const a2 = [...messageItems(a.getArray<ChatMessage>('msgs'))].find((i) => i.value.body === 'a2')
    expect([a2?.client, a2?.clock]).toEqual([a.clientID, 1])
  })

  test('invalid values are skipped but keep their index, so read positions line up with the server', () => {
    const d = new Y.Doc()
    const msgs = d.getArray<unknown>('msgs')
    msgs.push([{ nonsense: true }, msg('usera0000000', 'ok')])
    const items = [...messageItems(msgs as Y.Array<ChatMessage>)]
    expect(items.map((i) => [i.value.body, i.index])).toEqual([['ok', 1]])
  })
})

test('memberIds reads the member list in any JSON shape the head may hold', () => {
  expect(memberIds(['a', 'b'])).toEqual(['a', 'b'])
  expect(memberIds([{ id: 'a' }, { id: 'b' }, 3])).toEqual(['a', 'b'])
  expect(memberIds({ a: 1, b: 2 })).toEqual(['a', 'b'])
  expect(memberIds(undefined)).toEqual([])
})

test('message ids are valid and unique', () => {
  const ids = new Set(Array.from({ length: 10_000 }, newMessageId))
  expect(ids.size).toBe(10_000)
  for (const id of ids) expect(id).toMatch(MESSAGE_ID_RE)
})
