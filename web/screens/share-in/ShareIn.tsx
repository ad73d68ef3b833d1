// What another app shared into Sori (its share sheet → Sori): what came (text, a link, photos and files),
// and the chats to send it to; picking one sends it there as my messages (the text once, the files through
// the media outbox, so also offline) and opens that chat. Nothing reaches the server before the pick.
import { useEffect, useState } from 'preact/hooks'
import { chatList } from '../../models/index.ts'
import { appendToChat } from '../../models/append.ts'
import { sendFiles } from '../../models/media-outbox.ts'
import { dropShared, readShared, sharedText, type Shared } from '../../share-in/store.ts'
import { t } from '../../app/t.ts'
import { arrive, back } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { IconBack } from '../../components/icons.tsx'
import { UserText } from '../../components/UserText.tsx'
import { chatTitle } from '../chats/Chats.tsx'

export default function ShareIn({ id }: { id: string }) {
  // undefined: still reading; null: nothing kept under this id
  const [shared, setShared] = useState<Shared | null | undefined>(undefined)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  useEffect(() => {
    readShared(id).then(setShared, () => setShared(null))
  }, [id])
  const text = shared ? sharedText(shared) : ''

  async function send(convId: string) {
    if (!shared) return
    setBusy(true)
    setError('')
    try {
      // the text with an id of this share's own: sent once, also when tapped twice or retried after a reload
      if (text && shared.blobs.length === 0) await appendToChat(convId, { id: `sh${shared.id}`, kind: 'text', body: text })
      if (shared.blobs.length > 0) await sendFiles(convId, shared.blobs, text)
      await dropShared(shared.id)
      arrive('chat', convId)
    } catch (e) {
      setError(errorText(e))
      setBusy(false)
    }
  }

  return (
    <section class="screen" aria-labelledby="share-in-title">
      <header class="topbar">
        <button class="icon-btn" onClick={() => back('chats')} aria-label={t('app.back')}>
          <IconBack />
        </button>
        <h1 class="topbar__title" id="share-in-title">
          {t('shareIn.title')}
        </h1>
      </header>
      <div class="screen__scroll">
        {shared === null && <p class="muted pad">{t('shareIn.gone')}</p>}
        {shared && (
          <div class="card share-in__what">
            {text && <UserText class="share-in__text" text={text} />}
            {shared.files.length > 0 && (
              <ul class="share-in__files" aria-label={t('shareIn.files')}>
                {shared.files.map((f, i) => (
                  <li key={i}>
                    <UserText text={f.name} />
                  </li>
                ))}
              </ul>
            )}
            {!text && shared.files.length === 0 && <p class="muted">{t('shareIn.empty')}</p>}
          </div>
        )}
        <p class="form__error" role="alert">
          {error}
        </p>
        {shared && (text || shared.files.length > 0) && (
          <>
            <h2 class="share-in__heading">{t('shareIn.pick')}</h2>
            {chatList.value.length === 0 ? (
              <p class="muted pad">{t('shareIn.noChats')}</p>
            ) : (
              <ul class="list" aria-label={t('shareIn.pick')}>
                {chatList.value.map((c) => (
                  <li key={c.id}>
                    <button type="button" class="row row--button" disabled={busy} onClick={() => void send(c.id)}>
                      <UserText class="row__title" text={chatTitle(c)} />
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </div>
    </section>
  )
}
