// A chat head c:<id>: `meta` (members, the names of everyone who is or was in the chat, and the newest
// page's number, written by the server) and `reads` (each member's read position, written by that member).
import type * as Y from 'yjs'
import { ROOTS } from '../../protocol/docs.ts'

export const headMeta = (doc: Y.Doc): Y.Map<unknown> => doc.getMap<unknown>(ROOTS.head.meta)
export const headReads = (doc: Y.Doc): Y.Map<number> => doc.getMap<number>(ROOTS.head.reads)

/** The newest page's number, meta.page (0 until the server has written one). */
export function currentPage(meta: Y.Map<unknown>): number {
  const n = meta.get('page')
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : 0
}

/** The first page `userId` may open, meta.since[userId]: who joined a group late cannot open earlier ones. */
export function firstPage(meta: Y.Map<unknown>, userId: string): number {
  const since = meta.get('since')
  const n = since && typeof since === 'object' ? (since as Record<string, unknown>)[userId] : undefined
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : 0
}

/** Member ids from meta.members, whichever JSON shape the server writes. */
export function memberIds(v: unknown): string[] {
  if (Array.isArray(v))
    return v
      .map((m) => (typeof m === 'string' ? m : (m as { id?: unknown } | null)?.id))
      .filter((m): m is string => typeof m === 'string')
  if (v && typeof v === 'object') return Object.keys(v)
  return []
}

/**
 * meta.names: id → display name of everyone who is or was in the chat (empty until the server wrote it);
 * '' for a deleted account, which keeps its place as its messages' author.
 */
export function memberNames(v: unknown): Map<string, string> {
  const out = new Map<string, string>()
  if (v && typeof v === 'object' && !Array.isArray(v))
    for (const [id, name] of Object.entries(v)) if (typeof name === 'string') out.set(id, name)
  return out
}
