// A lean y-websocket client for load generation: one raw `ws` socket and one real Y.Doc, speaking the
// same frames as the stock WebsocketProvider (sync step 1/2 and updates; awareness frames are read and
// ignored; Sori's MSG_ACK is passed to a callback). Leaner than WebsocketProvider because it keeps no
// awareness state, no resync or reconnect timers and no event emitter per socket: with 1,000+ clients
// in the load generator's one process, those would cost the generator CPU that the server should get.
// The receiving side is real: every update is decoded and applied to the Y.Doc by Yjs.
import WebSocket from 'ws'
import * as Y from 'yjs'
import { decodeFrame, encodeSyncStep1, encodeSyncStep2, encodeUpdate, type Frame } from '../../protocol/frames.ts'

export interface SyncClientOptions {
  /** called with the acknowledged state vector of every MSG_ACK (Sori, `ack=1`) */
  onAck?: (sv: Map<number, number>) => void
  onClose?: (code: number, reason: string) => void
  /**
   * Send every local change of the doc, as WebsocketProvider does (default). With false, only what `write`
   * makes is sent: the doc then has no 'update' listener, so Yjs does not re-encode every remote update it
   * applies (for the provider's origin check), a large share of the delivery generator's CPU (bench/README.md).
   */
  watchLocal?: boolean
}

export class SyncClient {
  readonly ws: WebSocket
  readonly doc: Y.Doc
  /** true once the server's sync step 2 arrived */
  synced = false
  private syncedWaiters: Array<() => void> = []
  closeCode = 0
  /** HTTP status when the server refused the upgrade (401, 403, 503...) */
  refusedStatus = 0

  constructor(
    url: string,
    doc: Y.Doc,
    private readonly opts: SyncClientOptions = {},
  ) {
    this.doc = doc
    this.ws = new WebSocket(url, { perMessageDeflate: false })
    this.ws.binaryType = 'nodebuffer'
    this.ws.on('open', () => this.ws.send(encodeSyncStep1(Y.encodeStateVector(doc))))
    this.ws.on('message', (data: Buffer) => this.onMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)))
    this.ws.on('close', (code, reason) => {
      this.closeCode = code
      this.flushWaiters()
      this.opts.onClose?.(code, reason.toString())
    })
    this.ws.on('unexpected-response', (_req, res) => {
      this.refusedStatus = res.statusCode ?? 0
      res.resume()
      this.ws.terminate()
    })
    this.ws.on('error', () => {
      // 'close' follows and carries what the caller needs
    })
    if (opts.watchLocal !== false) doc.on('update', this.onLocalUpdate)
  }

  /** Runs `fn` in one transaction and sends the update it made (for clients made with `watchLocal: false`). */
  write(fn: () => void): void {
    let made: Uint8Array | null = null
    const keep = (u: Uint8Array) => {
      made = u
    }
    this.doc.on('update', keep)
    try {
      this.doc.transact(fn)
    } finally {
      this.doc.off('update', keep)
    }
    if (made) this.onLocalUpdate(made, null)
  }

  private onLocalUpdate = (update: Uint8Array, origin: unknown) => {
    if (origin === this || this.ws.readyState !== WebSocket.OPEN) return
    this.ws.send(encodeUpdate(update))
  }

  private onMessage(buf: Uint8Array): void {
    let frame: Frame
    try {
      frame = decodeFrame(buf)
    } catch {
      // a message type this client does not speak, or a malformed frame: nothing here to apply (a
      // delivery it carried would show in the bench's lost and unacked counts)
      return
    }
    switch (frame.type) {
      case 'sync-step1':
        this.ws.send(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, frame.stateVector)))
        break
      case 'sync-step2':
        this.apply(frame.update)
        if (!this.synced) {
          this.synced = true
          this.flushWaiters()
        }
        break
      case 'update':
        this.apply(frame.update)
        break
      case 'ack':
        this.opts.onAck?.(frame.clocks)
        break
      // awareness and query-awareness are ignored: these clients set no awareness state
    }
  }

  /** Applies a remote update as y-protocols' sync does: an error thrown by an observer is logged, not fatal. */
  private apply(update: Uint8Array): void {
    try {
      Y.applyUpdate(this.doc, update, this)
    } catch (err) {
      console.error('Caught error while handling a Yjs update', err)
    }
  }

  private flushWaiters(): void {
    const w = this.syncedWaiters
    this.syncedWaiters = []
    for (const f of w) f()
  }

  /** Resolves when synced; rejects if the socket closes first or `timeoutMs` passes. */
  whenSynced(timeoutMs = 30_000): Promise<void> {
    if (this.synced) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('sync timed out')), timeoutMs)
      this.syncedWaiters.push(() => {
        clearTimeout(timer)
        if (this.synced) resolve()
        else
          reject(
            new Error(
              `socket closed before sync (${this.refusedStatus ? `HTTP ${this.refusedStatus}` : `code ${this.closeCode}`})`,
            ),
          )
      })
    })
  }

  close(): void {
    this.doc.off('update', this.onLocalUpdate)
    this.ws.terminate()
  }
}
