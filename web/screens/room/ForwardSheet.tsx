// Where to forward a message: the other chats, newest first; picking one sends it there as a new message
// of mine. A photo, a file or an app's card needs the server (made the other chat's, or a share ticket
// of mine): the sheet stays open on failure.
import { useState } from 'preact/hooks'
import { chatList, type MessageView } from '../../models/index.ts'
import { forward } from '../../models/room.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { Sheet } from '../../components/Sheet.tsx'
import { UserText } from '../../components/UserText.tsx'
import { quotedText } from './quoted.ts'
import { chatTitle } from '../chats/Chats.tsx'

export function ForwardSheet({ m, convId, onClose }: { m: MessageView; convId: string; onClose: () => void }) {
  const others = chatList.value.filter((c) => c.id !== convId)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  async function send(to: string) {
    if (!m.media && !m.link) {
      void forward(to, m.body)
      onClose()
      return
    }
    setBusy(true)
    setError('')
    try {
      await forward(to, m.body, m.media, m.link ? { from: convId, card: m.link } : undefined)
      onClose()
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
          {others.map((c) => (
            <li key={c.id}>
              <button type="button" class="row row--button" disabled={busy} onClick={() => void send(c.id)}>
                <UserText class="row__title" text={chatTitle(c)} />
              </button>
            </li>
          ))}
        </ul>
      )}
    </Sheet>
  )
}
