// Fan-out of committed document updates to the sockets on the document: the commit publishes each
// update under its document's name, and the loaded document delivers it to its sockets. It stays in
// process with several nodes too: every socket of a home's documents is on the node that owns it
// (server/cluster/relay.ts), and what else crosses nodes goes through server/sync/homes.ts.

export type BusMessage = UpdateMessage

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
