// Who wrote what in a chat: the chat's members (their profiles) and, from the head's meta.names, everyone
// who was in it, so that a message keeps its author's name and avatar after they leave.
import type { Profile } from '../../protocol/api.ts'

/**
 * The members' profiles plus a stand-in profile (name only) for each former member named in `names`.
 * meta.names is live (the server rewrites it on every rename), so its names win.
 */
export function withAuthors(members: ReadonlyMap<string, Profile>, names: ReadonlyMap<string, string>): Map<string, Profile> {
  const out = new Map<string, Profile>()
  for (const [id, p] of members) {
    const name = names.get(id)
    out.set(id, name !== undefined && name !== p.name ? { ...p, name } : p)
  }
  for (const [id, name] of names) if (!out.has(id)) out.set(id, { id, handle: '', name, status: '' })
  return out
}
