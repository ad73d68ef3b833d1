// Sori Link (docs/protocol.md, "Sori Link"; docs/sdk.md): a registered app's web page sends a rich
// message with buttons into a chat. The page never writes it: it asks Sori for a share ticket (bound to
// the app and the page's origin, checked against the app's registered domains), the user picks chats in
// Sori's own share screen, and Sori's app writes a `link` message carrying the ticket; the server checks
// the message against the ticket, so that no one can forge an app's name, icon or template.
import { APP_ID_RE, APP_KEY_RE, LINK_TEMPLATE_ID_RE, SHARE_TICKET_ID_RE } from './link-ids.ts'
import { isSafeLine, isSafeText, isSafeUrl, showsSomething } from './text.ts'

/** Where a tap on a card or a button goes: the app's launch URL with `params`, else mobileWebUrl on a phone, else webUrl. */
export interface LinkTarget {
  /** http(s), within the app's registered domains */
  webUrl?: string
  /** http(s), within the app's registered domains; preferred on a phone */
  mobileWebUrl?: string
  /** handed to the app's launch URL template as a query string; serialized ≤ LINK_PARAMS_MAX_BYTES */
  params?: Record<string, string>
}

export interface LinkButton {
  /** ≤ LINK_BUTTON_TITLE_MAX characters */
  title: string
  link: LinkTarget
}

export interface LinkContent {
  /** ≤ LINK_TITLE_MAX characters */
  title: string
  /** ≤ LINK_DESCRIPTION_MAX characters */
  description?: string
  /** http(s), within the app's registered domains; Sori shows it through its own image proxy */
  imageUrl?: string
  link: LinkTarget
}

export interface LinkCommerce {
  /** in the currency's major units (12.5 USD, 15000 KRW), ≥ 0 */
  regularPrice: number
  discountPrice?: number
  /** 0..100 */
  discountRate?: number
  /** ISO 4217, e.g. KRW, USD */
  currency: string
}

export interface LinkEvent {
  title: string
  /** ms since epoch */
  start: number
  end?: number
  location?: string
}

/** The six templates, modelled on Kakao's share templates. Limits: see the constants below. */
export type LinkTemplate =
  | { type: 'feed'; content: LinkContent; buttons?: LinkButton[] }
  | { type: 'list'; headerTitle: string; headerLink: LinkTarget; contents: LinkContent[]; buttons?: LinkButton[] }
  | { type: 'location'; content: LinkContent; address: string; addressTitle?: string; buttons?: LinkButton[] }
  | { type: 'commerce'; content: LinkContent; commerce: LinkCommerce; buttons?: LinkButton[] }
  | { type: 'text'; text: string; link: LinkTarget; buttons?: LinkButton[] }
  | { type: 'calendar'; content: LinkContent; event: LinkEvent; buttons?: LinkButton[] }

export type LinkTemplateType = LinkTemplate['type']
export const LINK_TEMPLATE_TYPES: readonly LinkTemplateType[] = ['feed', 'list', 'location', 'commerce', 'text', 'calendar']

export const LINK_TEXT_MAX = 200
export const LINK_TITLE_MAX = 100
export const LINK_DESCRIPTION_MAX = 200
export const LINK_BUTTON_TITLE_MAX = 14
/** buttons per template; location and calendar take one */
export const LINK_BUTTONS_MAX = 2
export const LINK_BUTTONS_MAX_SINGLE = 1
/** a list template's rows */
export const LINK_LIST_ITEMS = { min: 2, max: 3 } as const
export const LINK_PARAMS_MAX_BYTES = 1_024
export const LINK_URL_MAX = 2_000
/** a ticket lives this long and may go to this many chats */
export const SHARE_TICKET_TTL_MS = 24 * 3_600_000
export const SHARE_TICKET_MAX_CHATS = 10

/** The app as a link message names it: written from Sori's registry, never by the page. */
export interface LinkApp {
  id: string
  name: string
  /** URL of the app's icon as Sori serves it (`/api/apps/:id/icon?v=...`), or null */
  icon: string | null
}

/** What a chat message of kind 'link' carries (ChatMessage.link). */
export interface LinkPayload {
  /** the share ticket the message was sent with: the server checks app and template against it */
  ticket: string
  app: LinkApp
  template: LinkTemplate
  /** the app's stored template this came from (sendCustom), if any */
  templateId?: string
}

