// What the PWA does per document kind: which chat's access a doc falls under, which docs hold messages
// for the local index, and how heads and pages read.
import { expect, test } from 'vitest'
import * as Y from 'yjs'
import { headDoc, inboxDoc, pageDoc } from '../../protocol/docs.ts'
import { chatOf, messagesAt } from '../../web/kinds/index.ts'
import { currentPage, headMeta } from '../../web/kinds/head.ts'
import { edited } from '../../web/kinds/page.ts'

const conv = 'chat00000001'
const user = 'usera0000000'

test('a chat head and its pages fall under the chat; the inbox and unknown names under none', () => {
  expect(chatOf(headDoc(conv))).toBe(conv)
  expect(chatOf(pageDoc(conv, 3))).toBe(conv)
  expect(chatOf(inboxDoc(user))).toBeNull()
  expect(chatOf('x:whatever')).toBeNull()
})

test('only pages hold messages for the local index, at their chat and number', () => {
  expect(messagesAt(pageDoc(conv, 3))).toEqual({ conv, page: 3 })
  expect(messagesAt(headDoc(conv))).toBeNull()
  expect(messagesAt(inboxDoc(user))).toBeNull()
})

test("the head's current page is meta.page when it is a page number, else 0", () => {
  const doc = new Y.Doc()
  const meta = headMeta(doc)
  expect(currentPage(meta)).toBe(0)
  meta.set('page', 7)
  expect(currentPage(meta)).toBe(7)
  for (const bad of [-1, 1.5, '3', null]) {
    meta.set('page', bad)
    expect(currentPage(meta)).toBe(0)
  }
})

test('a message reads with its edit applied, and empty once retracted', () => {
  const m = { id: 'm', from: user, ts: 1, kind: 'text' as const, body: 'hello' }
  expect(edited(m, undefined)).toEqual({ body: 'hello', edited: false, retracted: false })
  expect(edited(m, { body: 'hi', ts: 2 })).toEqual({ body: 'hi', edited: true, retracted: false })
  expect(edited(m, { retracted: true, ts: 3 })).toEqual({ body: '', edited: false, retracted: true })
})
