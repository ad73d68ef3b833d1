// A client's WebSocket upgrade for a document whose home another node owns goes to that node, byte for
// byte: this node writes the request on to the owner and then copies both directions. The owner
// authenticates, validates and answers as if the client were its own, so every socket of a home's
// documents is on its owner (fan-out, acks, typing and the socket's close code need nothing more), and
// this node parses none of the socket's frames.
import type { IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'

/** Marks a relayed upgrade: its receiver never relays it again (a home that moved meanwhile: 503, retry). */
export const RELAYED_HEADER = 'x-sori-relayed'

/** A relayed socket: connect to `address`; rejects (nothing was written to `socket`) when the owner refuses the connection. */
export function relayUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, address: string): Promise<void> {
  const colon = address.lastIndexOf(':')
  const host = address.slice(0, colon).replace(/^\[|\]$/g, '')
  const port = Number(address.slice(colon + 1))
  return new Promise<void>((resolve, reject) => {
    if (socket.destroyed) return resolve()
    const upstream: Socket = connect({ host, port })
    let connected = false
    const fail = (e: Error) => {
      if (connected) return
      upstream.destroy()
      reject(e)
    }
    upstream.once('error', fail)
    upstream.once('connect', () => {
      connected = true
      upstream.off('error', fail)
      upstream.on('error', () => socket.destroy())
      upstream.setNoDelay(true)
      let text = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n`
      const raw = req.rawHeaders
      for (let i = 0; i + 1 < raw.length; i += 2) {
        if (raw[i].toLowerCase() === RELAYED_HEADER) continue
        text += `${raw[i]}: ${raw[i + 1]}\r\n`
      }
      text += `${RELAYED_HEADER}: 1\r\n\r\n`
      upstream.write(text)
      if (head.length) upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
      // either side's end or reset ends the other: the client then reconnects (to whichever node)
      upstream.on('close', () => socket.destroy())
      socket.on('close', () => upstream.destroy())
      resolve()
    })
  })
}