/** A registered app as its owner sees it (GET /api/apps, POST /api/apps). */
export interface App {
  id: string
  name: string
  /** icon version, or null: no icon */
  icon: string | null
  /** exact origins, e.g. https://battle.example or http://127.0.0.1:5173 */
  domains: string[]
  /** e.g. battle://open?{params} or https://battle.example/play?{params}; null: none */
  launchUrl: string | null
  /** https URL the delivery callback is POSTed to; null: none */
  webhookUrl: string | null
  /** public key for the app's pages (Sori.init) */
  appKey: string
  disabled: boolean
  created: number
}

/** POST /api/apps and POST /api/apps/:id/secret answer with the secret, once (Sori keeps it to sign the webhook's calls, and never shows it again). */
export interface AppWithSecret extends App {
  secret: string
}

/**
 * GET /api/apps/key/:appKey (no sign-in, CORS: what a page's SDK and the share screen need) and
 * GET /api/apps/:id/public (signed in: what a receiver's card needs to open the app).
 */
export interface AppPublic {
  id: string
  name: string
  icon: string | null
  domains: string[]
  launchUrl: string | null
  disabled: boolean
}

/** POST /api/share/tickets → the ticket; GET /api/share/tickets/:id → this too (its creator only). */
export interface ShareTicket {
  id: string
  app: LinkApp
  /** the origin of the page that asked, one of the app's domains */
  origin: string
  template: LinkTemplate
  templateId?: string
  /** the app's own args, echoed to its webhook; never shown in the chat */
  args?: Record<string, string>
  expires: number
}

// ---- Checks shared by Sori's server and its clients ----

export { APP_ID_RE, APP_KEY_RE, LINK_TEMPLATE_ID_RE, SHARE_TICKET_ID_RE }

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const unknownField = (o: Record<string, unknown>, allowed: readonly string[]) => Object.keys(o).find((k) => !allowed.includes(k))

/**
 * An http(s) URL's authority, read the strict way: a host of letters, digits, dots and dashes (or an IPv6
 * literal) and a port, nothing else (no credentials, no backslash, no percent-encoding, no whitespace), so
 * that the origin read here is the one a browser goes to.
 */
