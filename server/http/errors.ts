// Errors that become an ApiError response. Anything else thrown by a handler is a 500 `internal`.
import type { ErrorCode } from '../../protocol/api.ts'

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message)
  }
}

export const badRequest = (message: string) => new HttpError(400, 'bad_request', message)
export const notFound = (message = 'Not found.') => new HttpError(404, 'not_found', message)
export const forbidden = (message = 'You may not do that.') => new HttpError(403, 'forbidden', message)
