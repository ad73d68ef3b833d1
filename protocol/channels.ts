// Channels (Plus Friends): what the API answers about a channel, the names and roots of its documents,
// the post grammar both sides check, and the limits. docs/protocol.md, "Channels (Plus Friends)".
import { checkMediaRef, cutText, withoutNul, type MediaRef } from './messages.ts'
import type { MediaKind } from './api.ts'
import { ENTITY_ID_RE, LANGS, MESSAGE_ID_RE } from './limits.ts'
import { checkPostCoupon, type PostCoupon } from './coupons.ts'
import { isSafeLine, isSafeText, isSafeUrl, showsSomething } from './text.ts'

/** What GET /api/channels/:id (and every list of channels) answers. */
export interface Channel {
  id: string
  /** unique among channels (not among users): HANDLE_RE, shown as `@handle` */
  handle: string
  name: string
  description: string
  category: ChannelCategory
  /** the languages it posts in, of the app's twelve */
  langs: string[]
  verified: boolean
  /** the version of its photo (PUT /api/channels/:id/photo, its admins); null: none */
  photo: string | null
  /**
   * Its followers, rounded down to two significant digits in steps of at least ten and taken at most
   * every SORI_CHANNEL_COUNT_MS (an hour); null: fewer than FOLLOWER_COHORT_MIN. Never exact.
   */
  followers: number | null
  /** the caller follows it */
  following: boolean
  /** the caller blocked it */
  blocked: boolean
  /** the caller is one of its admins */
  admin: boolean
  /**
   * the caller (a follower) muted its pushes: until this time (ms since epoch), or -1 until turned back
   * on; absent when not muted. Only ever the caller's own (PUT /api/channels/:id/mute).
   */
  muted?: number
  /**
   * what its head's meta says of its posts (as committed): a list can show it without opening the head.
   * `preview` and `ts` are of the latest post for everyone; `targeted`, as ChannelHeadMeta's (unreadFor,
   * latestFor)
   */
  latest: { count: number; preview: string; ts: number; targeted: TargetedPost[] }
  /**
   * The channel's customer groups the caller is in, while they follow it: the feeds of posts for them
   * alone (ChannelGroup). Absent when none. Never anyone else's.
   */
  groups?: MyChannelGroup[]
}

/**
 * One of a channel's customer groups, as its admins see it (GET/POST /api/channels/:id/groups, PUT/DELETE
 * /api/channels/:id/groups/:groupId): people the brand lists from its own customers, by their Sori IDs.
 * A group has a feed of its own, documents `ch:<groupId>` and `ch:<groupId>:<page>` as a channel's, which
 * only the channel's admins and the group's people who follow the channel may open. Nobody is named here,
 * nor counted: how many listed people follow would tell an admin who lists people they control and one
 * more whether that one follows.
 */
export interface ChannelGroup {
  id: string
  name: string
  /** posts written to its feed */
  posts: number
  created: number
}

/** POST /api/channels/:id/groups (both fields), PUT /api/channels/:id/groups/:groupId (either or both). */
export interface ChannelGroupBody {
  /** 1..MAX_GROUP_NAME_CHARS characters */
  name?: string
  /** Sori IDs (handles, a leading @ dropped), 1..MAX_GROUP_HANDLES; IDs nobody has are left out. PUT replaces the list. */
  handles?: string[]
}

/** A group of the caller's, in `Channel.groups`: only theirs, only while they follow the channel. */
export interface MyChannelGroup {
  id: string
  name: string
  /** as Channel.latest, of the group's feed */
  latest: { count: number; preview: string; ts: number }
}

export const MAX_GROUP_NAME_CHARS = 50
export const MAX_GROUP_HANDLES = 10_000
/** Groups one channel may have. */
export const MAX_CHANNEL_GROUPS = 20

/** One page of GET /api/channels. */
export interface ChannelList {
  channels: Channel[]
  /** pass as `offset` for the next page; null: this is the last */
  next: number | null
}

/** An admin of a channel, as GET/POST /api/channels/:id/admins list them (admins only). */
/**
 * GET /api/channels/:id/chats (admins only): one of the channel's chats with users, newest first. The only
 * place the channel sees who wrote to it; whether they follow it is not said.
 */