const WEB_URL_RE = /^([Hh][Tt][Tt][Pp][Ss]?):\/\/([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::([0-9]{1,5}))?(?:[/?#][^\s\p{Cc}\\]*)?$/u

/**
 * Where `url` points when it is an http(s) URL of at most LINK_URL_MAX characters (see WEB_URL_RE): its
 * origin as a browser writes it (scheme://host[:port], lower case, no default port); else null.
 */
export function webOrigin(url: string): string | null {
  if (url.length > LINK_URL_MAX) return null
  const m = WEB_URL_RE.exec(url)
  if (!m) return null
  const scheme = m[1].toLowerCase()
  const host = m[2].toLowerCase()
  if (!/[a-z0-9\]]/.test(host) || host.startsWith('.') || host.startsWith('-')) return null
  const port = m[3] === undefined ? null : Number(m[3])
  if (port !== null && port > 65535) return null
  const dflt = scheme === 'https' ? 443 : 80
  return `${scheme}://${host}${port === null || port === dflt ? '' : `:${port}`}`
}

/**
 * Schemes no link of a card ever opens, and no app's launch URL may have, whatever the app registered:
 * they run script, read local data or name the browser's own objects.
 */
export const UNSAFE_SCHEMES: ReadonlySet<string> = new Set([
  'javascript',
  'livescript',
  'mocha',
  'data',
  'file',
  'vbscript',
  'blob',
  'about',
  'filesystem',
  'view-source',
  'jar',
  'resource',
  'chrome',
  'chrome-extension',
  'moz-extension',
  'edge',
  'opera',
])

/** Bytes of `s` in UTF-8 (protocol/ runs without TextEncoder's types). */
function utf8Length(s: string): number {
  let n = 0
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
  }
  return n
}

/** The serialized size of `params` in bytes (UTF-8 of its JSON), which LINK_PARAMS_MAX_BYTES bounds. */
export const paramsBytes = (params: Record<string, string>): number => utf8Length(JSON.stringify(params))

function checkTarget(v: unknown, what: string, domains: readonly string[] | null): string | null {
  if (!isObj(v)) return `${what} is not an object`
  const extra = unknownField(v, ['webUrl', 'mobileWebUrl', 'params'])
  if (extra) return `${what} has an unknown field "${extra}"`
  for (const k of ['webUrl', 'mobileWebUrl'] as const) {
    const err = checkUrl(v[k], `${what}'s ${k}`, domains)
    if (err) return err
  }
  if (v.params !== undefined) {
    if (!isObj(v.params) || !Object.values(v.params).every((x) => typeof x === 'string'))
      return `${what}'s params must be an object of strings`
    if (paramsBytes(v.params as Record<string, string>) > LINK_PARAMS_MAX_BYTES)
      return `${what}'s params are over ${LINK_PARAMS_MAX_BYTES} bytes`
  }
  return null
}

/** An optional URL: http(s), at most LINK_URL_MAX characters, and (`domains` given) of one of the app's origins. */
function checkUrl(v: unknown, what: string, domains: readonly string[] | null): string | null {
  if (v === undefined) return null
  if (typeof v !== 'string') return `${what} is not a string`
  if (v.length > LINK_URL_MAX) return `${what} is over ${LINK_URL_MAX} characters`
  if (!isSafeUrl(v)) return `${what} holds a space, a control character or an invisible one`
  const origin = webOrigin(v)
  if (!origin) return `${what} ${v.slice(0, 100)} is not an http(s) URL`
  if (domains && !domains.includes(origin)) return `${what} ${origin} is outside the app's domains`
  return null
}

/**
 * A text of the card, shown to whoever gets it: present (and showing something: not only zero-width or
 * blank characters), at most `max` characters, without control or direction characters; `lines`: it may
 * hold line breaks (a description, an address).
 */
function checkString(v: unknown, what: string, max: number, optional = false, lines = false): string | null {
  if (v === undefined && optional) return null
  if (typeof v !== 'string' || !showsSomething(v)) return `${what} is missing`
  if ([...v].length > max) return `${what} is over ${max} characters`
  if (!(lines ? isSafeText(v) : isSafeLine(v))) return `${what} holds control or text-direction characters`
  return null
}

function checkContent(v: unknown, what: string, domains: readonly string[] | null): string | null {
  if (!isObj(v)) return `${what} is not an object`
  const extra = unknownField(v, ['title', 'description', 'imageUrl', 'link'])
  if (extra) return `${what} has an unknown field "${extra}"`
  return (
    checkString(v.title, `${what}'s title`, LINK_TITLE_MAX) ??
    checkString(v.description, `${what}'s description`, LINK_DESCRIPTION_MAX, true, true) ??
    checkUrl(v.imageUrl, `${what}'s imageUrl`, domains) ??
    checkTarget(v.link, `${what}'s link`, domains)
  )
}

function checkButtons(v: unknown, type: LinkTemplateType, domains: readonly string[] | null): string | null {
  if (v === undefined) return null
  if (!Array.isArray(v)) return 'buttons is not an array'
  const max = type === 'location' || type === 'calendar' ? LINK_BUTTONS_MAX_SINGLE : LINK_BUTTONS_MAX
  if (v.length > max) return `a ${type} template has at most ${max} button${max === 1 ? '' : 's'}`
  for (const [i, b] of v.entries()) {
    const what = `button ${i + 1}`
    if (!isObj(b)) return `${what} is not an object`
    const extra = unknownField(b, ['title', 'link'])
    if (extra) return `${what} has an unknown field "${extra}"`
    const err = checkString(b.title, `${what}'s title`, LINK_BUTTON_TITLE_MAX) ?? checkTarget(b.link, `${what}'s link`, domains)
    if (err) return err
  }
  return null
}

function checkCommerce(v: unknown): string | null {
  if (!isObj(v)) return 'commerce is not an object'
  const extra = unknownField(v, ['regularPrice', 'discountPrice', 'discountRate', 'currency'])
  if (extra) return `commerce has an unknown field "${extra}"`
  const amount = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0
  if (!amount(v.regularPrice)) return "commerce's regularPrice must be a number ≥ 0"
  if (v.discountPrice !== undefined && !amount(v.discountPrice)) return "commerce's discountPrice must be a number ≥ 0"
  if (v.discountRate !== undefined && !(amount(v.discountRate) && (v.discountRate as number) <= 100))
    return "commerce's discountRate must be a number from 0 to 100"
  if (typeof v.currency !== 'string' || !/^[A-Z]{3}$/.test(v.currency))
    return "commerce's currency must be an ISO 4217 code such as USD"
  return null
}

/** Calendar times: ms since epoch between 2000 and 2200, an end not before the start, at most a year after it. */
const EVENT_MIN = Date.UTC(2000, 0, 1)
const EVENT_MAX = Date.UTC(2200, 0, 1)
const EVENT_SPAN_MAX = 366 * 24 * 3_600_000

function checkEvent(v: unknown): string | null {
  if (!isObj(v)) return 'event is not an object'
  const extra = unknownField(v, ['title', 'start', 'end', 'location'])
  if (extra) return `event has an unknown field "${extra}"`
  const time = (x: unknown) => typeof x === 'number' && Number.isSafeInteger(x) && x >= EVENT_MIN && x <= EVENT_MAX
  const err =
    checkString(v.title, "event's title", LINK_TITLE_MAX) ??
    checkString(v.location, "event's location", LINK_DESCRIPTION_MAX, true, true)
  if (err) return err
  if (!time(v.start)) return "event's start must be a time (ms since epoch)"
  if (v.end !== undefined) {
    if (!time(v.end)) return "event's end must be a time (ms since epoch)"
    if ((v.end as number) < (v.start as number)) return "event's end is before its start"
    if ((v.end as number) - (v.start as number) > EVENT_SPAN_MAX) return 'an event lasts at most a year'
  }
  return null
}

/** Whether `s` has no lone surrogate (String.prototype.isWellFormed, which older phones' browsers lack). */
function wellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xd800 || c > 0xdfff) continue
    if (c > 0xdbff) return false
    const d = s.charCodeAt(++i)
    if (!(d >= 0xdc00 && d <= 0xdfff)) return false
  }
  return true
}

