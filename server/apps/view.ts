// App rows as the API answers them: to their owner (App), to anyone (AppPublic), on a card (LinkApp).
import { PROFILE_PHOTO_VERSION_CHARS } from '../../protocol/limits.ts'
import { APP_ID_RE, type App, type AppPublic, type LinkApp } from '../../protocol/link.ts'
import type { Queryable } from '../db/db.ts'
import { notFound } from '../http/errors.ts'

export interface AppRow {
  id: string
  owner: string
  name: string
  /** the sha256 of the icon's content, '' for none */
  icon: string
  /** JSON array of origins */
  domains: string
  launch_url: string
  webhook_url: string
  app_key: string
  secret: string
  disabled: number | string
  created: number | string
}

export const APP_COLUMNS = 'id, owner, name, icon, domains, launch_url, webhook_url, app_key, secret, disabled, created'

const version = (icon: string): string | null => (icon ? icon.slice(0, PROFILE_PHOTO_VERSION_CHARS) : null)

export const domainsOf = (r: Pick<AppRow, 'domains'>): string[] => JSON.parse(r.domains) as string[]

export function toApp(r: AppRow): App {
  return {
    id: r.id,
    name: r.name,
    icon: version(r.icon),
    domains: domainsOf(r),
    launchUrl: r.launch_url || null,
    webhookUrl: r.webhook_url || null,
    appKey: r.app_key,
    disabled: Number(r.disabled) !== 0,
    created: Number(r.created),
  }
}

export function toPublic(r: AppRow): AppPublic {
  return {
    id: r.id,
    name: r.name,
    icon: iconUrl(r),
    domains: domainsOf(r),
    launchUrl: r.launch_url || null,
    disabled: Number(r.disabled) !== 0,
  }
}

/** Where Sori serves the app's icon, with its version so that a new icon is a new address. */
export const iconUrl = (r: Pick<AppRow, 'id' | 'icon'>): string | null =>
  r.icon ? `/api/apps/${r.id}/icon?v=${version(r.icon)}` : null

export const toLinkApp = (r: AppRow): LinkApp => ({ id: r.id, name: r.name, icon: iconUrl(r) })

export const noApp = () => notFound('No such app.')

/** The app, whoever owns it; null for an unknown (or malformed) id. */
export async function appRow(q: Queryable, id: string): Promise<AppRow | null> {
  if (!APP_ID_RE.test(id)) return null
  return (await q.get<AppRow>(`SELECT ${APP_COLUMNS} FROM apps WHERE id = ?`, [id])) ?? null
}

/** The app, which `userId` must own: anyone else learns nothing of it (404, as for an unknown id). */
export async function ownApp(q: Queryable, userId: string, id: string): Promise<AppRow> {
  const row = await appRow(q, id)
  if (!row || row.owner !== userId) throw noApp()
  return row
}
