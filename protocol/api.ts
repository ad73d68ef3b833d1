// HTTP API types (JSON under /api/). Authenticated calls send `Authorization: Bearer <token>`.
// Errors: HTTP 4xx/5xx with body ApiError.

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
  | 'unsupported_media_type'
  | 'internal'

/** The signed-in user. */
export interface Me {
  id: string
  handle: string
  name: string
  status: string
  lang: string
}
/** Someone else, as the viewer may see them. */
export interface Profile {
  id: string
  handle: string
  name: string
  status: string
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

// GET  /api/users/:handle → Profile (exact handle, case-insensitive; 404 not_found)
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
  kind: 'direct' | 'group'
  /** group title ('' if none); for direct chats '' (clients show the other member's name) */
  title: string
  /** a group's owner, who may remove members ('' for direct chats); passes to the longest member when the owner leaves */
  owner: string
  members: Profile[]
  /** the current page number (see protocol.md: pages) */
  page: number
}
// GET  /api/chats                → Chat[]   (chats I am a member of)
// GET  /api/chats/:id            → Chat     (403 forbidden if not a member)
// POST /api/chats/direct  { userId }             → Chat (the same chat for the same pair; 403 blocked)
// POST /api/chats/group   { title, userIds }     → 201 Chat
// POST /api/chats/:id/invite { userIds }         → Chat
// PATCH /api/chats/:id    { title }              → Chat
// POST /api/chats/:id/leave                      → 204 (sockets of mine to its docs close with 4403)
// POST /api/chats/:id/remove { userId }          → Chat (owner only, else 403 forbidden; the removed person's sockets close with 4403)
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
