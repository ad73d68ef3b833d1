// Writing responses: JSON bodies and ApiError bodies.
import type { ServerResponse } from 'node:http'
import type { ApiError, ErrorCode } from '../../protocol/api.ts'

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (status === 204 || body === undefined) {
    res.writeHead(status, { 'Cache-Control': 'no-store', ...headers })
    res.end()
    return
  }
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    ...headers,
  })
  res.end(text)
}

export function sendError(
  res: ServerResponse,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body: ApiError = { error: { code, message } }
  sendJson(res, status, body, headers)
}