export interface ChannelChatItem {
  /** the chat's id (its documents c:<id>, …) */
  id: string
  user: { id: string; name: string; handle: string; photo?: string }
  /** the latest message's preview ('' for none or a media message without caption) */
  preview: string
  /** who wrote it: the user's id, or the id of the admin who answered */
  from: string
  ts: number
  /** it is a media message of this kind (its preview is its caption, maybe empty) */
  media?: MediaKind
  /** it ends an album of this many photos (as InboxEntry.photos) */
  photos?: number
  /** its author deleted it: `preview` is empty */
  retracted?: true
  /** messages after the read position the channel's admins share */
  unread: number
}

export interface ChannelAdmin {
  id: string
  handle: string
  name: string
}

/** GET /api/channels/:id/stats (admins only): aggregates, each null under the cohort minimum. */
export interface ChannelStats {
  /** as Channel.followers */
  followers: number | null
  /** follows made in the last 7 days, rounded like `followers`; null: fewer than FOLLOWER_COHORT_MIN */
  followsWeek: number | null
  /**
   * follows that ended (unfollows, and blocks of a followed channel) in the same seven whole UTC days
   * before today as `followsWeek`, rounded like `followers`; null: fewer than FOLLOWER_COHORT_MIN.
   * Counted per day without anyone's id.
   */
  unfollowsWeek: number | null
  /** posts ever written (Channel head `meta.count`) */
  posts: number
  /** saves of its coupons still standing, made before today (UTC), rounded like `followers`; null under FOLLOWER_COHORT_MIN */
  couponsSaved: number | null
  /** redemptions of its coupons, rounded like `followers`; null under FOLLOWER_COHORT_MIN */
  couponsRedeemed: number | null
  /**
   * `followers` by UTC day ('YYYY-MM-DD'): the figure last taken that day, for the days of the last 30
   * (today included) that have one, oldest first; null: fewer than FOLLOWER_COHORT_MIN that day
   */
  history: { day: string; followers: number | null }[]
  /**
   * The channel's latest posts (RECENT_POSTS_IN_STATS, by `ts`, newest first), retracted ones included:
   * how many times readers' apps showed each (once per device) and how many taps its buttons and links
   * got, rounded like `followers`; null: fewer than FOLLOWER_COHORT_MIN. Never who viewed or tapped.
   */
  recent: { id: string; ts: number; kind: PostKind; preview: string; views: number | null; clicks: number | null }[]
}

/** Posts in ChannelStats.recent. */
export const RECENT_POSTS_IN_STATS = 20

/**
 * POST /api/channels/:id/insights → 204: a reader's app counts posts of the channel it showed (`views`,
 * an id once per request) and taps on their buttons and links (`clicks`, an id once per tap). Ids
 * MESSAGE_ID_RE, at most MAX_INSIGHT_IDS per list; ids the channel has no post of are left out.
 */
export interface ChannelInsights {
  views?: string[]
  clicks?: string[]
}
export const MAX_INSIGHT_IDS = 50

export const CHANNEL_CATEGORIES = [
  'music',
  'film',
  'tv',
  'celebrity',
  'brand',
  'shopping',
  'food',
  'travel',
  'news',
  'sports',
  'games',
  'education',
  'other',
] as const
export type ChannelCategory = (typeof CHANNEL_CATEGORIES)[number]

export const MAX_CHANNEL_NAME_CHARS = 50
export const MAX_CHANNEL_DESCRIPTION_CHARS = 500
/** Admins of one channel. */
export const MAX_CHANNEL_ADMINS = 50
/** Fewer people than this are never counted out to an admin: followers, follows, any statistic. */
export const FOLLOWER_COHORT_MIN = 20
/** Channels in one page of GET /api/channels (the default and the most `limit` may ask). */
export const CHANNEL_LIST_LIMIT = 50

/** Longest post text, in UTF-16 code units. */
export const MAX_POST_CHARS = 1_300
export const MAX_POST_BUTTONS = 5
export const MAX_BUTTON_LABEL_CHARS = 14
export const MAX_URL_CHARS = 2_000
export const LIST_ITEMS = { min: 1, max: 5 } as const
export const CAROUSEL_CARDS = { min: 2, max: 6 } as const
export const MAX_ITEM_TITLE_CHARS = 60
export const MAX_ITEM_DESCRIPTION_CHARS = 200
/** A channel page rolls over to the next one when it holds this many posts. */
export const CHANNEL_PAGE_SIZE = 1_000
/** A page before the current one still takes posts written while it was current, up to this many. */
export const CHANNEL_PAGE_HARD_LIMIT = 1_200
/** Posts one channel may write per minute, all admins together. */
export const CHANNEL_POSTS_PER_MINUTE = 20

