// Web Push: the JSON API's bodies and answers, and what a push carries (docs/protocol.md,
// "Notifications (Web Push)"). Authenticated like the rest of the API.

// GET /api/push/key → PushKey
export interface PushKey {
  /** the server's VAPID public key: an uncompressed P-256 point, base64url (applicationServerKey) */
  key: string
}

// PUT /api/push/subscription  body PushSubscriptionBody → 200 PushState
// GET /api/push/subscription  → 200 PushState
// DELETE /api/push/subscription → 204
export interface PushSubscriptionBody {
  /** PushSubscription.endpoint: https:// */
  endpoint: string
  /** PushSubscription.toJSON().keys: p256dh 65 bytes (an uncompressed P-256 point), auth 16 bytes, base64url */
  keys: { p256dh: string; auth: string }
  /** the language notifications are worded in: one of the twelve locales */
  lang: string
  /** false: a push says only that there are new messages, with no sender, chat name or text */
  previews: boolean
}
export interface PushState {
  /** this device has a subscription */
  on: boolean
  /** its previews setting (true when off) */
  previews: boolean
  /** its language (the account's language when off) */
  lang: string
}

// PUT /api/chats/:id/mute  body MuteBody → 200 MuteBody (as stored)
export interface MuteBody {
  /** muted until this time (ms since epoch); -1: until turned back on; null: not muted */
  until: number | null
}
/** MuteBody.until: muted until turned back on */
export const MUTED_FOREVER = -1

// GET /api/me/notifications → NotificationSettings
// PUT /api/me/notifications  body NotificationSettings → 200 NotificationSettings
export interface NotificationSettings {
  /** do not disturb: no pushes from `from` to `to` (24-hour "HH:MM", local time in `tz`, an IANA zone); null: never */
  dnd: { from: string; to: string; tz: string } | null
  /** a text naming me (`@myhandle`) notifies even in a muted chat */
  mentions: boolean
}

/** What a push carries (JSON, decrypted by the service worker). Text only: show it as text, never as HTML. */
export interface PushPayload {
  v: 1
  /** the chat: open it on click, and one notification per chat (the tag) */
  chat: string
  /** messages in the chat this user has not read */
  count: number
  /** this user's unread messages across their chats but muted ones: the app badge */
  badge: number
  /** rendered in the subscription's language */
  title: string
  body: string
  /** previews on only: the latest message's id */
  msg?: string
  /** previews on only: the chat's kind */
  kind?: 'direct' | 'group' | 'channel'
  /** previews on only: the latest messages name this user (`@handle`) */
  mention?: true
}

/**
 * What a push of a channel post carries (docs/protocol.md, "Notifications (Web Push)"): never an ad. No
 * `count` or `badge`: what a follower has read of a channel is known only to their devices.
 */
export interface ChannelPushPayload {
  v: 1
  /** the channel: open it on click, and one notification per channel (the tag `ch:<id>`) */
  channel: string
  /** the channel's name */
  title: string
  /** the post's preview, or "New post" in the subscription's language when previews are off */
  body: string
}

/** Limits of the push API's bodies. */
export const PUSH_ENDPOINT_MAX_CHARS = 2048
export const PUSH_P256DH_BYTES = 65
export const PUSH_AUTH_BYTES = 16
