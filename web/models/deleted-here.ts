// Messages deleted on this device only ("Delete on this device", as KakaoTalk offers beside "Delete for
// everyone"): nobody else is told, the server keeps them, and the user's other devices still show them.
// Kept per account in localStorage (`sori.deletedHere.<id>`, forgotten at sign-out with the account's other
// keys), so that the room, search and the gallery leave them out at once, offline too.
import { computed, signal, type ReadonlySignal } from '@preact/signals'
import { me } from '../account/session.ts'

/** the newest this many are kept; older ones come back (a list that only grows would outgrow storage) */
const MAX_KEPT = 5_000

const storageKey = (userId: string) => `sori.deletedHere.${userId}`

/** A message's name on this device: its chat, page and id (ids are unique within a page only). */
export const hereKey = (conv: string, page: number, id: string): string => `${conv}:${page}:${id}`

function load(userId: string): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(storageKey(userId)) ?? '[]')
    return Array.isArray(v) ? v.filter((k): k is string => typeof k === 'string') : []
  } catch {
    return []
  }
}

/** bumped on every change made here, so that the set is read again */
const changed = signal(0)

/** The messages the signed-in account deleted on this device, by hereKey. */
export const deletedHere: ReadonlySignal<ReadonlySet<string>> = computed(() => {
  void changed.value
  const id = me.value?.id
  return new Set(id ? load(id) : [])
})

/** Deletes a message on this device only. */
export function deleteHere(conv: string, page: number, id: string): void {
  const userId = me.peek()?.id
  if (!userId) return
  const keys = load(userId).filter((k) => k !== hereKey(conv, page, id))
  keys.push(hereKey(conv, page, id))
  try {
    localStorage.setItem(storageKey(userId), JSON.stringify(keys.slice(-MAX_KEPT)))
  } catch {
    /* storage full or unavailable: the message stays */
  }
  changed.value++
}
