// An account was deleted (after the relational commit, server/users/delete-account.ts): the chats it was
// in show it as a deleted account (its name, now '', in head `meta.names` and in the inbox entries of its
// direct chats), and its inbox keeps nothing of it: no chat entries (it is in no chat now) and no
// settings. The messages it wrote stay where they are, authored by its id.
import { inboxDoc, ROOTS } from '../../protocol/docs.ts'
import type { SyncDoc } from '../sync/doc.ts'
import type { ChatDomain } from './domain.ts'
import type { InboxKey } from './docs/inbox.ts'

/** Empties the deleted account's inbox doc: no chat entries (it is in no chat now) and no settings. */
export async function inboxEmptied(chats: ChatDomain, userId: string): Promise<void> {
  const docs = chats.engine.docs
  const inbox = (await docs.acquire(inboxDoc(userId))) as SyncDoc<InboxKey> | null
  if (!inbox) return
  await new Promise<void>((resolve, reject) =>
    inbox.enqueue(async () => {
      try {
        // entries first, from the tables (the account is in no chat any more), then its own settings
        await chats.inbox.reconcile(inbox)
        const settings = inbox.ydoc.getMap(ROOTS.inbox.settings)
        if (settings.size) await chats.engine.write(inbox, () => settings.clear())
        resolve()
      } catch (e) {
        reject(e as Error)
      } finally {
        docs.release(inbox)
      }
    }),
  )
}
