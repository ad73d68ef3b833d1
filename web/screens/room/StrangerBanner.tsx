// A 1:1 chat with someone who is not among my friends (they found my ID, or I theirs): the room says so
// at its top, with what to do about it in one tap each, as KakaoTalk does: add them, or block them (asked
// first). Someone I hid or blocked has been dealt with already: nothing is shown.
import { useState } from 'preact/hooks'
import type { Profile } from '../../../protocol/api.ts'
import { addFriend, blockFriend, friends } from '../../models/friends.ts'
import { t } from '../../app/t.ts'
import { personName } from '../../app/names.ts'
import { errorText } from '../../app/errors.ts'
import { ConfirmSheet } from '../../components/Confirm.tsx'
import { isolate } from '../../components/UserText.tsx'

export function StrangerBanner({ person }: { person: Profile }) {
  const [asking, setAsking] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState('')
  const f = friends.value
  // not loaded yet: nothing rather than a banner that goes away
  if (!f || [...f.friends, ...f.hidden, ...f.blocked].some((p) => p.id === person.id)) return null
  const name = isolate(personName(person))
  async function run(work: () => Promise<void>) {
    setBusy(true)
    setError('')
    try {
      await work()
      setAsking(false)
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="stranger" role="region" aria-label={t('room.notFriend', { name })}>
      <p class="stranger__text">{t('room.notFriend', { name })}</p>
      {!asking && error && (
        <p class="form__error" role="alert">
          {error}
        </p>
      )}
      <div class="stranger__actions">
        <button class="btn" disabled={busy} onClick={() => void run(() => addFriend(person.id))}>
          {t('friends.addFriend')}
        </button>
        <button class="btn" disabled={busy} onClick={() => setAsking(true)}>
          {t('friends.block')}
        </button>
      </div>
      {asking && (
        <ConfirmSheet
          title={t('friends.block')}
          text={t('friends.blockConfirm', { name })}
          action={t('friends.block')}
          busy={busy}
          error={error}
          onConfirm={() => void run(() => blockFriend(person.id))}
          onCancel={() => {
            setError('')
            setAsking(false)
          }}
        />
      )}
    </div>
  )
}
