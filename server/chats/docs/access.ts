// Who may open a chat's documents (head and pages): its members (and a channel chat's admins, convs.ts
// mayOpen); a page only once it exists.
import type { Access } from '../../sync/kind.ts'
import { mayOpen, type ConvState } from '../convs.ts'
import type { ChatDomain } from '../domain.ts'

/**
 * Access for `userId` to a document of chat `convId` when `allowed` also holds. The conversation stays
 * cached until `release`, so loading the document does not read it again.
 */
export async function chatAccess(
  chats: ChatDomain,
  userId: string,
  convId: string,
  allowed: (conv: ConvState) => boolean = () => true,
): Promise<Access | null> {
  const conv = await chats.convs.acquire(convId)
  if (!conv) return null
  if (!mayOpen(conv, userId) || !allowed(conv)) {
    chats.convs.release(convId)
    return null
  }
  return { release: () => chats.convs.release(convId) }
}
