// Bringing people into a group (an invitation, or a group's invite link): who joins does not see what
// was said before they came. When the current page holds messages the chat rolls over, and the
// newcomers' first page is the new one; the server refuses them every earlier page (docs/page.ts).
import type { Queryable } from '../db/db.ts'
import type { ChatSync } from './sync.ts'
import { addMembers, convRow, isMember, rollOverIfUsed } from './store.ts'

/** Adds those of `userIds` who are not members yet; returns them and their first page (inside a transaction). */
export async function admitToGroup(
  q: Queryable,
  sync: ChatSync,
  convId: string,
  userIds: string[],
): Promise<{ newcomers: string[]; since: number }> {
  const newcomers: string[] = []
  for (const id of userIds) if (!(await isMember(q, convId, id))) newcomers.push(id)
  const page = Number((await convRow(q, convId))?.page ?? 0)
  if (newcomers.length === 0) return { newcomers, since: page }
  // the tables' page lengths lag behind appends; a loaded page document or the mirror's pending values know
  const since = await rollOverIfUsed(q, convId, page, sync.unmirroredLength(convId, page))
  await addMembers(q, convId, newcomers, since)
  return { newcomers, since }
}
