// Where to forward a message: the other chats, newest first; picking one sends it there as a new message
// of mine. A photo, a file or an app's card needs the server (made the other chat's, or a share ticket
// of mine): the sheet stays open on failure. The room says where it went.
import { useState } from 'preact/hooks'
import { chatList, type MessageView } from '../../models/index.ts'
import { forward } from '../../models/room.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { Sheet } from '../../components/Sheet.tsx'
import { UserText } from '../../components/UserText.tsx'
import { quotedText } from './quoted.ts'
import { ChatAvatar, chatTitle } from '../chats/Chats.tsx'

export function ForwardSheet({
  m,
  convId,
  onClose,
  onSent,
}: {
  m: MessageView
  convId: string
  onClose: () => void
  /** it went to this chat (its title) */
  onSent: (to: string) => void
}) {
  const others = chatList.value.filter((c) => c.id !== convId)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  async function send(to: string, title: string) {
    if (!m.media && !m.link) {
      // a text goes through the outbox, offline too
      void forward(to, m.body)
      onSent(title)
      return
    }
    setBusy(true)
    setError('')
    try {
      await forward(to, m.body, m.media, m.link ? { from: convId, card: m.link } : undefined)
      onSent(title)
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }
  return (
    <Sheet title={t('room.forwardTo')} onClose={onClose}>
      <p class="sheet__quote">
        <UserText text={quotedText(m)} />
      </p>
      <p class="form__error" role="alert">
        {error}
      </p>
      {others.length === 0 ? (
        <p>{t('room.forwardNone')}</p>
      ) : (
        <ul class="list forward-list" aria-label={t('room.forwardTo')}>
          {others.map((c) => {
            const title = chatTitle(c)
            return (
              <li key={c.id}>
                <button type="button" class="row row--button" disabled={busy} onClick={() => void send(c.id, title)}>
                  <ChatAvatar c={c} title={title} size={40} />
                  <UserText class="row__title" text={title} />
                </button>
              </li>
            )
          })}
        </ul>
      )}
    </Sheet>
  )
}