export const POST_KINDS = ['text', 'photo', 'widePhoto', 'video', 'list', 'carousel'] as const
export type PostKind = (typeof POST_KINDS)[number]

export interface PostButton {
  /** 1..14 characters */
  label: string
  /** http: or https: only */
  url: string
}
export interface ListItem {
  title: string
  description?: string
  url?: string
}
export interface CarouselCard {
  title: string
  description?: string
  buttons?: PostButton[]
}

/** One post: a plain object appended to a channel page's `posts` Y.Array by an admin. */
export interface ChannelPost {
  /** client-made, MESSAGE_ID_RE */
  id: string
  /** the admin who wrote it: must be the authenticated user */
  from: string
  /** the author's clock, ms since epoch (display only; order is the array's) */
  ts: number
  kind: PostKind
  /** 'text': required, 1..1,300 characters; other kinds: an optional caption of as many */
  text?: string
  /**
   * 'photo' and 'widePhoto' (a photo reference), 'video' (a video reference): required there, absent
   * elsewhere; an upload for this channel (POST /api/channels/:id/uploads), which the server checks
   */
  media?: MediaRef
  /** 'list' only: 1..5 items */
  items?: ListItem[]
  /** 'carousel' only: 2..6 cards */
  cards?: CarouselCard[]
  /** up to 5 */
  buttons?: PostButton[]
  /** an advertisement: clients say so */
  ad?: boolean
  /**
   * For followers whose Sori language (Me.lang) is one of these (1 to 12 distinct LANGS, each one of the
   * channel's `langs`: the server checks); absent: for everyone. Clients show the post, and count it
   * unread, only for those (its admins see every post, marked); pushes go only to them (postFor).
   */
  langs?: string[]
  /** a coupon of this channel (the server checks that it is), at most one per post */
  coupon?: PostCoupon
}

/** Value of a channel page's `edits` Y.Map, keyed by post id: an admin retracted the post. */
export interface PostRetraction {
  retracted: true
  ts: number
}

/** Server-written `meta` of the head `ch:<channelId>`. */
export interface ChannelHeadMeta {
  handle: string
  name: string
  photo: string | null
  verified: boolean
  /** the current page: posts go to `ch:<id>:<page>` */
  page: number
  /** posts ever written: unread = count − the posts this device has seen */
  count: number
  /**
   * the latest post for everyone (without `langs`): up to 100 characters of its text (or its first item or
   * card title), time, kind; '' / 0 when none
   */
  preview: string
  ts: number
  kind: PostKind | ''
  /** the latest TARGETED_KEPT posts for some languages only, oldest first */
  targeted: TargetedPost[]
}

/** A post for some languages only, as a channel's head (and Channel.latest) keeps the latest ones. */
export interface TargetedPost {
  id: string
  /** its place among all the channel's posts, from 0: unread on a device that has been shown fewer */
  pos: number
  langs: string[]
  /** as ChannelHeadMeta.preview ('' once retracted) */
  preview: string
  ts: number
  kind: PostKind
  /** an admin retracted it: it still holds its place, but is nobody's latest */
  retracted?: true
}
/** Targeted posts a head keeps: a device that has missed more counts the older ones as unread. */
export const TARGETED_KEPT = 50

/** Whether a reader whose Sori language is `lang` is shown post `p`; null: one of the channel's admins, shown everything. */
export const postFor = (p: { langs?: readonly string[] }, lang: string | null): boolean =>
  lang === null || !p.langs || p.langs.includes(lang)

/**
 * The posts after the first `seen` (a device's count of posts shown, as ChannelHeadMeta.count) that a
 * reader in `lang` is shown: all of them, less the targeted posts since that are not for them.
 */
export function unreadFor(h: { count: number; targeted?: readonly TargetedPost[] }, seen: number, lang: string | null): number {
  let n = h.count - seen
  for (const t of h.targeted ?? []) if (t.pos >= seen && !postFor(t, lang)) n--
  return Math.max(0, n)
}

/** The latest post a reader in `lang` is shown: the head's, or a newer one targeted at them. */
export function latestFor(
  h: { preview: string; ts: number; targeted?: readonly TargetedPost[] },
  lang: string | null,
): { preview: string; ts: number } {
  let out = { preview: h.preview, ts: h.ts }
  for (const t of h.targeted ?? []) if (postFor(t, lang) && !t.retracted && t.ts >= out.ts) out = { preview: t.preview, ts: t.ts }
  return out
}

