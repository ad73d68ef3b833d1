// The Sori Link apps a user registers and runs (docs/protocol.md, "Sori Link"): the owner's calls to
// /api/apps. A secret is answered once, by registering or by asking for a new one; it is kept here only
// until its screen takes it, so that a reload (or leaving the screen) never shows it again.
import type { App, AppWithSecret, LinkTemplate } from '../../protocol/link.ts'
import { api } from '../account/api.ts'

export type { App, AppWithSecret }

/** What the owner types: the launch and webhook URLs may be empty (none). */
export interface AppFields {
  name: string
  domains: string[]
  launchUrl: string
  webhookUrl: string
}

export interface StoredTemplate {
  id: string
  template: LinkTemplate
  created: number
}

const path = (id: string, rest = '') => `/api/apps/${encodeURIComponent(id)}${rest}`

export const listApps = (): Promise<App[]> => api<App[]>('GET', '/api/apps')

/** One of mine, or null: the API lists them (there is no GET of one). */
export async function getApp(id: string): Promise<App | null> {
  return (await listApps()).find((a) => a.id === id) ?? null
}

// a freshly answered secret, by app id, until its screen shows it
const fresh = new Map<string, string>()

/** The secret just answered for this app, once: the second call has nothing. */
export function takeFreshSecret(id: string): string | null {
  const s = fresh.get(id) ?? null
  fresh.delete(id)
  return s
}

export async function registerApp(f: AppFields): Promise<App> {
  const body: Partial<AppFields> = { name: f.name, domains: f.domains }
  if (f.launchUrl) body.launchUrl = f.launchUrl
  if (f.webhookUrl) body.webhookUrl = f.webhookUrl
  const { secret, ...app } = await api<AppWithSecret>('POST', '/api/apps', body)
  fresh.set(app.id, secret)
  return app
}

export const updateApp = (id: string, f: AppFields): Promise<App> => api<App>('PATCH', path(id), f)

/** A new secret: the old one stops signing at once. Answered here, and never again. */
export const newSecret = (id: string): Promise<AppWithSecret> => api<AppWithSecret>('POST', path(id, '/secret'))

/** A new app key: pages with the old one find nothing. */
export const newAppKey = (id: string): Promise<App> => api<App>('POST', path(id, '/key'))

export const setAppDisabled = (id: string, disabled: boolean): Promise<App> =>
  api<App>(disabled ? 'POST' : 'DELETE', path(id, '/disable'))

/** Sets the icon (the server crops it square, as a profile photo), or removes it with null. */
export const setAppIcon = (id: string, photo: Blob | null): Promise<App> =>
  photo ? api<App>('PUT', path(id, '/icon'), photo) : api<App>('DELETE', path(id, '/icon'))

/** Where the icon is served (no session needed); its version makes a new icon a new address. */
export const appIconUrl = (app: Pick<App, 'id' | 'icon'>): string | null =>
  app.icon ? `${path(app.id, '/icon')}?v=${encodeURIComponent(app.icon)}` : null

export const listTemplates = (id: string): Promise<StoredTemplate[]> => api<StoredTemplate[]>('GET', path(id, '/templates'))

export const deleteTemplate = (id: string, templateId: string): Promise<void> =>
  api<void>('DELETE', path(id, `/templates/${encodeURIComponent(templateId)}`))

/** The template's own title, as a chat list reads a link message. */
export function templateTitle(t: LinkTemplate): string {
  if (t.type === 'text') return t.text
  if (t.type === 'list') return t.headerTitle
  return t.content.title
}
