// Turns the loaded messages into list rows: a day separator where the local date changes, and
// sender-and-minute groups (the name and avatar show on a group's first message, the time on its last).
import type { MessageView } from '../../models/index.ts'

export type Row =
  { kind: 'day'; key: string; ts: number } | { kind: 'msg'; key: string; m: MessageView; first: boolean; last: boolean }

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
    rows.push({ kind: 'msg', key: m.id, m, first, last })
  }
  return rows
}
