// Turns the loaded messages into list rows: a day separator where the local date changes, and
// sender-and-minute groups (the name and avatar show on a group's first message, the time on its last).
import type { MessageView } from '../../models/index.ts'
import type { OutgoingView } from '../../models/media-outbox.ts'

export type Row =
  | { kind: 'day'; key: string; ts: number }
  | { kind: 'msg'; key: string; m: MessageView; first: boolean; last: boolean }
  /** a photo or file in the outbox, after the chat's messages */
  | { kind: 'out'; key: string; v: OutgoingView }
  /** "new messages": before the first message of someone else's that was new as the room opened */
  | { kind: 'unread'; key: typeof UNREAD_KEY }

export const UNREAD_KEY = 'unread'

const minute = (ts: number) => Math.floor(ts / 60_000)
const dayKey = (ts: number) => {
  const d = new Date(ts)
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`
}

export function toRows(messages: readonly MessageView[]): Row[] {
  const rows: Row[] = []
  let prevDay = ''
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]
    const day = dayKey(m.ts)
    if (day !== prevDay) {
      rows.push({ kind: 'day', key: 'd' + day, ts: m.ts })
      prevDay = day
    }
    const prev = messages[i - 1]
    const next = messages[i + 1]
    const first = !prev || !!prev.system || prev.from !== m.from || minute(prev.ts) !== minute(m.ts) || dayKey(prev.ts) !== day
    const last = !next || !!next.system || next.from !== m.from || minute(next.ts) !== minute(m.ts) || dayKey(next.ts) !== day
    // an id is unique within its page only
    rows.push({ kind: 'msg', key: `${m.page}:${m.id}`, m, first, last })
  }
  return rows
}

/** The outbox's files of this chat that are not in it yet, as rows after its messages. */
export function outRows(outgoing: readonly OutgoingView[], convId: string, inChat: ReadonlyMap<string, unknown>): Row[] {
  return outgoing.filter((v) => v.conv === convId && !inChat.has(v.msgId)).map((v) => ({ kind: 'out', key: 'o' + v.msgId, v }))
}

/** The rows with the "new messages" line before the message at `key`'s row (and its day's date, if it opens a day). */
export function withUnreadLine(rows: Row[], key: string | null): Row[] {
  const i = key === null ? -1 : rows.findIndex((r) => r.key === key)
  if (i < 0) return rows
  const at = i > 0 && rows[i - 1].kind === 'day' ? i - 1 : i
  const out = [...rows.slice(0, at), { kind: 'unread', key: UNREAD_KEY } as Row, ...rows.slice(at)]
  // the line cuts a sender's run in two: the name and picture again below it, the time above it
  const next = out[i + 1]
  if (next.kind === 'msg' && !next.first) out[i + 1] = { ...next, first: true }
  const prev = out[at - 1]
  if (prev?.kind === 'msg' && !prev.last) out[at - 1] = { ...prev, last: true }
  return out
}
