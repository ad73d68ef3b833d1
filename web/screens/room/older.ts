// Older pages: loaded when the list nears its top, when the newest page is empty (it has just rolled
// over), and to reach a message a search result points at.
import { useEffect, useRef, useState } from 'preact/hooks'
import type { Conversation, MessageView } from '../../models/index.ts'
import { jumpTarget } from '../../search/jump.ts'

export interface Older {
  /** loads the page before the oldest shown, unless one is loading or there is none */
  load(): void
  loading: { readonly current: boolean }
  /** bumps after each load, so that the list checks its position again */
  loaded: number
  hasOlder: boolean
}

export function useOlderPages(conv: Conversation, messages: readonly MessageView[]): Older {
  const loading = useRef(false)
  const [loaded, setLoaded] = useState(0)
  const hasOlder = conv.hasOlder.value

  function load() {
    if (loading.current || !conv.hasOlder.peek()) return
    loading.current = true
    conv
      .loadOlder()
      .catch((e) => console.warn('sori: could not load older messages', e))
      .finally(() => {
        loading.current = false
        setLoaded((n) => n + 1)
      })
  }

  // fetch older pages until there is something to show
  useEffect(() => {
    if (messages.length === 0 && hasOlder) load()
  }, [messages.length, hasOlder, loaded])
  return { load, loading, loaded, hasOlder }
}

/**
 * "Open the chat at this message" (from search): loads older pages until it is there, then asks the
 * list to scroll to it and highlights it.
 */
export function useJumpTarget(
  convId: string,
  conv: Conversation,
  messages: readonly MessageView[],
  byId: ReadonlyMap<string, MessageView>,
  older: Older,
): { scrollTo: { key: string; nonce: number } | null; highlight: string } {
  const [scrollTo, setScrollTo] = useState<{ key: string; nonce: number } | null>(null)
  const [highlight, setHighlight] = useState('')
  const target = jumpTarget.value?.conv === convId ? jumpTarget.value : null
  const pageIn = conv.settled.value
  const { hasOlder, loaded } = older
  useEffect(() => {
    if (!target) return
    if (byId.has(target.id)) {
      // the list's rows are keyed by page and id (rows.ts)
      setScrollTo({ key: `${byId.get(target.id)?.page ?? target.page}:${target.id}`, nonce: Date.now() })
      setHighlight(target.id)
      jumpTarget.value = null
      return
    }
    const oldest = messages[0]
    if (hasOlder && (!oldest || oldest.page >= target.page)) older.load()
    else if (pageIn && !older.loading.current) jumpTarget.value = null // it is not in this chat (any more)
  }, [target, messages, hasOlder, loaded, pageIn])
  return { scrollTo, highlight }
}
