// The server's copy of this user's mutes, by which it decides pushes and badges, kept equal to the chat
// settings every device of theirs shares (models/chat-settings.ts, in the inbox doc): whenever either
// changes, a chat whose setting and inbox entry (`muted`, the server's copy) differ is sent with
// PUT /api/chats/:id/mute. A mute set offline, or on a device that has since gone, is sent by the next
// device of theirs that starts.
import { effect } from '@preact/signals'
import { ApiFailure, api } from '../account/api.ts'
import { chatSettings, type ChatSettings } from '../models/chat-settings.ts'
import { chatList } from '../models/inbox.ts'
import { MUTED_FOREVER } from '../../protocol/push.ts'

const live = (until: number | undefined, now: number): number | null =>
  until === MUTED_FOREVER || (until !== undefined && until > now) ? until : null

const wanted = (s: ChatSettings | undefined, now: number): number | null =>
  s?.mutedUntil === 'forever' ? MUTED_FOREVER : live(s?.mutedUntil, now)

export function syncMutes(): () => void {
  /** chat → the value sent (in flight, or refused: not sent again until the setting changes) */
  const sent = new Map<string, number | null>()
  return effect(() => {
    const now = Date.now()
    const settings = chatSettings.value
    for (const c of chatList.value) {
      const want = wanted(settings.get(c.id), now)
      if (want === live(c.muted, now)) {
        sent.delete(c.id)
        continue
      }
      if (sent.has(c.id) && sent.get(c.id) === want) continue
      sent.set(c.id, want)
      // offline: asked again at the next change of the list (the inbox updates when the socket is back)
      void api('PUT', `/api/chats/${c.id}/mute`, { until: want }).catch((e: unknown) => {
        if (e instanceof ApiFailure && e.status === 0) sent.delete(c.id)
      })
    }
  })
}
