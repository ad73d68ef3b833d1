// How many messages from others have come in below the reader since they left the bottom of the list:
// the count on the "Latest messages" button, as Telegram and LINE show it.
import { useRef } from 'preact/hooks'
import type { MessageView } from '../../models/message-views.ts'

const keyOf = (m: MessageView) => `${m.page}:${m.id}`

/** 0 while the list is at its bottom (`away` false). */
export function useArrivedBelow(messages: readonly MessageView[], myId: string, away: boolean): number {
  // the newest message as the reader left the bottom (older pages loading above do not move it)
  const mark = useRef<string | null>(null)
  if (!away) {
    mark.current = null
    return 0
  }
  if (mark.current === null) mark.current = messages.length ? keyOf(messages[messages.length - 1]) : ''
  let n = 0
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]
    if (keyOf(m) === mark.current) return n
    if (!m.system && m.from !== myId) n++
  }
  // the mark is gone (deleted): nothing to count from
  return 0
}
