// Chat membership over HTTP (create, invite, rename, remove, leave) and chat infos cached in Dexie.
import { signal, type Signal } from '@preact/signals'
import type { Chat } from '../../protocol/api.ts'
import { api, ApiFailure } from '../account/api.ts'
import { loseChat } from '../sync/docs.ts'
import { db, kvGet } from '../store/db.ts'
import { guardWrite } from '../store/storage.ts'
import { chatSettings, forgetChatSettings, updateChatSettings } from './chat-settings.ts'

const infos = new Map<string, Signal<Chat | null>>()
const key = (id: string): string => `chat:${id}`
const at = (id: string): string => `/api/chats/${encodeURIComponent(id)}`

function remember(chat: Chat): string {
  const s = infos.get(chat.id)
  if (s) s.value = chat
  const store = db()
  if (store) void guardWrite(() => store.kv.put({ key: key(chat.id), value: chat }))
  return chat.id
}

/** Opens (or starts) the 1:1 chat; one taken off the list comes back on it, as the user went to it. */
export async function openDirect(userId: string): Promise<string> {
  const id = remember(await api<Chat>('POST', '/api/chats/direct', { userId }))
  if (chatSettings.peek().get(id)?.hiddenAt !== undefined) updateChatSettings(id, { hiddenAt: undefined })
  return id
}
export const createGroup = async (title: string, userIds: string[]): Promise<string> =>
  remember(await api<Chat>('POST', '/api/chats/group', { title, userIds }))
export const invite = async (convId: string, userIds: string[]): Promise<void> =>
  void remember(await api<Chat>('POST', `${at(convId)}/invite`, { userIds }))
export const rename = async (convId: string, title: string): Promise<void> =>
  void remember(await api<Chat>('PATCH', at(convId), { title }))
/** Sets (or, with null, removes) a group's photo; the server crops it square and keeps no metadata. */
export const setGroupPhoto = async (convId: string, photo: Blob | null): Promise<void> =>
  void remember(photo ? await api<Chat>('PUT', `${at(convId)}/photo`, photo) : await api<Chat>('DELETE', `${at(convId)}/photo`))
/** The group's owner takes someone out of it. */
export const removeMember = async (convId: string, userId: string): Promise<void> =>
  void remember(await api<Chat>('POST', `${at(convId)}/remove`, { userId }))

export async function leave(convId: string): Promise<void> {
  await api('POST', `${at(convId)}/leave`)
  forgetChatSettings(convId)
  const s = infos.get(convId)
  if (s) s.value = null
  await db()
    ?.kv.delete(key(convId))
    .catch(() => undefined)
}

/** The chat's info: the cached copy at once (offline too), refreshed from the server when reachable. */
export function chatInfo(convId: string): Signal<Chat | null> {
  let s = infos.get(convId)
  if (s) {
    void refresh(convId)
    return s
  }
  s = signal<Chat | null>(null)
  infos.set(convId, s)
  const sig = s
  void kvGet<Chat>(key(convId)).then((c) => {
    if (c && !sig.value) sig.value = c
  })
  void refresh(convId)
  return s
}

async function refresh(convId: string): Promise<void> {
  try {
    remember(await api<Chat>('GET', at(convId)))
  } catch (e) {
    // offline: the cached copy stays. Not (or no longer) a member: the chat is lost, and its sockets stop
    if (e instanceof ApiFailure && (e.status === 403 || e.status === 404)) loseChat(convId)
  }
}

export const forgetChatInfos = (): void => infos.clear()
