// A user changed their display name or profile photo: the chats they are or were in show it. Cheap on
// purpose (two queries, then memory): cached conversations take the name and photo in place, loaded
// head docs rewrite `meta.names`, and the loaded inbox docs of their direct chats' peers rewrite the
// entry's title and photo (and of their untitled groups' other members, the names).
// Documents not loaded take the name from the database when they load (head meta, inbox reconcile).
import { headDoc } from '../../protocol/docs.ts'
import type { ChatDomain } from './domain.ts'

export async function userRenamed(chats: ChatDomain, userId: string): Promise<void> {
  const [user, convs, shown] = await Promise.all([
    chats.db.get<{ name: string; photo: string | null }>('SELECT name, photo FROM users WHERE id = ?', [userId]),
    chats.db.all<{ conv_id: string }>(
      'SELECT conv_id FROM members WHERE user_id = ? UNION SELECT conv_id FROM former_members WHERE user_id = ?',
      [userId, userId],
    ),
    // the inbox entries that carry a person's name, in the other members' inboxes: a direct chat's (and its
    // photo), and an untitled group's (its members' names)
    chats.db.all<{ conv_id: string; user_id: string }>(
      `SELECT o.conv_id, o.user_id FROM members m
         JOIN convs c ON c.id = m.conv_id AND (c.kind = 'direct' OR (c.kind = 'group' AND c.title = ''))
         JOIN members o ON o.conv_id = m.conv_id AND o.user_id <> m.user_id
        WHERE m.user_id = ?`,
      [userId],
    ),
  ])
  if (!user) return
  const ids = convs.map((r) => r.conv_id)
  chats.convs.renamed(ids, userId, user.name, user.photo ?? undefined)
  for (const id of ids) if (chats.engine.docs.get(headDoc(id))) await chats.meta.writeFor(id)
  for (const p of shown) chats.inbox.touch(p.conv_id, [p.user_id])
}
