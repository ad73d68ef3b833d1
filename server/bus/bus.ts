// The seam for fan-out between server nodes: committed document updates and session revocations are
// published here, and every node holding the document (or the sessions' sockets) delivers them to its
// own sockets. The in-process implementation serves one node; a Redis implementation can slot in later.

export type BusMessage =
  /** a committed update of `doc` */
  | UpdateMessage
  /** these sessions were signed out: their sockets close */
  | { kind: 'revoke'; sessionIds: string[] }

/**
 * A committed update, with what any node needs to deliver it: the y-websocket frame for every socket on
 * the document (encoded once), and for the socket that sent it (`node`, `sender`) its ack frame instead.
 */
export interface UpdateMessage {
  kind: 'update'
  doc: string
  update: Uint8Array
  frame: Uint8Array
  /** the node whose socket sent the update (the committing node for the server's own writes) */
  node: string
  /** that socket's id on its node; 0 for the server's own writes */
  sender: number
  /** the sender's ack frame (MSG_ACK), null when it did not ask for acks */
  ack: Uint8Array | null
}

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
    async close() {
      channels.clear()
    },
  }
}
