// HTTP client for /api: bearer token, JSON in and out, failures as ApiFailure.
import type { ApiError } from '../../protocol/api.ts'

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiError['error']['code'] | 'network',
    message: string,
  ) {
    super(message)
    this.name = 'ApiFailure'
  }
}

let token: string | null = null
let unauthorized: () => void = () => {}

export const setToken = (t: string | null): void => {
  token = t
}
export const getToken = (): string | null => token
/** Called when an authenticated request gets 401 (the session was signed out elsewhere). */
export const onUnauthorized = (fn: () => void): void => {
  unauthorized = fn
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {}
  // a Blob goes as its bytes (a profile photo), anything else as JSON
  const raw = body instanceof Blob
  if (raw) headers['content-type'] = body.type || 'application/octet-stream'
  else if (body !== undefined) headers['content-type'] = 'application/json'
  const sentToken = token
  if (sentToken) headers.authorization = `Bearer ${sentToken}`
  let res: Response
  try {
    res = await fetch(path, { method, headers, body: raw ? body : body === undefined ? undefined : JSON.stringify(body) })
  } catch (e) {
    throw new ApiFailure(0, 'network', (e as Error).message)
  }
  if (res.status === 204) return undefined as T
  const json: unknown = await res.json().catch(() => null)
  if (!res.ok) {
    const err = (json as ApiError | null)?.error
    if (res.status === 401 && sentToken && sentToken === token) unauthorized()
    throw new ApiFailure(res.status, err?.code ?? 'internal', err?.message ?? res.statusText)
  }
  return json as T
}