/**
 * Why `v` would not arrive as it was sent in a chat message, or null. A Yjs update carries text as UTF-8,
 * where a lone surrogate (a string cut through an emoji) becomes U+FFFD, and decodes a key "__proto__" as
 * the object's prototype: the message would then differ from its ticket's template and be refused after
 * the share screen had taken it.
 */
function unfaithful(v: unknown, depth = 0): string | null {
  if (typeof v === 'string')
    return wellFormed(v) ? null : `the text "${v.slice(0, 40)}" holds half of a character (cut through an emoji?)`
  if (typeof v !== 'object' || v === null || depth > 8) return null
  for (const [k, x] of Object.entries(v)) {
    if (k === '__proto__') return 'a template may not have a key "__proto__"'
    const err = unfaithful(k, depth) ?? unfaithful(x, depth + 1)
    if (err) return err
  }
  return null
}

/**
 * Returns an error text, or null when `t` is a well-formed template within the limits whose every URL is
 * of one of `domains` (the app's registered origins; null: URLs are checked for their scheme only).
 */
export function checkTemplate(t: unknown, domains: readonly string[] | null): string | null {
  if (!isObj(t)) return 'the template is not an object'
  const odd = unfaithful(t)
  if (odd) return odd
  if (!(LINK_TEMPLATE_TYPES as readonly unknown[]).includes(t.type))
    return `the template type must be one of ${LINK_TEMPLATE_TYPES.join(', ')}`
  const type = t.type as LinkTemplateType
  const fields: Record<LinkTemplateType, string[]> = {
    feed: ['content'],
    list: ['headerTitle', 'headerLink', 'contents'],
    location: ['content', 'address', 'addressTitle'],
    commerce: ['content', 'commerce'],
    text: ['text', 'link'],
    calendar: ['content', 'event'],
  }
  const extra = unknownField(t, ['type', 'buttons', ...fields[type]])
  if (extra) return `a ${type} template has no field "${extra}"`
  let err: string | null = null
  switch (type) {
    case 'feed':
      err = checkContent(t.content, 'content', domains)
      break
    case 'list':
      err = checkString(t.headerTitle, 'headerTitle', LINK_TITLE_MAX) ?? checkTarget(t.headerLink, 'headerLink', domains)
      if (err) break
      if (!Array.isArray(t.contents) || t.contents.length < LINK_LIST_ITEMS.min || t.contents.length > LINK_LIST_ITEMS.max)
        return `a list template has ${LINK_LIST_ITEMS.min} to ${LINK_LIST_ITEMS.max} contents`
      for (const [i, c] of t.contents.entries()) if ((err = checkContent(c, `content ${i + 1}`, domains))) break
      break
    case 'location':
      err =
        checkContent(t.content, 'content', domains) ??
        checkString(t.address, 'address', LINK_DESCRIPTION_MAX, false, true) ??
        checkString(t.addressTitle, 'addressTitle', LINK_TITLE_MAX, true)
      break
    case 'commerce':
      err = checkContent(t.content, 'content', domains) ?? checkCommerce(t.commerce)
      break
    case 'text':
      err = checkString(t.text, "a text template's text", LINK_TEXT_MAX, false, true) ?? checkTarget(t.link, 'link', domains)
      break
    case 'calendar':
      err = checkContent(t.content, 'content', domains) ?? checkEvent(t.event)
      break
  }
  return err ?? checkButtons(t.buttons, type, domains)
}

