// The friends list for a screen that shows it (Friends, the friend picker): asked of the server when
// the screen opens and again when the device is back online. The cached copy shows at once; a device
// that never had the list (it was offline whenever it could have fetched it) is told apart from one
// whose list is empty, so that nobody is told "no friends yet" when it is only "not loaded yet".
import { useEffect, useState } from 'preact/hooks'
import type { Friends, Profile } from '../../protocol/api.ts'
import { chatList, connection, friends, refreshFriends } from '../models/index.ts'
import { sortByName } from '../i18n/format.ts'

export type FriendsState =
  | { status: 'loading' }
  /** never loaded on this device, and the last try failed (offline) */
  | { status: 'unloaded' }
  | { status: 'ready'; data: Friends }

export function useFriends(): FriendsState {
  const data = friends.value
  const [failed, setFailed] = useState(false)
  const online = connection.value === 'online'
  useEffect(() => {
    let live = true
    const refresh = () =>
      refreshFriends().then(
        () => live && setFailed(false),
        () => live && setFailed(true),
      )
    void refresh()
    // the sync socket may stay up while fetch fails (or the other way round): either coming back retries
    addEventListener('online', refresh)
    return () => {
      live = false
      removeEventListener('online', refresh)
    }
  }, [online])
  if (data) return { status: 'ready', data }
  return { status: failed ? 'unloaded' : 'loading' }
}

/**
 * My friends with no 1:1 chat with me yet, by name (where a message can go besides the chats: picking one
 * starts the chat), and whether the list is still loading.
 */
export function useFriendsWithoutChat(): { friends: Profile[]; loading: boolean } {
  const state = useFriends()
  if (state.status !== 'ready') return { friends: [], loading: state.status === 'loading' }
  const withChat = new Set(chatList.value.filter((c) => c.kind === 'direct' && c.peer).map((c) => c.peer))
  return { friends: sortByName(state.data.friends).filter((f) => !withChat.has(f.id)), loading: false }
}
