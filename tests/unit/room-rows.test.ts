// The "New messages" line among a chat room's rows: above the first new message (and above its day's date
// when that message opens a day), splitting a sender's run so that both halves read as whole.
import { describe, expect, it } from 'vitest'
import { albumSpans, toRows, withUnreadLine, type Row } from '../../web/screens/room/rows.ts'
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

function photo(id: string, from: string, ts: number, index: number, extra: Partial<MessageView> = {}): MessageView {
  return {
    ...msg(id, from, ts, index),
    body: '',
    media: { id: 'b' + id, kind: 'photo', mime: 'image/jpeg', size: 9, w: 4, h: 3 },
    ...extra,
  }
}

const albums = (rows: Row[]) =>
  rows.map((r) => (r.kind === 'album' ? `[${r.ms.map((m) => m.id).join(' ')}]` : r.kind === 'msg' ? r.m.id : r.kind))

describe('albums', () => {
  it('draws photos one person sent one after another as one album, keyed by its first', () => {
    const rows = toRows([
      msg('t', 'bo', noon, 0),
      photo('a', 'bo', noon + 1000, 1),
      photo('b', 'bo', noon + 2000, 2),
      photo('c', 'bo', noon + 3000, 3),
    ])
    expect(albums(rows)).toEqual(['day', 't', '[a b c]'])
    expect(rows[2].key).toBe('0:a')
  })

  it("leaves apart a photo with words, a reply, a reaction, an edit or a retraction, someone else's, and one sent later", () => {
    const rows = toRows([
      photo('a', 'bo', noon, 0),
      photo('b', 'bo', noon + 1000, 1, { body: 'look' }),
      photo('c', 'bo', noon + 2000, 2),
      photo('d', 'bo', noon + 3000, 3, { replyTo: 'a' }),
      photo('e', 'bo', noon + 4000, 4, { reactions: [{ reaction: 'like', count: 1, mine: false }] } as Partial<MessageView>),
      photo('f', 'bo', noon + 5000, 5, { edited: true }),
      photo('g', 'bo', noon + 6000, 6, { retracted: true }),
      photo('h', 'al', noon + 7000, 7),
      photo('i', 'bo', noon + 8000, 8),
      photo('j', 'bo', noon + 8000 + 61_000, 9),
    ])
    expect(albums(rows)).toEqual(['day', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'])
  })

  it('holds thirty photos at most, and starts another at the "new messages" line', () => {
    const many = Array.from({ length: 33 }, (_, i) => photo('p' + i, 'bo', noon + i * 100, i))
    const rows = toRows(many)
    expect(rows.map((r) => (r.kind === 'album' ? r.ms.length : r.kind))).toEqual(['day', 30, 3])
    const split = toRows(many.slice(0, 5), '0:p2')
    expect(albums(split)).toEqual(['day', '[p0 p1]', '[p2 p3 p4]'])
    expect(albums(withUnreadLine(split, '0:p2'))).toEqual(['day', '[p0 p1]', 'unread', '[p2 p3 p4]'])
  })

  it('closes over a photo taken back from an album, and shows the deleted one when fewer than two are left', () => {
    const gone = { retracted: true }
    const four = toRows([
      photo('a', 'bo', noon, 0),
      photo('b', 'bo', noon + 1000, 1, gone),
      photo('c', 'bo', noon + 2000, 2),
      photo('d', 'bo', noon + 3000, 3),
    ])
    expect(albums(four)).toEqual(['day', '[a c d]'])
    // the first taken back: the album is keyed by the first still there
    const later = toRows([photo('a', 'bo', noon, 0, gone), photo('b', 'bo', noon + 1000, 1), photo('c', 'bo', noon + 2000, 2)])
    expect(albums(later)).toEqual(['day', '[b c]'])
    expect(later[1].key).toBe('0:b')
    const one = toRows([photo('a', 'bo', noon, 0), photo('b', 'bo', noon + 1000, 1, gone)])
    expect(albums(one)).toEqual(['day', 'a', 'b'])
  })

  it('lays the grid out in rows of three or two, never a photo alone in a row', () => {
    const rowsOf = (n: number) => {
      const out: number[] = []
      let used = 6
      for (const s of albumSpans(n)) {
        if (used + s > 6) {
          out.push(0)
          used = 0
        }
        out[out.length - 1]++
        used += s
      }
      return out
    }
    expect([2, 3, 4, 5, 6, 7, 8, 30].map(rowsOf)).toEqual([
      [2],
      [3],
      [2, 2],
      [3, 2],
      [3, 3],
      [3, 2, 2],
      [3, 3, 2],
      Array(10).fill(3),
    ])
  })
})

function invited(id: string, actor: string, target: string, ts: number, at = 3): MessageView {
  return {
    ...msg(id, actor, ts, at - 1),
    body: '',
    system: { id, kind: 'system', ts, at, event: 'invited', actor, target },
  }
}

const lines = (rows: Row[]) =>
  rows.flatMap((r) => (r.kind === 'msg' && r.m.system ? [(r.invitedToo ?? [r.m.system]).map((l) => l.target).join('+')] : []))

describe('invitations sent together', () => {
  it('read as one line: a new group of four, or friends picked together', () => {
    const rows = toRows(
      [invited('s1', 'ana', 'ben', noon), invited('s2', 'ana', 'cho', noon), invited('s3', 'ana', 'dan', noon)],
      null,
      'eve',
    )
    expect(lines(rows)).toEqual(['ben+cho+dan'])
  })

  it('stay apart when someone else invited, at another time, after a message, or the line names me', () => {
    expect(lines(toRows([invited('s1', 'ana', 'ben', noon), invited('s2', 'bo', 'cho', noon)], null, 'eve'))).toEqual([
      'ben',
      'cho',
    ])
    expect(lines(toRows([invited('s1', 'ana', 'ben', noon), invited('s2', 'ana', 'cho', noon + 1)], null, 'eve'))).toEqual([
      'ben',
      'cho',
    ])
    expect(lines(toRows([invited('s1', 'ana', 'ben', noon, 3), invited('s2', 'ana', 'cho', noon, 4)], null, 'eve'))).toEqual([
      'ben',
      'cho',
    ])
    // "Ana invited you" is mine to read on its own; whom she invited with me is another line
    expect(lines(toRows([invited('s1', 'ana', 'ben', noon), invited('s2', 'ana', 'cho', noon)], null, 'ben'))).toEqual([
      'ben',
      'cho',
    ])
    expect(
      lines(
        toRows([invited('s1', 'ana', 'ben', noon), msg('m', 'ana', noon, 2), invited('s2', 'ana', 'cho', noon)], null, 'eve'),
      ),
    ).toEqual(['ben', 'cho'])
  })
})
