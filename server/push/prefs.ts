// An account's notification settings: a do-not-disturb window in its own time zone, and whether a text
// naming it (`@handle`) notifies in a muted chat.
import type { NotificationSettings } from '../../protocol/push.ts'
import type { Db, Queryable } from '../db/db.ts'
import { badRequest } from '../http/errors.ts'
import { asObject } from '../http/input.ts'

const HHMM_RE = /^([01][0-9]|2[0-3]):[0-5][0-9]$/

/** one formatter per time zone: making one costs far more than using it */
const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
    formatters.set(tz, f)
  }
  return f
}

function validZone(tz: string): boolean {
  try {
    formatter(tz)
    return true
  } catch {
    return false
  }
}

export function checkSettings(body: unknown): NotificationSettings {
  const b = asObject(body)
  if (typeof b.mentions !== 'boolean') throw badRequest('"mentions" must be true or false.')
  if (b.dnd === null) return { dnd: null, mentions: b.mentions }
  const d = b.dnd
  if (typeof d !== 'object' || d === null || Array.isArray(d)) throw badRequest('"dnd" must be null or { from, to, tz }.')
  const { from, to, tz } = d as Record<string, unknown>
  for (const [name, v] of [
    ['from', from],
    ['to', to],
  ] as const)
    if (typeof v !== 'string' || !HHMM_RE.test(v)) throw badRequest(`"dnd.${name}" must be a time "HH:MM" (00:00 to 23:59).`)
  if (from === to) throw badRequest('"dnd.from" and "dnd.to" must differ.')
  if (typeof tz !== 'string' || tz.length > 64 || !validZone(tz))
    throw badRequest('"dnd.tz" must be an IANA time zone, e.g. "Asia/Seoul".')
  return { dnd: { from: from as string, to: to as string, tz }, mentions: b.mentions }
}

export interface PrefsRow {
  dnd_from: string | null
  dnd_to: string | null
  dnd_tz: string | null
  mentions: number | null
}

export function settingsOf(row: PrefsRow | undefined): NotificationSettings {
  const dnd = row?.dnd_from && row.dnd_to && row.dnd_tz ? { from: row.dnd_from, to: row.dnd_to, tz: row.dnd_tz } : null
  return { dnd, mentions: row?.mentions === null || row?.mentions === undefined ? true : Number(row.mentions) === 1 }
}

export async function readSettings(q: Queryable, userId: string): Promise<NotificationSettings> {
  return settingsOf(
    await q.get<PrefsRow>('SELECT dnd_from, dnd_to, dnd_tz, mentions FROM push_prefs WHERE user_id = ?', [userId]),
  )
}

export async function writeSettings(db: Db, userId: string, s: NotificationSettings): Promise<void> {
  await db.run(
    `INSERT INTO push_prefs (user_id, dnd_from, dnd_to, dnd_tz, mentions) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (user_id) DO UPDATE SET dnd_from = excluded.dnd_from, dnd_to = excluded.dnd_to, dnd_tz = excluded.dnd_tz,
        mentions = excluded.mentions`,
    [userId, s.dnd?.from ?? '', s.dnd?.to ?? '', s.dnd?.tz ?? '', s.mentions ? 1 : 0],
  )
}

const minutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** Whether `now` falls in the do-not-disturb window (from inclusive, to exclusive; over midnight when to < from). */
export function inDnd(s: NotificationSettings, now: number): boolean {
  if (!s.dnd) return false
  let h = 0
  let m = 0
  for (const p of formatter(s.dnd.tz).formatToParts(now)) {
    if (p.type === 'hour') h = Number(p.value)
    else if (p.type === 'minute') m = Number(p.value)
  }
  const t = h * 60 + m
  const from = minutes(s.dnd.from)
  const to = minutes(s.dnd.to)
  return from < to ? t >= from && t < to : t >= from || t < to
}
