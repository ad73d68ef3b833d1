// Limits shared by client and server. The server enforces them; the client uses them to refuse early.

/** The app's languages: a user's `lang`, a channel's `langs`, a post's audience. */
export const LANGS = ['ko', 'en', 'ja', 'es', 'zh-Hans', 'zh-Hant', 'th', 'tr', 'de', 'fr', 'pt', 'it'] as const

/** Longest text message body, in UTF-16 code units (what String.length counts). */
export const MAX_MESSAGE_CHARS = 10_000
/** Largest WebSocket frame the sync endpoint accepts; bigger frames close the socket with 1009. */
export const MAX_FRAME_BYTES = 1_000_000
/** Largest JSON body the HTTP API accepts. */
export const MAX_JSON_BYTES = 64 * 1024
/** A page rolls over to the next one when it holds this many messages. */
export const PAGE_SIZE = 1_000
/**
 * A closed page still takes appends up to this many messages, so that messages written offline into
 * what was the current page are not lost when they arrive after the roll-over.
 */
export const PAGE_HARD_LIMIT = 1_200
/**
 * A page also rolls over when its messages' text (with their edits') reaches this many characters (UTF-16
 * units), and takes no message or edit past PAGE_MAX_TEXT_CHARS: a page of a thousand 10,000-character messages is 30 MB that every
 * member's device and the server load whole. Pages of ordinary chats (a few dozen characters a
 * message) never come near.
 */
export const PAGE_ROLL_TEXT_CHARS = 500_000
export const PAGE_MAX_TEXT_CHARS = 1_000_000
/** Photos of one sender further apart than this were not sent together (an album: InboxEntry.photos), ms. */
export const ALBUM_GAP_MS = 60_000
/** Read positions are encoded as page * PAGE_STRIDE + messagesReadInThatPage. */
export const PAGE_STRIDE = 65_536
/** Longest awareness state, as JSON. */
export const MAX_AWARENESS_BYTES = 1_024
/** Longest value of one inbox setting, as JSON. */
export const MAX_SETTING_BYTES = 4_096
/** Keys an inbox's settings may hold (a key per chat and per channel group is the most the app keeps). */
export const MAX_SETTINGS = 5_000
/** Members of one group chat. */
export const MAX_GROUP_MEMBERS = 500
export const MAX_TITLE_CHARS = 100
export const MAX_NAME_CHARS = 40
export const MAX_STATUS_CHARS = 120
export const MIN_PASSWORD_CHARS = 8
export const MAX_PASSWORD_CHARS = 200
/** Handles: 3-20 of a-z 0-9 . _ ; compared case-insensitively (stored lower-case). */
export const HANDLE_RE = /^[a-z0-9._]{3,20}$/
/** Message ids are made by the client: 8-40 of [A-Za-z0-9_-]. */
export const MESSAGE_ID_RE = /^[A-Za-z0-9_-]{8,40}$/
/** User and conversation ids are made by the server: 12 of [a-z0-9]. */
export const ENTITY_ID_RE = /^[a-z0-9]{12}$/

/** Media kinds and the largest file of each, in bytes (MiB = 1,048,576 bytes). */
export const MAX_MEDIA_BYTES = {
  photo: 25 * 1024 * 1024,
  video: 200 * 1024 * 1024,
  voice: 20 * 1024 * 1024,
  file: 200 * 1024 * 1024,
} as const
/** Longest file name kept with an upload, in UTF-16 code units. */
export const MAX_MEDIA_NAME_CHARS = 200
/** Upload and blob ids: 16 random bytes, base64url. */
export const MEDIA_ID_RE = /^[A-Za-z0-9_-]{22}$/
/** Largest profile photo upload (PUT /api/me/photo), in bytes. */
export const MAX_PROFILE_PHOTO_BYTES = 5 * 1024 * 1024
/** A profile photo is stored as a square JPEG of at most this many pixels a side. */
export const PROFILE_PHOTO_PX = 512
/** How many hex digits of a profile photo's sha256 make its version (`photo` in Me and Profile). */
export const PROFILE_PHOTO_VERSION_CHARS = 16