// --- Document names ---------------------------------------------------------------------------------

export const channelHeadDoc = (channelId: string): string => `ch:${channelId}`
export const channelPageDoc = (channelId: string, page: number): string => `ch:${channelId}:${page}`

export type ChannelDocName = { kind: 'channelHead'; channelId: string } | { kind: 'channelPage'; channelId: string; page: number }

/** Parses `ch:<id>` or `ch:<id>:<page>`; null for anything else. */
export function parseChannelDoc(name: string): ChannelDocName | null {
  const parts = name.split(':')
  if (parts[0] !== 'ch' || !ENTITY_ID_RE.test(parts[1] ?? '')) return null
  if (parts.length === 2) return { kind: 'channelHead', channelId: parts[1] }
  if (parts.length === 3 && /^(0|[1-9][0-9]{0,5})$/.test(parts[2]))
    return { kind: 'channelPage', channelId: parts[1], page: Number(parts[2]) }
  return null
}

export const CHANNEL_ROOTS = {
  head: { meta: 'meta' },
  page: { posts: 'posts', edits: 'edits' },
} as const

// --- Checks -------------------------------------------------------------------------------------------

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const onlyKeys = (o: Record<string, unknown>, allowed: readonly string[]) => Object.keys(o).every((k) => allowed.includes(k))
const isTs = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
// control characters, line separators and bidi overrides have no place in a label or a title, and one of
// only zero-width characters would be a button that says nothing
const isLine = (v: unknown, min: number, max: number) =>
  typeof v === 'string' && v.length >= min && v.length <= max && isSafeLine(v) && (min === 0 || showsSomething(v))

