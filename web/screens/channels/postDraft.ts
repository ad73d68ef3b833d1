// The composer's draft as the post it sends, and what is wrong with it said in the user's language. The
// draft is checked with the server's own grammar (checkPost) before anything leaves the device: before a
// coupon is made or a photo uploaded, with stand-ins for what those give the post.
import {
  CAROUSEL_CARDS,
  checkPost,
  LIST_ITEMS,
  type CarouselCard,
  type ListItem,
  type PostButton,
  type PostKind,
} from '../../../protocol/channels.ts'
import type { PostCoupon } from '../../../protocol/coupons.ts'
import type { MediaRef } from '../../../protocol/messages.ts'
import type { ScheduledDraft } from '../../../protocol/scheduled.ts'
import { t } from '../../app/t.ts'

export interface ItemDraft {
  title: string
  description: string
  url: string
}
export interface CardDraft {
  title: string
  description: string
  buttons: PostButton[]
}

export const newItem = (): ItemDraft => ({ title: '', description: '', url: '' })
export const newCard = (): CardDraft => ({ title: '', description: '', buttons: [] })
/** What a list or carousel starts with: as few entries as the grammar takes. */
export const firstItems = (): ItemDraft[] => Array.from({ length: LIST_ITEMS.min }, newItem)
export const firstCards = (): CardDraft[] => Array.from({ length: CAROUSEL_CARDS.min }, newCard)

/** A photo, wide photo or video post: one that carries media. */
export const isVisual = (k: PostKind): k is 'photo' | 'widePhoto' | 'video' => k === 'photo' || k === 'widePhoto' || k === 'video'

export interface Draft {
  kind: PostKind
  text: string
  items: ItemDraft[]
  cards: CardDraft[]
  buttons: PostButton[]
  ad: boolean
  /** the languages ticked, in the channel's order; empty: everyone */
  langs: string[]
  media?: MediaRef
  coupon?: PostCoupon
}

// an optional field left blank is left out, as the grammar has no empty ones
const optional = <K extends string>(key: K, v: string): Partial<Record<K, string>> =>
  (v.trim() ? { [key]: v.trim() } : {}) as Partial<Record<K, string>>

const toItem = (d: ItemDraft): ListItem => ({
  title: d.title.trim(),
  ...optional('description', d.description),
  ...optional('url', d.url),
})
const toCard = (d: CardDraft): CarouselCard => ({
  title: d.title.trim(),
  ...optional('description', d.description),
  ...(d.buttons.length ? { buttons: d.buttons } : {}),
})

/** The post as it is sent (or scheduled): everything but its id, author and time. */
export function draftPost(d: Draft): ScheduledDraft {
  // the text is a text post's body, any other post's caption; a coupon's title stands in for an empty one
  const caption = d.text.trim() || d.coupon?.title || ''
  return {
    kind: d.kind,
    ...(d.kind === 'text' || caption ? { text: caption } : {}),
    ...(isVisual(d.kind) && d.media ? { media: d.media } : {}),
    ...(d.kind === 'list' ? { items: d.items.map(toItem) } : {}),
    ...(d.kind === 'carousel' ? { cards: d.cards.map(toCard) } : {}),
    ...(d.buttons.length ? { buttons: d.buttons } : {}),
    ...(d.ad ? { ad: true } : {}),
    ...(d.coupon ? { coupon: d.coupon } : {}),
    ...(d.langs.length ? { langs: d.langs } : {}),
  }
}

/** Stands in for the id, author and time a post is given when it is sent. */
export const asSent = (p: ScheduledDraft, userId: string) => ({ id: 'draft-post', from: userId, ts: Date.now(), ...p })

/** The grammar's reason (or the server's, which words them alike), said in the user's language. */
export function reasonText(why: string): string {
  if (/a list holds/.test(why)) return t('channels.error.listSize')
  if (/a carousel holds/.test(why)) return t('channels.error.cardsSize')
  if (/coupon/.test(why)) return t('channels.error.other')
  if (/title/.test(why)) return t('channels.error.title')
  if (/description/.test(why)) return t('channels.error.description')
  if (/item link/.test(why)) return t('channels.error.itemLink')
  if (/label/.test(why)) return t('channels.error.label')
  if (/link|url/i.test(why)) return t('channels.error.link')
  if (/text/.test(why)) return t('channels.error.text')
  return t('channels.error.other')
}

/** The first item or card that the grammar refuses on its own, and why, said with its number. */
function entryProblem(p: ScheduledDraft, userId: string): string | null {
  for (const [i, item] of (p.kind === 'list' ? (p.items ?? []) : []).entries()) {
    const why = checkPost(asSent({ kind: 'list', items: [item] }, userId), userId)
    if (why) return t('channels.error.inItem', { n: i + 1, why: reasonText(why) })
  }
  for (const [i, card] of (p.kind === 'carousel' ? (p.cards ?? []) : []).entries()) {
    // a carousel takes no fewer than two cards: the card is checked beside itself
    const why = checkPost(asSent({ kind: 'carousel', cards: [card, card] }, userId), userId)
    if (why) return t('channels.error.inCard', { n: i + 1, why: reasonText(why) })
  }
  return null
}

// of COUPON_ID_RE's form: the coupon is made on the server only once the rest of the post is right
const COUPON_STAND_IN = 'draft-coupon-stand-in0'

/**
 * What is wrong with `p`, said in the user's language; null: the grammar takes it. Media not uploaded yet
 * and a coupon not made yet are stood in for: a photo or video post is checked as a text post (its only
 * other rule is its media), with a caption when it has none, since a caption is optional.
 */
export function draftProblem(p: ScheduledDraft, userId: string, couponTitle?: string): string | null {
  const stood: ScheduledDraft = {
    ...p,
    ...(couponTitle !== undefined && !p.coupon ? { coupon: { id: COUPON_STAND_IN, title: couponTitle } } : {}),
    ...(couponTitle !== undefined && p.kind === 'text' && !p.text ? { text: couponTitle } : {}),
    ...(isVisual(p.kind) && !p.media ? { kind: 'text' as const, text: p.text || '-' } : {}),
  }
  const why = checkPost(asSent(stood, userId), userId)
  if (!why) return null
  if (/a (list|carousel) holds/.test(why)) return reasonText(why)
  return entryProblem(p, userId) ?? reasonText(why)
}
