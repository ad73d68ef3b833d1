// What a push says, worded on the server in the subscription's language from the locale bundles'
// `push.*` strings (./locales/<lang>.json), so that the service worker shows it as it comes.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ChatMessage } from '../../protocol/messages.ts'
import type { ChannelPushPayload, PushPayload } from '../../protocol/push.ts'
import type { LastMessage } from '../chats/mirror.ts'
import { LANGS } from '../auth/rules.ts'

/** The latest message of a push: the whole message when the page doc had it at hand, else its mirror entry. */
export interface Latest {
  msg?: Pick<ChatMessage, 'id' | 'body' | 'kind' | 'media'>
  last: LastMessage
}

/** What the wording needs of the chat. */
export interface ChatFacts {
  id: string
  kind: 'direct' | 'group' | 'channel'
  title: string
  members: number
  /** the author's display name */
  sender: string
  /** the recipient answers this chat as a channel: the channel's name */
  via?: string
}

/** Characters of a message a push carries at most; its payload stays far below the 4 KB a push may hold. */
const BODY_CHARS = 200

type Bundle = Record<string, string>

/** The folder holding locales/: from server/push/ in the source tree, from dist-server/ in the bundle. */
function localesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'locales', 'en.json'))) return join(dir, 'locales')
    dir = dirname(dir)
  }
  return join(process.cwd(), 'locales')
}

let bundles: Map<string, { push: Bundle; app: string; plural: Intl.PluralRules }> | null = null

/** Reads the twelve bundles' push strings (once; at the latest with the first push). */
export function loadBundles(): void {
  if (!bundles) {
    bundles = new Map()
    const dir = localesDir()
    for (const l of LANGS) {
      const json = JSON.parse(readFileSync(join(dir, `${l}.json`), 'utf8')) as { push: Bundle; app: { name: string } }
      bundles.set(l, { push: json.push, app: json.app.name, plural: new Intl.PluralRules(l) })
    }
  }
}

function bundle(lang: string) {
  loadBundles()
  return bundles!.get(lang) ?? bundles!.get('en')!
}

/** i18next's `{{name}}` interpolation and `_one`/`_other` plural keys, for the few strings a push needs. */
function t(lang: string, key: string, vars: Record<string, string | number> = {}): string {
  const b = bundle(lang)
  const plural =
    typeof vars.count === 'number' ? (b.push[`${key}_${b.plural.select(vars.count)}`] ?? b.push[`${key}_other`]) : undefined
  const text = plural ?? b.push[key] ?? bundle('en').push[key] ?? key
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k: string) => String(vars[k] ?? ''))
}

const clip = (s: string, n: number): string => {
  // no more UTF-16 units than n: no more code points either, and nothing to split
  if (s.length <= n) return s
  const cps = [...s]
  return cps.length > n ? cps.slice(0, n - 1).join('') + '…' : s
}

export interface RenderInput {
  lang: string
  previews: boolean
  chat: ChatFacts
  latest: Latest
  count: number
  badge: number
  mention: boolean
}

/** A title and body as worded for one language and chat: what a group's message says to each member alike. */
interface Worded {
  lang: string
  chat: ChatFacts
  title: string
  body: string
}

/** per latest message, its wordings so far (a message to 400 members is worded once per language, not 400 times) */
const worded = new WeakMap<Latest, Worded[]>()

const sameChat = (a: ChatFacts, b: ChatFacts): boolean =>
  a.id === b.id && a.kind === b.kind && a.title === b.title && a.members === b.members && a.sender === b.sender && a.via === b.via

export function renderPayload(r: RenderInput): PushPayload {
  const { lang, chat } = r
  if (!r.previews)
    return {
      v: 1,
      chat: chat.id,
      count: r.count,
      badge: r.badge,
      title: bundle(lang).app,
      body: r.count > 1 ? t(lang, 'newMessages', { count: r.count }) : t(lang, 'newMessage'),
    }
  let list = worded.get(r.latest)
  let w = list?.find((x) => x.lang === lang && sameChat(x.chat, chat))
  if (!w) {
    const { title, body } = word(lang, chat, r.latest)
    w = { lang, chat, title, body }
    if (!list) worded.set(r.latest, (list = []))
    // twelve languages, and an admin's wording per channel: a few at most; a bound all the same
    if (list.length >= 32) list.length = 0
    list.push(w)
  }
  const p: PushPayload = {
    v: 1,
    chat: chat.id,
    count: r.count,
    badge: r.badge,
    title: w.title,
    body: w.body,
    kind: chat.kind,
  }
  if (r.latest.msg) p.msg = r.latest.msg.id
  if (r.mention) p.mention = true
  return p
}

function word(lang: string, chat: ChatFacts, latest: Latest): { title: string; body: string } {
  const group = chat.title || t(lang, 'untitledGroup', { count: chat.members })
  const title = clip(
    chat.via
      ? t(lang, 'inGroup', { name: chat.sender, chat: chat.via })
      : chat.kind !== 'group'
        ? chat.sender
        : t(lang, 'inGroup', { name: chat.sender, chat: group }),
    120,
  )
  const { msg, last } = latest
  const text = msg?.body ?? last.preview
  const media = msg?.media?.kind ?? last.media
  let body = text
  // photos sent together: the album's count, as the chat list says it ("5 photos")
  const album = !text && media === 'photo' && (last.photos ?? 1) > 1 ? last.photos! : 0
  if (album) body = t(lang, 'photos', { count: album })
  else if (media) body = text ? t(lang, 'withCaption', { kind: t(lang, media), caption: text }) : t(lang, media)
  return { title, body: clip(body, BODY_CHARS) }
}

/**
 * What a channel post's push says: the channel's name and the post's preview; with previews off "Sori"
 * and "New post", since a lock screen showing which channels someone follows tells as much as a message.
 */
export function renderChannelPayload(r: {
  lang: string
  previews: boolean
  channel: { id: string; name: string }
  post: { kind: string; preview: string }
}): ChannelPushPayload {
  const { lang, post } = r
  let body = t(lang, 'newPost')
  if (r.previews) {
    const media = post.kind === 'video' ? 'video' : post.kind === 'photo' || post.kind === 'widePhoto' ? 'photo' : ''
    if (post.preview) body = media ? t(lang, 'withCaption', { kind: t(lang, media), caption: post.preview }) : post.preview
    else if (media) body = t(lang, media)
  }
  const title = r.previews ? clip(r.channel.name, 120) : bundle(lang).app
  return { v: 1, channel: r.channel.id, title, body: clip(body, BODY_CHARS) }
}
