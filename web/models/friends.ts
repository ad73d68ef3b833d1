// Friends over HTTP, cached in Dexie so the list shows offline.
import { signal } from '@preact/signals'
import type { Friends, Profile } from '../../protocol/api.ts'
import { api, ApiFailure } from '../account/api.ts'
import { db, kvGet } from '../store/db.ts'
import { guardWrite } from '../store/storage.ts'

export const friends = signal<Friends | null>(null)

const KEY = 'friends'

export async function loadCachedFriends(): Promise<void> {
  const cached = await kvGet<Friends>(KEY)
  if (cached && !friends.value) friends.value = cached
}

export async function refreshFriends(): Promise<void> {
  const f = await api<Friends>('GET', '/api/friends')
  friends.value = f
  const store = db()
  if (store) await guardWrite(() => store.kv.put({ key: KEY, value: f }))
}

/** Exact handle lookup; null when nobody has it. */
export async function findByHandle(handle: string): Promise<Profile | null> {
  try {
    return await api<Profile>('GET', `/api/users/${encodeURIComponent(handle.trim().toLowerCase())}`)
  } catch (e) {
    if (e instanceof ApiFailure && e.status === 404) return null
    throw e
  }
}

const change = async (method: string, path: string, body?: unknown): Promise<void> => {
  await api(method, path, body)
  await refreshFriends()
}
const at = (id: string): string => `/api/friends/${encodeURIComponent(id)}`

export const addFriend = (id: string): Promise<void> => change('POST', '/api/friends', { userId: id })
export const hideFriend = (id: string): Promise<void> => change('POST', `${at(id)}/hide`)
export const blockFriend = (id: string): Promise<void> => change('POST', `${at(id)}/block`)
export const unblockFriend = (id: string): Promise<void> => change('POST', `${at(id)}/unblock`)
export const removeFriend = (id: string): Promise<void> => change('DELETE', at(id))
