// The shapes of Sori Link's ids and keys, apart from the template grammar (link.ts) so that what only
// needs an id (the app's router) does not bring the grammar into the first screen's code.

/** A share ticket's id: random, unguessable (32 base64url characters). */
export const SHARE_TICKET_ID_RE = /^[A-Za-z0-9_-]{32}$/
/** An app's id (as users' and chats' ids) and its public key. */
export const APP_ID_RE = /^[a-z0-9]{12}$/
export const APP_KEY_RE = /^[A-Za-z0-9_-]{24}$/
/** A stored template's id (sendCustom). */
export const LINK_TEMPLATE_ID_RE = /^[a-z0-9]{12}$/
