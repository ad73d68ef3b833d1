// Session tokens: 32 random bytes, base64url. Only their sha256 is stored; the hash is the session id.
import { createHash, randomBytes } from 'node:crypto'

export const newToken = (): string => randomBytes(32).toString('base64url')
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('base64url')
export const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/
