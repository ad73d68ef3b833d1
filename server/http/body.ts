// Reading a JSON request body, capped at MAX_JSON_BYTES.
import type { IncomingMessage } from 'node:http'
import { MAX_JSON_BYTES } from '../../protocol/limits.ts'
import { HttpError, badRequest } from './errors.ts'

const tooLarge = () =>
  new HttpError(413, 'too_large', `The request body is larger than ${MAX_JSON_BYTES} bytes.`, { Connection: 'close' })

/**
 * Resolves the parsed body (undefined when empty). Over the cap it rejects with 413 at once — from
 * Content-Length when the client sent one — and buffers nothing more: the rest of the upload is
 * discarded so the client can still read the answer, and the socket is cut if it keeps coming.
 */
export function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? NaN)
    if (declared > MAX_JSON_BYTES) {
      discard(req)
      reject(tooLarge())
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    let done = false
    const onData = (chunk: Buffer) => {
      if (done) return
      size += chunk.length
      if (size > MAX_JSON_BYTES) {
        done = true
        chunks.length = 0
        req.off('data', onData)
        discard(req)
        reject(tooLarge())
        return
      }
      chunks.push(chunk)
    }
    req.on('data', onData)
    req.on('error', (e) => { if (!done) { done = true; reject(e) } })
    // the client went away mid-upload: settle, so nothing waits on a body that will never end
    req.on('close', () => { if (!done) { done = true; reject(badRequest('The request body was cut off.')) } })
    req.on('end', () => {
      if (done) return
      done = true
      if (size === 0) { resolve(undefined); return }
      const text = Buffer.concat(chunks).toString('utf8')
      try {
        resolve(JSON.parse(text))
      } catch {
        reject(badRequest('The request body is not valid JSON.'))
      }
    })
  })
}

/** Drains (without keeping) what is left of an oversized upload; past a few times the cap the socket is cut. */
function discard(req: IncomingMessage): void {
  let drained = 0
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length
    if (drained > 8 * MAX_JSON_BYTES) req.socket.destroy()
  })
  req.resume()
}
