// Where to forward a message: the other chats, newest first, then friends I have no 1:1 chat with yet
// (picking one starts it, as KakaoTalk's forward lists friends); picking sends it there as a new message
// of mine. A photo, a file or an app's card needs the server (made the other chat's, or a share ticket
// of mine), and so does starting a chat: the sheet stays open on failure. The room says where it went.
import { useState } from 'preact/hooks'
import { chatList, openDirect, type MessageView } from '../../models/index.ts'
import { Avatar } from '../../components/Avatar.tsx'
import { useFriendsWithoutChat } from '../../components/useFriends.ts'
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
  const { friends, loading } = useFriendsWithoutChat()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  /** a friend without a chat: it is started first (on the server: online only) */
  async function sendToFriend(friend: string, name: string) {
    setBusy(true)
    setError('')
    let to: string
    try {
      to = await openDirect(friend)
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
      return
    }
    await send(to, name)
  }
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
      {others.length === 0 && friends.length === 0 && !loading && <p>{t('room.forwardNone')}</p>}
      {others.length > 0 && (
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
      {friends.length > 0 && (
        <ul class="list forward-list" aria-label={t('nav.friends')}>
          {friends.map((f) => (
            <li key={f.id}>
              <button type="button" class="row row--button" disabled={busy} onClick={() => void sendToFriend(f.id, f.name)}>
                <Avatar id={f.id} name={f.name} size={40} photo={f.photo} />
                <span class="row__body">
                  <UserText class="row__title" text={f.name} />
                  <span class="row__sub">@{f.handle}</span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Sheet>
  )
}
