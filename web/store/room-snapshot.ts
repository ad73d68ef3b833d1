// The last look of a few chat rooms, per account, in localStorage: opening a chat by its address at a cold
// start (a notification, a bookmark, a reload) paints it from here before the app's code has loaded
// (web/boot/boot.js reads the same key). It holds what the room showed, as IndexedDB holds the history, and
// is forgotten at sign-out with the rest of the account's local data.
const PREFIX = 'sori:snap:'
const KEEP = 4
/** Larger rooms (long messages on a tall screen) are not kept: the paint would cost more than it saves. */
const MAX_HTML = 200_000

export interface RoomSnapshot {
  /** the address it is painted for: `#/chat/<id>` */
  hash: string
  /** taken in the two-pane layout (from 900 px): painted only in the same layout */
  wide: boolean
  html: string
  at: number
}

function load(userId: string): RoomSnapshot[] {
  try {
    const v = JSON.parse(localStorage.getItem(PREFIX + userId) ?? '[]') as unknown
    return Array.isArray(v) ? (v as RoomSnapshot[]) : []
  } catch {
    return []
  }
}

function store(userId: string, list: RoomSnapshot[]): void {
  try {
    if (list.length) localStorage.setItem(PREFIX + userId, JSON.stringify(list))
    else localStorage.removeItem(PREFIX + userId)
  } catch {
    // full or blocked: a cold start then paints when the app has loaded, as without a snapshot
    try {
      localStorage.removeItem(PREFIX + userId)
    } catch {
      /* nothing kept */
    }
  }
}

export function snapshotPut(userId: string, snap: RoomSnapshot): void {
  const rest = load(userId).filter((s) => s.hash !== snap.hash)
  if (snap.html.length > MAX_HTML) return store(userId, rest)
  store(userId, [snap, ...rest].slice(0, KEEP))
}

export function snapshotDrop(userId: string, hash: string): void {
  const list = load(userId)
  if (list.some((s) => s.hash === hash))
    store(
      userId,
      list.filter((s) => s.hash !== hash),
    )
}

/** Forgets every room kept for one account (sign-out, account deletion). */
export function snapshotClear(userId: string): void {
  store(userId, [])
}
