// Awareness (typing indicators): states are checked, kept per document for MSG_QUERY_AWARENESS and
// fanned out; a socket's states are removed (and the removal broadcast) when it closes.
import { MAX_AWARENESS_BYTES } from '../../protocol/limits.ts'
import { encodeAwarenessFrame, type AwarenessChange } from '../../protocol/frames.ts'
import type { SyncDoc } from './doc.ts'
import { broadcast, type Conn } from './conn.ts'

/** An error text, or null when the state may be published by `userId`. */
export function checkAwarenessState(state: string, userId: string): string | null {
  if (state === 'null') return null
  if (Buffer.byteLength(state) > MAX_AWARENESS_BYTES) return 'awareness state is too large'
  let v: unknown
  try {
    v = JSON.parse(state)
  } catch {
    return 'awareness state is not JSON'
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'awareness state is not an object'
  // as in updates: a client that merges a state into its own objects would take it for their prototype
  if (holdsProtoKey(v)) return 'awareness state has a __proto__ key'
  const user = (v as Record<string, unknown>).user
  if (user !== undefined) {
    if (typeof user !== 'object' || user === null || Array.isArray(user)) return 'awareness user is malformed'
    const id = (user as Record<string, unknown>).id
    if (id !== undefined && id !== userId) return 'awareness state claims another user'
  }
  return null
}

/**
 * The clientIDs this node's open sockets announce, and whose. An announcement binds nothing for good, but
 * while a socket announces a clientID, every member of its document can read it: a first write under it
 * by anyone else (in any document: a binding holds in all of them) would take it from under the announcer.
 */
export class Announced {
  private readonly by = new Map<number, { userId: string; sockets: number }>()

  /** the user whose socket announces `client` now, if one does */
  userOf(client: number): string | undefined {
    return this.by.get(client)?.userId
  }

  add(client: number, userId: string): void {
    const a = this.by.get(client)
    if (a) a.sockets++
    else this.by.set(client, { userId, sockets: 1 })
  }

  /** `conn`'s announcements end with it */
  drop(conn: Conn): void {
    for (const client of conn.awarenessClients) {
      const a = this.by.get(client)
      if (!a) continue
      if (--a.sockets === 0) this.by.delete(client)
    }
  }
}

/** Whether a parsed JSON value has a `__proto__` key at any depth (a state is at most 1 KB: a short walk). */
function holdsProtoKey(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false
  if (Array.isArray(v)) return v.some(holdsProtoKey)
  for (const k of Object.keys(v)) if (k === '__proto__' || holdsProtoKey((v as Record<string, unknown>)[k])) return true
  return false
}

/** Records changes newer than what the doc holds; returns those. */
export function applyAwareness(doc: SyncDoc, conn: Conn, changes: AwarenessChange[], announced: Announced): AwarenessChange[] {
  const applied: AwarenessChange[] = []
  for (const c of changes) {
    const cur = doc.awareness.get(c.client)
    if (cur && c.clock <= cur.clock) continue
    applied.push(c)
    doc.awareness.set(c.client, { clock: c.clock, state: c.state, conn })
    if (!conn.awarenessClients.has(c.client)) {
      conn.awarenessClients.add(c.client)
      announced.add(c.client, conn.userId)
    }
  }
  return applied
}

/** The frame that removes a closed socket's states, or null when it had none. */
export function removeConnAwareness(doc: SyncDoc, conn: Conn): Uint8Array | null {
  const gone: AwarenessChange[] = []
  for (const client of conn.awarenessClients) {
    const cur = doc.awareness.get(client)
    if (!cur || cur.conn !== conn) continue
    // kept as a tombstone, so that other clients relaying the removal are recognised as echoes
    doc.awareness.set(client, { clock: cur.clock + 1, state: 'null', conn: null })
    if (cur.state !== 'null') gone.push({ client, clock: cur.clock + 1, state: 'null' })
  }
  return gone.length ? encodeAwarenessFrame(gone) : null
}

/**
 * Sends `frame`, a change of `from`'s states, to the sockets that may see it: every socket of the
 * document (the sender too: the stock client counts its own echo as a sign of life), or only `from` where
 * the kind keeps each socket's states its own (DocKind.ownAwareness; a closed `from` then hears nothing).
 */
export function relayAwareness(doc: SyncDoc, from: Conn, frame: Uint8Array): void {
  if (doc.kind.ownAwareness) from.send(frame)
  else broadcast(doc.conns, frame)
}

/** The states `conn` may see: every socket's, or only its own where the kind keeps them apart. */
export function allAwareness(doc: SyncDoc, conn: Conn): Uint8Array | null {
  const own = doc.kind.ownAwareness === true
  const all: AwarenessChange[] = []
  for (const [client, e] of doc.awareness)
    if (e.state !== 'null' && (!own || e.conn === conn)) all.push({ client, clock: e.clock, state: e.state })
  return all.length ? encodeAwarenessFrame(all) : null
}
