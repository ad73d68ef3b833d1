// Document names. Every shared state is a Yjs document with one of these names.
import { ENTITY_ID_RE } from './limits.ts'

export type DocName =
  { kind: 'inbox'; userId: string } | { kind: 'head'; convId: string } | { kind: 'page'; convId: string; page: number }

export const inboxDoc = (userId: string): string => `u:${userId}`
export const headDoc = (convId: string): string => `c:${convId}`
export const pageDoc = (convId: string, page: number): string => `c:${convId}:${page}`

/** Parses a document name; null for anything that is not exactly one of the three forms. */
export function parseDocName(name: string): DocName | null {
  const parts = name.split(':')
  if (parts[0] === 'u' && parts.length === 2 && ENTITY_ID_RE.test(parts[1])) return { kind: 'inbox', userId: parts[1] }
  if (parts[0] !== 'c' || !ENTITY_ID_RE.test(parts[1] ?? '')) return null
  if (parts.length === 2) return { kind: 'head', convId: parts[1] }
  if (parts.length === 3 && /^(0|[1-9][0-9]{0,5})$/.test(parts[2]))
    return { kind: 'page', convId: parts[1], page: Number(parts[2]) }
  return null
}

/** Root type names per document kind. Anything else is refused. */
export const ROOTS = {
  inbox: { chats: 'chats', settings: 'settings' },
  head: { meta: 'meta', reads: 'reads' },
  page: { msgs: 'msgs', edits: 'edits', reacts: 'reacts', sys: 'sys' },
} as const
