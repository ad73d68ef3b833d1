// What an app's owner may register (docs/protocol.md, "Sori Link"): a name, the exact origins its pages
// are served from, a launch URL template that opens the app (never a scheme that runs or reads something
// in the browser), and an https webhook. Every failure is a 400 naming what is wrong.
import { LINK_URL_MAX, UNSAFE_SCHEMES } from '../../protocol/link.ts'
import { isSafeLine, isSafeUrl, showsSomething } from '../../protocol/text.ts'
import { linkPrivate } from '../config.ts'
import { badRequest } from '../http/errors.ts'
import { isPrivateHostLiteral } from '../http/public-address.ts'
import type { JsonObject } from '../http/input.ts'

export const APP_NAME_MAX = 50
export const APP_DOMAINS_MAX = 10
/** apps one user may register */
export const APPS_PER_USER = 20
/** templates one app may store */
export const TEMPLATES_PER_APP = 50

/** Hosts a page may be served from over plain http: the developer's own machine. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1'])

export function appName(v: unknown): string {
  if (typeof v !== 'string' || v.trim().length === 0) throw badRequest('An app needs a name.')
  const name = v.trim()
  if ([...name].length > APP_NAME_MAX) throw badRequest(`An app's name is at most ${APP_NAME_MAX} characters.`)
  // \p{Cs}: half of a character, which a chat message carries as U+FFFD (so the card would not match its ticket)
  if (!isSafeLine(name)) throw badRequest("An app's name has no control or direction characters, and no half of a character.")
  // its name heads every card it sends: one of zero-width characters would be a card from nobody
  if (!showsSomething(name)) throw badRequest('An app needs a name.')
  return name
}

/** One origin, exactly as a browser's `event.origin` says it: scheme://host[:port], nothing after. */
export function appOrigin(v: unknown): string {
  if (typeof v !== 'string') throw badRequest('Each domain is an origin such as https://battle.example.')
  let u: URL
  try {
    u = new URL(v)
  } catch {
    throw badRequest(`${v.slice(0, 100)} is not an origin such as https://battle.example.`)
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw badRequest(`${u.protocol} is not allowed: an app's domains are http(s) origins.`)
  if (u.origin !== v)
    throw badRequest(`${v.slice(0, 100)} is not an origin: write scheme://host[:port], without a path or a slash at the end.`)
  // a host name of letters, digits, dots and hyphens (an international one in its xn-- form), or an IP
  // address: "https://*.example" is a valid URL, but no page is ever served from it
  if (!/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/.test(u.hostname))
    throw badRequest(`${v.slice(0, 100)} is not an origin: its host is a name such as battle.example (no wildcards).`)
  if (u.protocol === 'http:' && !LOCAL_HOSTS.has(u.hostname))
    throw badRequest(`${v} must be https: plain http is allowed only for localhost and 127.0.0.1.`)
  return v
}

export function appDomains(v: unknown): string[] {
  if (!Array.isArray(v) || v.length === 0) throw badRequest('An app needs its domains: the origins its pages are served from.')
  if (v.length > APP_DOMAINS_MAX) throw badRequest(`An app has at most ${APP_DOMAINS_MAX} domains.`)
  return [...new Set(v.map(appOrigin))]
}

/** A launch URL template: https (http on the developer's machine) or an app's own scheme, with `{params}`. */
export function launchUrl(v: unknown): string {
  if (v === null || v === '') return ''
  if (typeof v !== 'string') throw badRequest('launchUrl must be a string.')
  if (v.length > LINK_URL_MAX) throw badRequest(`launchUrl is at most ${LINK_URL_MAX} characters.`)
  if (!v.includes('{params}'))
    throw badRequest('launchUrl must say where the parameters go: {params}, e.g. battle://open?{params}.')
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(v)
  if (!m) throw badRequest('launchUrl must start with a scheme, e.g. https: or battle:.')
  const scheme = m[1].toLowerCase()
  if (UNSAFE_SCHEMES.has(scheme)) throw badRequest(`A launch URL may not be a ${scheme}: URL.`)
  if (!isSafeUrl(v)) throw badRequest('launchUrl has no spaces, control characters or invisible ones.')
  if (scheme === 'http' || scheme === 'https') {
    let u: URL
    try {
      u = new URL(v.replaceAll('{params}', 'p'))
    } catch {
      throw badRequest('launchUrl is not a valid URL.')
    }
    if (u.username || u.password) throw badRequest('launchUrl carries no credentials.')
    if (scheme === 'http' && !LOCAL_HOSTS.has(u.hostname))
      throw badRequest('launchUrl must be https: plain http is allowed only for localhost and 127.0.0.1.')
  }
  return v
}

/** Ports of private addresses a webhook may go to (SORI_LINK_PRIVATE: tests only). */
export const webhookAllowsPrivate = (u: URL): boolean => {
  const allow = linkPrivate()
  return allow === 'any' || allow.has(Number(u.port || (u.protocol === 'https:' ? 443 : 80)))
}

/** The webhook: https on the internet (http and private addresses only where SORI_LINK_PRIVATE allows them). */
export function webhookUrl(v: unknown): string {
  if (v === null || v === '') return ''
  if (typeof v !== 'string') throw badRequest('webhookUrl must be a string.')
  if (v.length > LINK_URL_MAX) throw badRequest(`webhookUrl is at most ${LINK_URL_MAX} characters.`)
  let u: URL
  try {
    u = new URL(v)
  } catch {
    throw badRequest('webhookUrl is not a valid URL.')
  }
  if (u.username || u.password) throw badRequest('webhookUrl carries no credentials.')
  const privateOk = webhookAllowsPrivate(u)
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && privateOk)) throw badRequest('webhookUrl must be an https URL.')
  if (!privateOk && isPrivateHostLiteral(u.hostname)) throw badRequest(`${u.hostname} is not on the internet: a webhook must be.`)
  u.hash = ''
  return u.toString()
}

export interface AppInput {
  name?: string
  domains?: string[]
  launchUrl?: string
  webhookUrl?: string
  disabled?: boolean
}

/** POST /api/apps (all of name and domains) or PATCH (any of them). */
export function appInput(o: JsonObject, create: boolean): AppInput {
  const extra = Object.keys(o).find(
    (k) => !['name', 'domains', 'launchUrl', 'webhookUrl', ...(create ? [] : ['disabled'])].includes(k),
  )
  if (extra) throw badRequest(`An app has no field "${extra}".`)
  const out: AppInput = {}
  if (create || o.name !== undefined) out.name = appName(o.name)
  if (create || o.domains !== undefined) out.domains = appDomains(o.domains)
  if (o.launchUrl !== undefined) out.launchUrl = launchUrl(o.launchUrl)
  if (o.webhookUrl !== undefined) out.webhookUrl = webhookUrl(o.webhookUrl)
  if (o.disabled !== undefined) {
    if (typeof o.disabled !== 'boolean') throw badRequest('"disabled" must be true or false.')
    out.disabled = o.disabled
  }
  return out
}
