// HTTP API types (JSON under /api/). Authenticated calls send `Authorization: Bearer <token>`.
// Errors: HTTP 4xx/5xx with body ApiError.
import type { MediaRef } from './messages.ts'
import type { LinkPayload } from './link.ts'

export interface ApiError {
  error: { code: ErrorCode; message: string }
}
export type ErrorCode =
  | 'bad_request'
  | 'handle_invalid'
  | 'handle_taken'
  | 'password_weak'
  | 'name_invalid'
  | 'title_invalid'
  | 'wrong_credentials'
  | 'too_many_attempts'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'blocked'
  | 'too_large'
  | 'invite_expired'
  | 'invite_revoked'
  | 'unsupported_media_type'
  | 'internal'
  // media (docs/protocol.md, "Media")
  | 'quota_exceeded'
  | 'too_many_uploads'
  | 'offset_mismatch'
  | 'upload_busy'
  | 'not_an_image'
  | 'malformed_media'
  // coupons (docs/protocol.md, "Coupons")
  | 'already_redeemed'
  | 'sold_out'
  | 'code_expired'
  | 'code_invalid'
  | 'coupon_not_valid'
  // scheduled channel posts (docs/protocol.md, "Scheduled posts")
  | 'too_many_scheduled'
  | 'already_published'
  // Sori Link (docs/protocol.md, "Sori Link")
  | 'origin_not_registered'
  | 'too_many_tickets'
  | 'too_many_apps'
  | 'too_many_groups'
  // groups (docs/protocol.md, "Chats"): per account and hour
  | 'too_many_new_groups'
  | 'too_many_invitations'
  // ID lookups (GET /api/users/:handle, a channel made or an admin added by ID), per account and hour
  | 'too_many_lookups'
  // POST /api/channels, per account and hour
  | 'too_many_channels'

/** The signed-in user. */
export interface Me {
  id: string
  handle: string
  name: string
  status: string
  lang: string
  /** the version of my profile photo (PROFILE_PHOTO_VERSION_CHARS hex digits of its sha256); absent when I have none */
  photo?: string
}
/** Someone else, as the viewer may see them. */
export interface Profile {
  id: string
  handle: string
  name: string
  status: string
  /**
   * the version of their profile photo (PROFILE_PHOTO_VERSION_CHARS hex digits of its sha256), which changes
   * with the photo: fetch GET /api/users/:id/photo?v=<photo>. Absent when they have none, and always for a
   * deleted account.
   */
  photo?: string
}

// POST /api/signup  → 201 Session
export interface SignUpBody {
  handle: string
  name: string
  password: string
  lang?: string
  device?: string
}
// POST /api/signin  → 200 Session   (429 too_many_attempts when slowed down; Retry-After header)
export interface SignInBody {
  handle: string
  password: string
  device?: string
}
export interface Session {
  token: string
  user: Me
}
// POST /api/signout       → 204 (this device's token)
// POST /api/signout-all   → 204 (every device of the user; their sockets close with 4401)
// GET  /api/me            → Me
// PATCH /api/me           → Me
export interface UpdateMeBody {
  name?: string
  status?: string
  lang?: string
}
// POST /api/me/password { current, password } → 204 (every other device is signed out: sockets close with 4401;
//   403 wrong_credentials, 400 password_weak, 429 too_many_attempts with Retry-After)
export interface ChangePasswordBody {
  current: string
  password: string
}
// GET    /api/sessions     → DeviceSessions (this account's signed-in devices: the calling one first, then the most recently seen)
// DELETE /api/sessions/:id → 204 (that device is signed out: its token gets 401, its sockets close with 4401; 404 not_found)
export interface DeviceSession {
  id: string
  /** the label the device sent at sign-in (its browser's user agent) */
  device: string
  created: number
  /** last use, refreshed at most every five minutes */
  seen: number
  /** the device making this request */
  current: boolean
  /** it gets notifications (it has a push subscription) */
  push: boolean
}
export interface DeviceSessions {
  sessions: DeviceSession[]
}
// GET /api/me/export → DataExport, as a file (Content-Disposition: attachment)
export interface DataExport {
  format: 'sori-export'
  version: 1
  exported: number
  profile: Me & { created: number }
  friends: { friends: Profile[]; hidden: Profile[]; blocked: Profile[] }
  devices: DeviceSession[]
  chats: ExportedChat[]
  /** the channels the user follows and runs, and the coupons they saved */
  channels: {
    following: { id: string; handle: string; name: string; since: number }[]
    admin: { id: string; handle: string; name: string }[]
    couponsSaved: { id: string; channelId: string; title: string; saved: number }[]
  }
}
export interface ExportedChat {
  id: string
  kind: 'direct' | 'group' | 'channel'
  /** a group's title; a chat with a channel: the channel's name */
  title: string
  members: Profile[]
  /** the user's own messages in this chat, oldest first, as they stand now (edited text; retracted ones without a body) */
  messages: ExportedMessage[]
}
export interface ExportedMessage {
  id: string
  ts: number
  body: string
  /** a media message: what it names (its uploader may always fetch the bytes: GET /api/blobs/:id) */
  media?: MediaRef
  /** a link message (Sori Link): its card */
  link?: LinkPayload
  replyTo?: string
  edited?: true
  retracted?: true
}

