// Someone's profile, opened from the friends list, the blocked list or a chat's members: who they are
// (avatar letter, name, handle, status) and what can be done with them, which depends on where they
// stand with me: a friend can be removed, anyone else added; anyone can be blocked, or unblocked.
// Removing and blocking are asked first, in this same sheet. `ProfileBody` is the sheet's content, for
// a sheet that turns into the profile (the members sheet): a sheet of its own in its place would close
// the one it replaces.
import { useEffect, useState } from 'preact/hooks'
import type { Friends, Profile } from '../../../protocol/api.ts'
import {
  addFriend,
  blockFriend,
  friends,
  me,
  openDirect,
  refreshFriends,
  removeFriend,
  unblockFriend,
} from '../../models/index.ts'
import { t } from '../../app/t.ts'
import { personName } from '../../app/names.ts'
import { go } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { Avatar } from '../../components/Avatar.tsx'
import { Sheet } from '../../components/Sheet.tsx'
import { Confirm } from '../../components/Confirm.tsx'
import { isolate, UserText } from '../../components/UserText.tsx'

type Standing = 'me' | 'friend' | 'blocked' | 'other'

function standing(id: string, myId: string | undefined, list: Friends | null): Standing {
  if (id === myId) return 'me'
  if (list?.blocked.some((p) => p.id === id)) return 'blocked'
  if (list?.friends.some((p) => p.id === id)) return 'friend'
  return 'other'
}

interface ProfileProps {
  person: Profile
  /** closes the sheet; also called once a 1:1 chat with them is opened */
  onClose: () => void
  /** when the profile was opened from another sheet: back to it */
  onBack?: () => void
}

export function ProfileSheet(props: ProfileProps) {
  return (
    <Sheet title={t('friends.profile')} onClose={props.onClose}>
      <ProfileBody {...props} />
    </Sheet>
  )
}

export function ProfileBody({ person, onClose, onBack }: ProfileProps) {
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const [asking, setAsking] = useState<'block' | 'remove' | null>(null)
  const where = standing(person.id, me.value?.id, friends.value)
  // opened from a chat, the list may be old or never loaded: what the buttons offer depends on it
  useEffect(() => void refreshFriends().catch(() => undefined), [])

  async function run(fn: () => Promise<void>, after?: () => void) {
    setBusy(true)
    setError('')
    try {
      await fn()
      setAsking(null)
      after?.()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const chat = () =>
    run(async () => {
      const id = await openDirect(person.id)
      onClose()
      go('chat', id)
    })
  // out of the friends list, the sheet has nothing left to stand on there; from a chat it stays
  const done = onBack ? undefined : onClose

  if (asking) {
    const block = asking === 'block'
    return (
      <Confirm
        text={t(block ? 'friends.blockConfirm' : 'friends.removeConfirm', { name: isolate(personName(person)) })}
        action={t(block ? 'friends.block' : 'friends.remove')}
        busy={busy}
        error={error}
        onConfirm={() => void run(() => (block ? blockFriend : removeFriend)(person.id), done)}
        onCancel={() => {
          setError('')
          setAsking(null)
        }}
      />
    )
  }
  return (
    <div class="profile">
      <Avatar id={person.id} name={personName(person)} size={88} photo={person.photo} />
      <UserText class="profile__name" text={personName(person)} />
      {person.handle && <p class="muted">@{person.handle}</p>}
      {person.status && <UserText class="profile__status" text={person.status} />}
      {where === 'blocked' && <p class="muted">{t('friends.blockedNote')}</p>}
      <p class="form__error" role="alert">
        {error}
      </p>
      <div class="profile__actions">
        {where !== 'me' && where !== 'blocked' && (
          <button class="btn btn--primary btn--block" onClick={() => void chat()} disabled={busy}>
            {t('friends.chat')}
          </button>
        )}
        {where === 'other' && (
          <button class="btn btn--block" onClick={() => void run(() => addFriend(person.id))} disabled={busy}>
            {t('friends.addFriend')}
          </button>
        )}
        {where === 'friend' && (
          <button class="btn btn--block" onClick={() => setAsking('remove')} disabled={busy}>
            {t('friends.remove')}
          </button>
        )}
        {where === 'blocked' && (
          <button class="btn btn--block" onClick={() => void run(() => unblockFriend(person.id))} disabled={busy}>
            {t('friends.unblock')}
          </button>
        )}
        {where !== 'me' && where !== 'blocked' && (
          <button class="btn btn--block btn--danger" onClick={() => setAsking('block')} disabled={busy}>
            {t('friends.block')}
          </button>
        )}
        {onBack && (
          <button class="btn btn--block" onClick={onBack}>
            {t('app.back')}
          </button>
        )}
      </div>
    </div>
  )
}
