// Turns the loaded messages into list rows: a day separator where the local date changes, and
// sender-and-minute groups (the name and avatar show on a group's first message, the time on its last).
// Photos sent one after another by one person, without words, read as one album (KakaoTalk's bundle):
// a grid in one bubble rather than a screenful of pictures each.
import type { SystemLine } from '../../../protocol/messages.ts'
import type { MessageView } from '../../models/index.ts'
import { ALBUM_GAP_MS } from '../../../protocol/limits.ts'
import type { OutgoingView } from '../../models/media-outbox.ts'

export type Row =
  | { kind: 'day'; key: string; ts: number }
  | { kind: 'msg'; key: string; m: MessageView; first: boolean; last: boolean; invitedToo?: SystemLine[] }
  /** photos sent together: still a message each (own actions, unread count), drawn as one grid; `key` is the first's */
  | { kind: 'album'; key: string; ms: MessageView[]; first: boolean; last: boolean }
  /** a photo or file in the outbox, after the chat's messages */
  | { kind: 'out'; key: string; v: OutgoingView }
  /** photos picked together and still on their way: one grid, as they will be once sent */
  | { kind: 'outAlbum'; key: string; vs: OutgoingView[] }
  /** "new messages": before the first message of someone else's that was new as the room opened */
  | { kind: 'unread'; key: typeof UNREAD_KEY }

export const UNREAD_KEY = 'unread'

