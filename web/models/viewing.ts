// Saying that a chat is on screen, through the awareness of the chat head's provider (`viewing` in
// this device's state): the server sends no push to a device showing the chat (docs/protocol.md,
// "Notifications (Web Push)"). A room open in a hidden tab or on a locked phone is not on screen.
import { effect } from '@preact/signals'
import type { DocRef } from '../sync/docs.ts'
import { sayOwn } from '../sync/own-state.ts'

export function sayViewing(head: DocRef, userId: string): () => void {
  const say = (on: boolean): void => {
    const a = head.provider()?.awareness
    if (a) sayOwn(a, userId, 'viewing', on)
  }
  const onVisibility = (): void => say(document.visibilityState === 'visible')
  // the head's provider starts once Dexie's copy is in (and starts again after a lost access)
  const stop = effect(() => {
    if (head.provider()) onVisibility()
  })
  document.addEventListener('visibilitychange', onVisibility)
  return () => {
    document.removeEventListener('visibilitychange', onVisibility)
    stop()
    say(false)
  }
}
