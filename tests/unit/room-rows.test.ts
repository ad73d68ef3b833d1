// The "New messages" line among a chat room's rows: above the first new message (and above its day's date
// when that message opens a day), splitting a sender's run so that both halves read as whole.
import { describe, expect, it } from 'vitest'
import { toRows, withUnreadLine, type Row } from '../../web/screens/room/rows.ts'
import type { MessageView } from '../../web/models/index.ts'

const DAY = 86_400_000
const noon = new Date(2026, 11, 7, 12, 0).getTime()

function msg(id: string, from: string, ts: number, index: number): MessageView {
  return {
    id,
    from,
    ts,
    kind: 'text',
    body: id,
    page: 0,
    index,
    edited: false,
    retracted: false,
    state: 'sent',
    unread: 0,
    reactions: [],
  } as MessageView
}

const shape = (rows: Row[]) => rows.map((r) => (r.kind === 'msg' ? `${r.m.id}${r.first ? '<' : ''}${r.last ? '>' : ''}` : r.kind))

describe('withUnreadLine', () => {
  it("goes above the message it names, and makes it start a sender's run and the one before end one", () => {
    const rows = toRows([msg('a', 'bo', noon, 0), msg('b', 'bo', noon + 1000, 1), msg('c', 'bo', noon + 2000, 2)])
    expect(shape(rows)).toEqual(['day', 'a<', 'b', 'c>'])
    expect(shape(withUnreadLine(rows, '0:b'))).toEqual(['day', 'a<>', 'unread', 'b<', 'c>'])
  })

  it("goes above the day's date when the new message opens a day", () => {
    const rows = toRows([msg('a', 'bo', noon - DAY, 0), msg('b', 'bo', noon, 1)])
    expect(shape(withUnreadLine(rows, '0:b'))).toEqual(['day', 'a<>', 'unread', 'day', 'b<>'])
  })

  it('leaves the rows as they are when there is nothing new or the message is not among them', () => {
    const rows = toRows([msg('a', 'bo', noon, 0)])
    expect(withUnreadLine(rows, null)).toBe(rows)
    expect(withUnreadLine(rows, '1:a')).toBe(rows)
  })
})
