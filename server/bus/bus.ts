// The seam for fan-out between server nodes: committed document updates and session revocations are
// published here, and every node holding the document (or the sessions' sockets) delivers them to its
// own sockets. The in-process implementation serves one node; a Redis implementation can slot in later.

export type BusMessage =
  /** a committed update of `doc`; `frame` is the y-websocket frame ready to send (encoded once) */
  | { kind: 'update'; doc: string; update: Uint8Array; frame: Uint8Array; node: string; sender: number }
  /** these sessions were signed out: their sockets close */
  | { kind: 'revoke'; sessionIds: string[] }

export interface Bus {
  publish(channel: string, message: BusMessage): void
  /** Returns the unsubscribe function. */
  subscribe(channel: string, handler: (message: BusMessage) => void): () => void
  close(): Promise<void>
}

/** Channel of session revocations (every node subscribes). */
export const SESSIONS_CHANNEL = 'sessions'

export function createInProcessBus(): Bus {
  const channels = new Map<string, Set<(m: BusMessage) => void>>()
  return {
    publish(channel, message) {
      const set = channels.get(channel)
      if (set) for (const h of set) h(message)
    },
    subscribe(channel, handler) {
      let set = channels.get(channel)
      if (!set) channels.set(channel, (set = new Set()))
      set.add(handler)
      return () => {
        set.delete(handler)
        if (set.size === 0 && channels.get(channel) === set) channels.delete(channel)
      }
    },
    async close() { channels.clear() },
  }
}
