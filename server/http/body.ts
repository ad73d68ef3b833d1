// Reading a JSON request body, capped at MAX_JSON_BYTES.
import type { IncomingMessage } from 'node:http'
import { MAX_JSON_BYTES } from '../../protocol/limits.ts'
import { HttpError, badRequest } from './errors.ts'

const tooLarge = () =>
  new HttpError(413, 'too_large', `The request body is larger than ${MAX_JSON_BYTES} bytes.`, { Connection: 'close' })
const notJson = () =>
  new HttpError(415, 'unsupported_media_type', 'The request body must be sent as Content-Type: application/json (UTF-8).')

/**
 * `application/json`, in any case, with no charset or UTF-8 (the only one JSON text may use); other
 * parameters are ignored. Anything else, a form post above all, is refused rather than parsed as JSON.
 */
export function isJsonType(header: string | undefined): boolean {
  if (!header) return false
  const [type, ...params] = header.split(';')
  if (type.trim().toLowerCase() !== 'application/json') return false
  return params.every((p) => {
    const eq = p.indexOf('=')
    if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== 'charset') return true
    return (
      p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase() === 'utf-8'
    )
  })
}

/** Whether the request carries a body: a length above 0, or a chunked one (however short it turns out). */
export const hasBody = (req: IncomingMessage): boolean =>
  Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined

/**
 * Resolves the parsed body (undefined when empty). A body of another type than JSON is refused with
 * 415 unread. Over the cap it rejects with 413 at once — from Content-Length when the client sent one —
 * and buffers nothing more. In both cases the rest of the upload is discarded so the client can still
 * read the answer, and the socket is cut if it keeps coming.
 */
export function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    if (hasBody(req) && !isJsonType(req.headers['content-type'])) {
      discard(req)
      reject(notJson())
      return
    }
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
    req.on('error', (e) => {
      if (!done) {
        done = true
        reject(e)
      }
    })
    // the client went away mid-upload: settle, so nothing waits on a body that will never end
    req.on('close', () => {
      if (!done) {
        done = true
        reject(badRequest('The request body was cut off.'))
      }
    })
    req.on('end', () => {
      if (done) return
      done = true
      if (size === 0) {
        resolve(undefined)
        return
      }
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
