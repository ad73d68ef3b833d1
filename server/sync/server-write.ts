// The server's own writes into documents (what kinds reconcile from relational data). They go through the
// same pipeline as users' updates: applied, group-committed, then acknowledged nowhere and fanned out,
// under a clientID bound to the system user.
import type * as Y from 'yjs'
import type { SyncContext } from './context.ts'
import type { SyncDoc } from './doc.ts'

export class ServerWriter {
  constructor(private ctx: SyncContext) {}

  /** Runs `fn` on the doc as the server (call from inside one of the doc's jobs) and queues the result for commit. */
  async write(doc: SyncDoc, fn: (y: Y.Doc) => void): Promise<void> {
    await this.ctx.serverReady
    if (doc.dead) return
    const y = doc.ydoc
    y.clientID = this.ctx.serverClient
    const updates: Uint8Array[] = []
    const h = (u: Uint8Array) => {
      updates.push(u)
    }
    y.on('update', h)
    try {
      y.transact(() => fn(y))
    } finally {
      y.off('update', h)
    }
    for (const update of updates)
      this.ctx.commit.add({ doc, update, sender: null, ack: null, clients: [this.ctx.serverClient], receivedAt: 0 })
  }
}
