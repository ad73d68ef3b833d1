// Whether a device shows a chat right now, so that it gets no push for it: one of its sockets on this
// server announced `viewing: true` in an awareness state on the chat's documents (the PWA does on the
// chat head while the room is on screen and the page visible). A socket merely holding a chat's
// documents open (a background sync, a room in a hidden tab) is not reading it.
import type { SyncDoc } from '../sync/doc.ts'

function says(state: string): boolean {
  if (!state.includes('"viewing"')) return false
  try {
    return (JSON.parse(state) as { viewing?: unknown }).viewing === true
  } catch {
    return false
  }
}

export function viewing(docs: Iterable<SyncDoc>, session: string): boolean {
  for (const d of docs)
    for (const e of d.awareness.values()) if (e.conn?.sessionId === session && !e.conn.closed && says(e.state)) return true
  return false
}