// GET  /api/users/:handle → Profile (exact handle, case-insensitive; 404 not_found)
// Profile photos (docs/protocol.md, "Profile photos"); bodies and answers are not JSON except Me:
// PUT    /api/me/photo        body: the image's bytes (any Content-Type; at most MAX_PROFILE_PHOTO_BYTES)
//                             → 200 Me (400 not_an_image, 413 too_large, 429 too_many_uploads with Retry-After)
// DELETE /api/me/photo        → 200 Me (without photo)
// GET    /api/users/:id/photo → 200 image/jpeg, PROFILE_PHOTO_PX square at most (404 not_found: no photo,
//                             no such user, a deleted account); `?v=<photo>` is ignored: it only busts caches
// GET  /api/friends       → Friends
export interface Friends {
  /** people I added (and did not hide or block) */
  friends: Profile[]
  /** people who added me and whom I have not added, hidden or blocked */
  addedMe: Profile[]
  hidden: Profile[]
  blocked: Profile[]
}
// POST   /api/friends            { userId } → 204  (add; also un-hides)
// POST   /api/friends/:id/hide   → 204
// POST   /api/friends/:id/block  → 204
// POST   /api/friends/:id/unblock → 204
// DELETE /api/friends/:id        → 204 (remove from my list)
export interface AddFriendBody {
  userId: string
}

export interface Chat {
  id: string
  /** 'channel': a user's chat with a channel; `members` is the user alone, `channel` the channel */
  kind: 'direct' | 'group' | 'channel'
  /** group title ('' if none); for direct chats '' (clients show the other member's name) */
  title: string
  /** a group's owner, who may remove members ('' for direct chats); passes to the longest member when the owner leaves */
  owner: string
  members: Profile[]
  /**
   * who was in the chat and left or was removed, with their current names ('' for a deleted account): their
   * messages keep an author (the same names as the head's meta.names). Absent from copies a client kept
   * from an older server.
   */
  former?: { id: string; name: string }[]
  /** the current page number (see protocol.md: pages) */
  page: number
  /**
   * groups only: the version of the group's photo (as Profile.photo: the first PROFILE_PHOTO_VERSION_CHARS
   * hex digits of its sha256), absent when it has none; fetch it as GET /api/chats/:id/photo?v=<photo>
   */
  photo?: string
  /**
   * a chat with a channel: the channel (photo: its version, GET /api/channels/:id/photo?v=<photo>). Every
   * message in it not from the member is the channel's, shown with this name and photo.
   */
  channel?: { id: string; name: string; photo?: string }
}
// GET  /api/chats                → Chat[]   (chats I am a member of)
// GET  /api/chats/:id            → Chat     (403 forbidden if not a member, nor an admin of a channel chat's channel)
// POST /api/chats/direct  { userId }             → Chat (the same chat for the same pair; 403 blocked)
// POST /api/chats/group   { title, userIds }     → 201 Chat
// POST /api/chats/:id/invite { userIds }         → Chat
// PATCH /api/chats/:id    { title }              → Chat
// POST /api/chats/:id/leave                      → 204 (sockets of mine to its docs close with 4403)
// POST /api/chats/:id/remove { userId }          → Chat (owner only, else 403 forbidden; the removed person's sockets close with 4403)
// PUT    /api/chats/:id/photo (the image's bytes) → Chat with the new photo (groups only; any member)
// DELETE /api/chats/:id/photo                    → Chat without photo
// GET    /api/chats/:id/photo[?v=<photo>]        → image/jpeg (members only, else 404)
export interface DirectChatBody {
  userId: string
}
export interface GroupChatBody {
  title: string
  userIds: string[]
}
export interface InviteBody {
  userIds: string[]
}
export interface RenameBody {
  title: string
}

// Invite links (docs/protocol.md: Invites). The link is `<origin>/#/invite/<token>`.
// POST   /api/invites { kind, convId?, days? }  → 201 InviteLink (group: any member; 429 too_many_attempts)
// GET    /api/invites                           → InviteLink[] (my links that still work)
// DELETE /api/invites/:token                    → 204 (mine only; anyone else's is 404)
// GET    /api/invites/:token                    → InvitePreview (404 unknown; 410 invite_expired / invite_revoked)
// POST   /api/invites/:token/accept             → InviteAccepted (idempotent; the same errors as the preview)
export type InviteKind = 'group' | 'friend'
export interface CreateInviteBody {
  kind: InviteKind
  /** the group, for kind 'group' */
  convId?: string
  /** days until it expires: 1–30, default 7 */
  days?: number
}
export interface InviteLink {
  token: string
  kind: InviteKind
  /** the group's id, or the creator's user id for a friend link */
  target: string
  /** ms since the epoch */
  expires: number
}
export interface InvitePreview {
  kind: InviteKind
  expires: number
  /** kind 'group': its title, how many are in it, and its photo's version (GET /api/invites/:token/photo?v=) */
  group?: { id: string; title: string; members: number; photo?: string }
  /** who made the link (for a friend link, who would be added) */
  from: Profile
  /** already in the group, or already a friend */
  done: boolean
  /** kind 'group': the group's owner removed me from it: no link brings me back (a member may add me) */
  removed?: true
}
export type InviteAccepted = { kind: 'group'; chat: Chat } | { kind: 'friend'; user: Profile }

// Media (docs/protocol.md, "Media"). Limits per kind: MAX_MEDIA_BYTES in limits.ts.
export type MediaKind = 'photo' | 'video' | 'voice' | 'file'
// POST /api/chats/:convId/uploads  → 201 UploadCreated
export interface CreateUploadBody {
  kind: MediaKind
  /** the whole file's size in bytes */
  size: number
  /** the file's name, shown for kind 'file' (at most MAX_MEDIA_NAME_CHARS) */
  name?: string
}
export interface UploadCreated {
  id: string
  offset: number
}
/** A stored blob: PATCH /api/uploads/:id answers it (201) with the last bytes. */
export interface BlobInfo {
  id: string
  kind: MediaKind
  /** sniffed from the bytes; application/octet-stream when unknown */
  mime: string
  size: number
  /** photos only */
  width?: number
  height?: number
  name?: string
}
