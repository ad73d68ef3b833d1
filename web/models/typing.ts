// Who is typing in a chat, and saying that I am: through the awareness of the chat head's provider.
import { effect, signal, type Signal } from '@preact/signals'
import type { DocRef } from '../sync/docs.ts'
import { sayOwn } from '../sync/own-state.ts'

export interface Typing {
  /** ids of the other members typing now, sorted */
  who: Signal<string[]>
  set(on: boolean): void
  close(): void
}

/** typing stops by itself if the UI forgets to say so */
const TYPING_MS = 6_000

interface TypingState {
  user?: { id?: unknown }
  typing?: unknown
}

export function watchTyping(head: DocRef, userId: string): Typing {
  const who = signal<string[]>([])
  let timer: ReturnType<typeof setTimeout> | undefined
  const awareness = () => head.provider()?.awareness ?? null

  const onChange = (): void => {
    const a = awareness()
    if (!a) return
    const ids = new Set<string>()
    a.getStates().forEach((s, client) => {
      const st = s as TypingState
      if (client !== a.clientID && st.typing === true && typeof st.user?.id === 'string' && st.user.id !== userId)
        ids.add(st.user.id)
    })
    const next = [...ids].sort()
    if (next.join() !== who.value.join()) who.value = next
  }
  // the head's provider starts once Dexie's copy is in (and may be dropped on lost access)
  const stopWatch = effect(() => {
    const a = head.provider()?.awareness
    if (!a) return
    a.on('change', onChange)
    return () => a.off('change', onChange)
  })
  const typingNow = (): boolean => !!(awareness()?.getLocalState() as { typing?: boolean } | null)?.typing

  return {
    who,
    set(on) {
      const a = awareness()
      clearTimeout(timer)
      if (!a) return
      sayOwn(a, userId, 'typing', on)
      if (on) timer = setTimeout(() => sayOwn(a, userId, 'typing', false), TYPING_MS)
    },
    close() {
      clearTimeout(timer)
      const a = awareness()
      if (a && typingNow()) sayOwn(a, userId, 'typing', false)
      stopWatch()
    },
  }
}