// scheme, a host (letters of any script, digits, '-', '.'; no user:password@), an optional port, then
// anything but whitespace and controls
const HTTP_URL_RE = /^https?:\/\/[\p{L}\p{N}](?:[\p{L}\p{N}.-]*[\p{L}\p{N}])?(?::[0-9]{1,5})?(?:[/?#][^\s\p{Cc}]*)?$/iu

/** An absolute http: or https: URL: what a button or item may open (never javascript:, data:, ...). */
export const isHttpUrl = (v: unknown): v is string =>
  typeof v === 'string' && v.length <= MAX_URL_CHARS && HTTP_URL_RE.test(v) && isSafeUrl(v)

function checkButtons(v: unknown): string | null {
  if (!Array.isArray(v) || v.length > MAX_POST_BUTTONS) return `buttons are not a list of at most ${MAX_POST_BUTTONS}`
  for (const b of v) {
    if (!isObj(b) || !onlyKeys(b, ['label', 'url'])) return 'button is malformed'
    if (!isLine(b.label, 1, MAX_BUTTON_LABEL_CHARS)) return `button label is empty or over ${MAX_BUTTON_LABEL_CHARS} characters`
    if (!isHttpUrl(b.url)) return 'button link is not an http(s) URL'
  }
  return null
}

function checkEntry(v: unknown, extra: 'url' | 'buttons'): string | null {
  if (!isObj(v) || !onlyKeys(v, ['title', 'description', extra])) return `${extra === 'url' ? 'item' : 'card'} is malformed`
  if (!isLine(v.title, 1, MAX_ITEM_TITLE_CHARS)) return 'title is empty or too long'
  if (v.description !== undefined && (typeof v.description !== 'string' || v.description.length > MAX_ITEM_DESCRIPTION_CHARS))
    return 'description is too long'
  if (v.description !== undefined && !isSafeText(v.description)) return 'description holds control or text-direction characters'
  if (extra === 'url' && v.url !== undefined && !isHttpUrl(v.url)) return 'item link is not an http(s) URL'
  if (extra === 'buttons' && v.buttons !== undefined) return checkButtons(v.buttons)
  return null
}

/** Returns an error text, or null when `v` is a valid post written by `userId`. */
export function checkPost(v: unknown, userId: string): string | null {
  if (!isObj(v)) return 'post is not an object'
  if (!onlyKeys(v, ['id', 'from', 'ts', 'kind', 'text', 'media', 'items', 'cards', 'buttons', 'ad', 'coupon', 'langs']))
    return 'post has unknown fields'
  if (typeof v.id !== 'string' || !MESSAGE_ID_RE.test(v.id)) return 'post id is malformed'
  if (v.from !== userId) return 'post author is not the sender'
  if (!isTs(v.ts)) return 'post time is malformed'
  if (!(POST_KINDS as readonly unknown[]).includes(v.kind)) return 'post kind is unknown'
  const kind = v.kind as PostKind
  if (v.text !== undefined && (typeof v.text !== 'string' || v.text.length > MAX_POST_CHARS))
    return `post text is over ${MAX_POST_CHARS} characters`
  if (v.text !== undefined && !isSafeText(v.text)) return 'post text holds control or text-direction characters'
  if (kind === 'text' && (typeof v.text !== 'string' || !showsSomething(v.text))) return 'a text post needs text'
  const visual = kind === 'photo' || kind === 'widePhoto' || kind === 'video'
  if (visual) {
    const err = checkMediaRef(v.media)
    if (err) return err
    if ((v.media as MediaRef).kind !== (kind === 'video' ? 'video' : 'photo')) return 'post media is of another kind'
  } else if (v.media !== undefined) return `a ${kind} post carries no media`
  if (kind === 'list') {
    if (!Array.isArray(v.items) || v.items.length < LIST_ITEMS.min || v.items.length > LIST_ITEMS.max)
      return `a list holds ${LIST_ITEMS.min} to ${LIST_ITEMS.max} items`
    for (const it of v.items) {
      const err = checkEntry(it, 'url')
      if (err) return err
    }
  } else if (v.items !== undefined) return 'only a list post has items'
  if (kind === 'carousel') {
    if (!Array.isArray(v.cards) || v.cards.length < CAROUSEL_CARDS.min || v.cards.length > CAROUSEL_CARDS.max)
      return `a carousel holds ${CAROUSEL_CARDS.min} to ${CAROUSEL_CARDS.max} cards`
    for (const c of v.cards) {
      const err = checkEntry(c, 'buttons')
      if (err) return err
    }
  } else if (v.cards !== undefined) return 'only a carousel post has cards'
  if (v.buttons !== undefined) {
    const err = checkButtons(v.buttons)
    if (err) return err
  }
  if (v.ad !== undefined && typeof v.ad !== 'boolean') return 'ad is not a boolean'
  if (
    v.langs !== undefined &&
    (!Array.isArray(v.langs) ||
      v.langs.length === 0 ||
      v.langs.some((l, i, all) => !(LANGS as readonly unknown[]).includes(l) || all.indexOf(l) !== i))
  )
    return 'post languages are not a list of distinct app languages'
  if (v.coupon !== undefined) return checkPostCoupon(v.coupon)
  return null
}

/** Returns an error text, or null when `v` is a valid value of a page's `edits`: a retraction. */
export function checkPostEdit(v: unknown): string | null {
  if (!isObj(v) || !onlyKeys(v, ['retracted', 'ts']) || v.retracted !== true || !isTs(v.ts))
    return 'only a retraction { retracted: true, ts } is allowed'
  return null
}

/**
 * What a chat-list style preview of a post says: its text, else its first item's or card's title. Without
 * NUL characters, which the server's Postgres columns cannot hold (a post may).
 */
export function postPreview(p: Pick<ChannelPost, 'text' | 'items' | 'cards'>): string {
  const s = p.text?.trim() || p.items?.[0]?.title || p.cards?.[0]?.title || ''
  return cutText(withoutNul(s), 100)
}

/**
 * A follower count as admins and everyone else see it: null under FOLLOWER_COHORT_MIN, else rounded
 * down to two significant digits in steps of at least ten (20..99 → tens, 1,234 → 1,200).
 */
export function roundFollowers(n: number): number | null {
  if (n < FOLLOWER_COHORT_MIN) return null
  const step = Math.max(10, 10 ** (Math.floor(Math.log10(n)) - 1))
  return Math.floor(n / step) * step
}

/**
 * The form handles and names are searched in: NFKC (full- and half-width forms, composed Hangul,
 * compatibility characters become one) then lower case, so that a substring typed in any script matches.
 */
export const searchForm = (s: string): string => s.normalize('NFKC').toLowerCase().normalize('NFKC')

// POST /api/channels/:id/report  body ChannelReport → 204
/** Why a user reports a channel to the operator. */
export const REPORT_REASONS = ['spam', 'scam', 'offensive', 'impersonation', 'other'] as const
export type ReportReason = (typeof REPORT_REASONS)[number]
export interface ChannelReport {
  reason: ReportReason
  /** what the user adds, at most MAX_REPORT_NOTE_CHARS */
  note?: string
}
export const MAX_REPORT_NOTE_CHARS = 500