/** Returns an error text, or null when `v` is a well-formed LinkPayload (its app and template are checked against its ticket by the server). */
export function checkLinkPayload(v: unknown): string | null {
  if (!isObj(v)) return 'link is not an object'
  const extra = unknownField(v, ['ticket', 'app', 'template', 'templateId'])
  if (extra) return `link has an unknown field "${extra}"`
  if (typeof v.ticket !== 'string' || !SHARE_TICKET_ID_RE.test(v.ticket)) return 'link ticket is malformed'
  const app = v.app
  if (!isObj(app) || unknownField(app, ['id', 'name', 'icon'])) return 'link app is malformed'
  if (typeof app.id !== 'string' || !APP_ID_RE.test(app.id) || typeof app.name !== 'string') return 'link app is malformed'
  if (app.icon !== null && typeof app.icon !== 'string') return 'link app is malformed'
  if (v.templateId !== undefined && (typeof v.templateId !== 'string' || !LINK_TEMPLATE_ID_RE.test(v.templateId)))
    return 'link templateId is malformed'
  return checkTemplate(v.template, null)
}

/** What a chat list, a notification or a search shows of a link message: its template's first title. */
export function linkPreview(t: LinkTemplate): string {
  switch (t.type) {
    case 'text':
      return t.text
    case 'list':
      return t.headerTitle
    default:
      return t.content.title
  }
}

/**
 * A stored template with its `${name}` placeholders filled from `args` (in its string values, never in
 * its keys). A placeholder `args` does not name is left as written; the result must pass
 * checkTemplate again.
 */
export function fillTemplate(t: LinkTemplate, args: Readonly<Record<string, string>>): LinkTemplate {
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string')
      return v.replace(/\$\{([A-Za-z0-9_]{1,40})\}/g, (whole, name: string) =>
        Object.prototype.hasOwnProperty.call(args, name) ? args[name] : whole,
      )
    if (Array.isArray(v)) return v.map(fill)
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]))
    return v
  }
  return fill(t) as LinkTemplate
}

/** sendCustom's args: at most this many keys, of string values, this many bytes serialized. */
export const LINK_ARGS_MAX_KEYS = 20
export const LINK_ARGS_MAX_BYTES = 1_024

/** Returns an error text, or null when `v` is acceptable as a ticket's args. */
export function checkArgs(v: unknown): string | null {
  if (!isObj(v)) return 'args must be an object of strings'
  const entries = Object.entries(v)
  if (entries.length > LINK_ARGS_MAX_KEYS) return `args hold at most ${LINK_ARGS_MAX_KEYS} keys`
  if (!entries.every(([k, x]) => typeof x === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(k)))
    return 'args must be an object of strings, keyed by letters, digits and _'
  if (paramsBytes(v as Record<string, string>) > LINK_ARGS_MAX_BYTES) return `args are over ${LINK_ARGS_MAX_BYTES} bytes`
  return null
}
