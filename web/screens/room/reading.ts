// New messages reaching the reader: marked read while the list is at the bottom and the page visible,
// and those of others announced to screen readers (the list itself is virtualized).
import { useEffect, useRef, useState } from 'preact/hooks'
import type { Profile } from '../../../protocol/api.ts'
import type { Conversation, MessageView } from '../../models/index.ts'
import { personName } from '../../app/names.ts'

const visible = (): boolean => document.visibilityState === 'visible'

/**
 * Marks the chat read while it is open and the page visible, as KakaoTalk does: all of it as it opens (the
 * list may open at the "new messages" line, with more below) and whatever arrives while it stays open,
 * wherever the list is scrolled. The server does not push a message to a device viewing its chat either.
 */
export function useMarkRead(conv: Conversation, newest: MessageView | undefined): void {
  useEffect(() => {
    const read = () => {
      if (visible()) conv.markRead()
    }
    read()
    document.addEventListener('visibilitychange', read)
    return () => document.removeEventListener('visibilitychange', read)
  }, [conv, newest?.id])
}

/** The text for a polite live region: the newest message when someone else wrote it after the room opened. */
export function useAnnouncement(newest: MessageView | undefined, myId: string, members: Map<string, Profile>): string {
  const [announce, setAnnounce] = useState('')
  const lastAnnounced = useRef<string | undefined>(undefined)
  useEffect(() => {
    if (!newest) return
    if (newest.id === lastAnnounced.current) {
      // deleted for everyone: its words leave the page, the live region's copy too
      if (newest.retracted) setAnnounce('')
      return
    }
    const firstLoad = lastAnnounced.current === undefined
    lastAnnounced.current = newest.id
    if (firstLoad || newest.from === myId || newest.retracted || newest.system) return
    setAnnounce(`${personName(members.get(newest.from))}: ${newest.body}`)
  }, [newest?.id, newest?.retracted])
  return announce
}
