// The check of every member-only chat route: the chat exists (404) and the caller is a member of it (403).
import { ENTITY_ID_RE } from '../../protocol/limits.ts'
import type { Queryable } from '../db/db.ts'
import { forbidden, notFound } from '../http/errors.ts'
import { convRow, isMember } from './store.ts'

/** The conversation, which must exist and have `userId` as a member. */
export async function memberOf(q: Queryable, userId: string, convId: string) {
  const conv = ENTITY_ID_RE.test(convId) ? await convRow(q, convId) : undefined
  if (!conv) throw notFound('No such chat.')
  if (!(await isMember(q, convId, userId))) throw forbidden('You are not a member of this chat.')
  return conv
}
