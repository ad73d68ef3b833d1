// The sync endpoint's wire protocol: y-websocket's message types plus Sori's own acknowledgement, and
// the close codes. The frames themselves are encoded and decoded in frames.ts.

/** A client sends its session token as the WebSocket subprotocol `sori.token.<token>` (or `?token=`). */
export const TOKEN_PROTOCOL_PREFIX = 'sori.token.'
/**
 * Offered beside `sori.token.<token>`, the subprotocol the server selects instead of the token's: a
 * browser needs one of those it offered selected, and the token then stays out of the answer's headers
 * (and of any proxy's log of them).
 */
export const SORI_PROTOCOL = 'sori'

/** y-websocket message types (first varUint of every frame). */
export const MSG_SYNC = 0
export const MSG_AWARENESS = 1
export const MSG_AUTH = 2
export const MSG_QUERY_AWARENESS = 3
/**
 * Sori's acknowledgement, sent only to sockets that connected with `ack=1` (the stock client would log
 * an error for a type it does not know). Payload: a state vector (Y.encodeStateVector format) naming,
 * for each clientID of the sender's that the committed update wrote, the clock up to which that
 * client's structs are now durably stored. An item (client, clock) is committed iff clock < sv[client].
 */
export const MSG_ACK = 100

/** Close codes. 44xx are permanent: the stock y-websocket client (v3) does not reconnect on them. */
export const CLOSE = {
  /** an update, awareness state or frame was refused; nothing it carried was applied */
  REFUSED: 4400,
  /** token missing, wrong or signed out */
  UNAUTHORIZED: 4401,
  /** the user may not read this document (not a member, left, removed, blocked) */
  FORBIDDEN: 4403,
  /** the document name is not one of the documented forms */
  UNKNOWN_DOC: 4404,
  /** the socket fell too far behind; reconnect and resync (not permanent) */
  RESYNC: 4008,
  /** the server is shutting down or the document was reloaded after a storage error (not permanent) */
  RELOAD: 4012,
  /**
   * an update over a rate limit (a channel's posts a minute): nothing it carried was applied; reconnect
   * after some seconds and send it again, as it will then pass (not permanent)
   */
  SLOW_DOWN: 4029,
} as const

/**
 * The close reasons (with 4400) of an append to a page that takes no more: one two or more before the
 * current one, or one past PAGE_HARD_LIMIT. Nothing is wrong with the messages themselves: a client
 * that wrote them offline writes them again into the current page (docs/protocol.md, Pages).
 */
export const PAGE_CLOSED = 'page is closed'
export const PAGE_FULL = 'page is full'
/**
 * The close reason (with 4400) of an edit that would take a page's text (its messages' and their edits')
 * past PAGE_MAX_TEXT_CHARS: a page every member's device loads whole stays bounded.
 */
export const PAGE_TEXT_FULL = 'edits take the page past its text limit'
/**
 * The close reason (with 4400) of a write into a channel's feed by someone who is not, or no longer, one
 * of its admins: nothing of it will ever be taken, and a client forgets its copy of the feed's page.
 */
export const NOT_ADMIN = "only the channel's admins write into it"
/**
 * The close reason (with 4400) of an update whose clientID another user wrote with first (a clash of
 * random 32-bit ids, rare but not impossible): the client writes what it had unsent again from a fresh
 * Y.Doc, whose clientID is new (docs/protocol.md, Validation).
 */
export const CLIENT_TAKEN = 'clientID belongs to another user'
/**
 * The close reason (with 4400) of an update that deletes a message the server holds. A message is
 * withdrawn only before the server has it (it then arrives deleted: docs/protocol.md, Withdrawing a
 * message); a client whose withdrawal came too late keeps the message as sent, and writes what else it
 * had unsent again from a fresh copy of the page.
 */
export const MESSAGE_HELD = 'messages cannot be deleted'
/**
 * The close reasons (with 4400) of a read position the server does not take: lower than the one it
 * holds, or past the chat's current page. A client sets its copy of the head aside and takes the
 * server's (a position moved back after a withdrawal the server had already counted, say).
 */
export const READ_OUT_OF_RANGE = 'read position is out of range'
export const READ_WOULD_FALL = 'read position would fall'
