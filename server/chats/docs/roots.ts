// The root types of each chat document kind (protocol/docs.ts names them).
import { ROOTS, type DocName } from '../../../protocol/docs.ts'
import type { RootSpec } from '../../sync/kind.ts'

export const INBOX_ROOTS: RootSpec[] = [
  [ROOTS.inbox.chats, 'map'],
  [ROOTS.inbox.settings, 'map'],
]
export const HEAD_ROOTS: RootSpec[] = [
  [ROOTS.head.meta, 'map'],
  [ROOTS.head.reads, 'map'],
]
export const PAGE_ROOTS: RootSpec[] = [
  [ROOTS.page.msgs, 'array'],
  [ROOTS.page.edits, 'map'],
  [ROOTS.page.reacts, 'map'],
  [ROOTS.page.sys, 'array'],
]

/** The root types of a chat document, by its parsed name (for Y.Docs that integrate stored updates). */
export function chatRoots(parsed: DocName): RootSpec[] {
  if (parsed.kind === 'page') return PAGE_ROOTS
  if (parsed.kind === 'head') return HEAD_ROOTS
  return INBOX_ROOTS
}