const minute = (ts: number) => Math.floor(ts / 60_000)
const dayKey = (ts: number) => {
  const d = new Date(ts)
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`
}

/** Most photos in one album (KakaoTalk's bundle holds 30). */
export const ALBUM_MAX = 30

/** How many of a 6-column grid's columns each of `n` photos takes: rows of three, with two pairs (or one)
 * closing an album whose count three does not divide, so that no photo sits alone in a row. */
export function albumSpans(n: number): number[] {
  if (n <= 2) return Array<number>(n).fill(3)
  const spans = Array<number>(n).fill(2)
  const pairs = n % 3 === 2 ? 2 : n % 3 === 1 ? 4 : 0
  for (let i = n - pairs; i < n; i++) spans[i] = 3
  return spans
}

/**
 * `line` tells of the same invitation as `prev`: one person inviting several at once (a new group of
 * five, or friends picked together) reads as one line, as in KakaoTalk, not one per friend. The server
 * writes the lines of one act together, with one time; a line naming the reader stays its own ("Mina
 * invited you").
 */
const sameInvite = (prev: SystemLine, line: SystemLine, myId: string): boolean =>
  prev.event === 'invited' &&
  line.event === 'invited' &&
  prev.actor === line.actor &&
  prev.target !== myId &&
  line.target !== myId &&
  prev.at === line.at &&
  line.ts === prev.ts

/** A photo and nothing else: no words, reply, reactions or edit of its own to show beside it. */
const albumPhoto = (m: MessageView): boolean =>
  m.media?.kind === 'photo' &&
  !m.body &&
  !m.replyTo &&
  !m.link &&
  !m.system &&
  !m.retracted &&
  !m.edited &&
  m.reactions.length === 0

/**
 * A photo taken back from among photos sent together: the album closes over the gap, as KakaoTalk's
 * bundle does, rather than breaking in three around a "deleted" bubble.
 */
const takenBack = (m: MessageView): boolean => m.retracted && m.media?.kind === 'photo' && !m.replyTo && !m.system

type MsgRow = Extract<Row, { kind: 'msg' }>

/** `r` goes on the run of photos that ends with `prev`. */
const continues = (prev: Row, r: Row, newKey: string | null): boolean =>
  prev.kind === 'msg' &&
  r.kind === 'msg' &&
  (albumPhoto(r.m) || takenBack(r.m)) &&
  r.key !== newKey &&
  r.m.from === prev.m.from &&
  r.m.ts - prev.m.ts <= ALBUM_GAP_MS

/**
 * `newKey`: the message the "new messages" line goes above (withUnreadLine), which therefore starts an
 * album of its own rather than sitting inside one.
 */
export function toRows(messages: readonly MessageView[], newKey: string | null = null, myId = ''): Row[] {
  const plain: Row[] = []
  let prevDay = ''
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]
    const open = plain[plain.length - 1]
    if (m.system && open?.kind === 'msg' && open.m.system) {
      const lines = open.invitedToo ?? [open.m.system]
      if (sameInvite(lines[lines.length - 1], m.system, myId)) {
        open.invitedToo = [...lines, m.system]
        continue
      }
    }
    const day = dayKey(m.ts)
    if (day !== prevDay) {
      plain.push({ kind: 'day', key: 'd' + day, ts: m.ts })
      prevDay = day
    }
    const prev = messages[i - 1]
    const next = messages[i + 1]
    const first = !prev || !!prev.system || prev.from !== m.from || minute(prev.ts) !== minute(m.ts) || dayKey(prev.ts) !== day
    const last = !next || !!next.system || next.from !== m.from || minute(next.ts) !== minute(m.ts) || dayKey(next.ts) !== day
    // an id is unique within its page only
    plain.push({ kind: 'msg', key: `${m.page}:${m.id}`, m, first, last })
  }
  // runs of one person's photos sent together (a day's date ends one): two or more still there are albums
  const rows: Row[] = []
  for (let i = 0; i < plain.length;) {
    const r = plain[i]
    if (r.kind !== 'msg' || !(albumPhoto(r.m) || takenBack(r.m))) {
      rows.push(r)
      i++
      continue
    }
    let j = i + 1
    while (j < plain.length && continues(plain[j - 1], plain[j], newKey)) j++
    const run = plain.slice(i, j) as MsgRow[]
    const shown = run.filter((x) => albumPhoto(x.m))
    if (shown.length < 2) rows.push(...run)
    else
      for (let k = 0; k < shown.length; k += ALBUM_MAX) {
        const part = shown.slice(k, k + ALBUM_MAX)
        const end = k + ALBUM_MAX >= shown.length
        rows.push({
          kind: 'album',
          key: part[0].key,
          ms: part.map((x) => x.m),
          first: k === 0 && run[0].first,
          last: end && run[run.length - 1].last,
        })
      }
    i = j
  }
  return rows
}

/** The outbox's files of this chat that are not in it yet, as rows after its messages; photos in a row as albums. */
export function outRows(outgoing: readonly OutgoingView[], convId: string, inChat: ReadonlyMap<string, unknown>): Row[] {
  const rows: Row[] = []
  const photo = (v: OutgoingView) => v.kind === 'photo' && !v.failed
  for (const v of outgoing) {
    if (v.conv !== convId || inChat.has(v.msgId)) continue
    const open = rows[rows.length - 1]
    if (photo(v) && open?.kind === 'outAlbum' && open.vs.length < ALBUM_MAX) open.vs.push(v)
    else if (photo(v) && open?.kind === 'out' && photo(open.v))
      rows[rows.length - 1] = { kind: 'outAlbum', key: 'oa' + open.v.msgId, vs: [open.v, v] }
    else rows.push({ kind: 'out', key: 'o' + v.msgId, v })
  }
  return rows
}

/** The rows with the "new messages" line before the message at `key`'s row (and its day's date, if it opens a day). */
export function withUnreadLine(rows: Row[], key: string | null): Row[] {
  const i = key === null ? -1 : rows.findIndex((r) => r.key === key)
  if (i < 0) return rows
  const at = i > 0 && rows[i - 1].kind === 'day' ? i - 1 : i
  const out = [...rows.slice(0, at), { kind: 'unread', key: UNREAD_KEY } as Row, ...rows.slice(at)]
  // the line cuts a sender's run in two: the name and picture again below it, the time above it
  const next = out[i + 1]
  if ((next.kind === 'msg' || next.kind === 'album') && !next.first) out[i + 1] = { ...next, first: true }
  const prev = out[at - 1]
  if ((prev?.kind === 'msg' || prev?.kind === 'album') && !prev.last) out[at - 1] = { ...prev, last: true }
  return out
}
