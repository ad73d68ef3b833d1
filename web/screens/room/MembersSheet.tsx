// Chat details: members, and for groups invite, rename, and (the owner) remove; leave. Leaving and
// removing someone are asked first, in this same sheet. A member's name opens their profile.
import { useState } from 'preact/hooks'
import type { Chat, Profile } from '../../../protocol/api.ts'
import { MAX_TITLE_CHARS } from '../../../protocol/limits.ts'
import { invite, rename, removeMember, leave, me, setGroupPhoto } from '../../models/index.ts'
import { t } from '../../app/t.ts'
import { go } from '../../app/router.ts'
import { errorText } from '../../app/errors.ts'
import { sortByName } from '../../i18n/format.ts'
import { Sheet } from '../../components/Sheet.tsx'
import { Avatar } from '../../components/Avatar.tsx'
import { PhotoButtons } from '../../components/PhotoButtons.tsx'
import { FriendPicker } from '../../components/FriendPicker.tsx'
import { Confirm } from '../../components/Confirm.tsx'
import { isolate, neutral, UserText } from '../../components/UserText.tsx'
import { TaggedTitle } from '../../components/RowMarks.tsx'
import { MuteChoices } from '../chats/MuteChoices.tsx'
import { ProfileBody } from '../profile/ProfileSheet.tsx'
import { InviteBody } from '../invite/InviteSheet.tsx'

export function MembersSheet({
  chat,
  title,
  onClose,
  onGallery,
}: {
  chat: Chat
  title: string
  onClose: () => void
  /** opens the chat's photos and videos */
  onGallery: () => void
}) {
  const [view, setView] = useState<'members' | 'invite' | 'rename' | 'leave' | Profile>('members')
  const [picked, setPicked] = useState<string[]>([])
  const [newTitle, setNewTitle] = useState(chat.title)
  const [error, setError] = useState('')
  const [photoError, setPhotoError] = useState('')
  const [busy, setBusy] = useState(false)
  const [viewing, setViewing] = useState<Profile | null>(null)
  const [sharing, setSharing] = useState(false)
  const myId = me.value?.id
  // which view is on screen, for the sheet to take the focus into a new one
  const shown = sharing ? 'link' : viewing ? 'profile' : typeof view === 'object' ? 'remove' : view
  const group = chat.kind === 'group'
  const owner = group && chat.owner === myId

  async function run(fn: () => Promise<void>, after: () => void) {
    setBusy(true)
    setError('')
    try {
      await fn()
      after()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  if (sharing)
    return (
      <Sheet title={t('invite.groupLink')} onClose={onClose} view={shown}>
        <InviteBody kind="group" convId={chat.id} />
      </Sheet>
    )
  if (viewing) {
    return (
      <Sheet title={t('friends.profile')} onClose={onClose} view={shown}>
        <ProfileBody person={viewing} onClose={onClose} onBack={() => setViewing(null)} />
      </Sheet>
    )
  }
  if (view === 'leave') {
    return (
      <Sheet title={t('members.leave')} onClose={onClose} view={shown}>
        <Confirm
          text={t('members.leaveConfirm')}
          action={t('members.leave')}
          busy={busy}
          error={error}
          onConfirm={() =>
            void run(
              () => leave(chat.id),
              () => {
                onClose()
                go('chats', '', true)
              },
            )
          }
          onCancel={() => setView('members')}
        />
      </Sheet>
    )
  }
  if (typeof view === 'object') {
    const person = view
    return (
      <Sheet title={t('members.removeNamed', { name: isolate(person.name) })} onClose={onClose} view={shown}>
        <Confirm
          text={t('members.removeConfirm', { name: isolate(person.name) })}
          action={t('members.remove')}
          busy={busy}
          error={error}
          onConfirm={() =>
            void run(
              () => removeMember(chat.id, person.id),
              () => setView('members'),
            )
          }
          onCancel={() => setView('members')}
        />
      </Sheet>
    )
  }
  if (view === 'invite') {
    return (
      <Sheet title={t('members.invite')} onClose={onClose} view={shown}>
        <FriendPicker picked={picked} onChange={setPicked} exclude={chat.members.map((m) => m.id)} />
        <p class="form__error" role="alert">
          {error}
        </p>
        <div class="stack">
          <button
            class="btn btn--primary btn--block"
            disabled={busy || picked.length === 0}
            onClick={() =>
              run(
                () => invite(chat.id, picked),
                () => {
                  setPicked([])
                  setView('members')
                },
              )
            }
          >
            {t('members.inviteCount', { count: picked.length })}
          </button>
          <button class="btn btn--block" onClick={() => setView('members')}>
            {t('app.cancel')}
          </button>
        </div>
      </Sheet>
    )
  }
  if (view === 'rename') {
    return (
      <Sheet title={t('members.rename')} onClose={onClose} view={shown}>
        <form
          class="form"
          onSubmit={(e) => {
            e.preventDefault()
            void run(
              () => rename(chat.id, newTitle.trim()),
              () => setView('members'),
            )
          }}
        >
          <label class="field">
            <span class="field__label">{t('members.chatName')}</span>
            <input
              name="title"
              maxLength={MAX_TITLE_CHARS}
              value={newTitle}
              onInput={(e) => setNewTitle(e.currentTarget.value)}
            />
          </label>
          <p class="form__error" role="alert">
            {error}
          </p>
          <div class="stack">
            <button class="btn btn--primary btn--block" type="submit" disabled={busy}>
              {t('members.save')}
            </button>
            <button class="btn btn--block" type="button" onClick={() => setView('members')}>
              {t('app.cancel')}
            </button>
          </div>
        </form>
      </Sheet>
    )
  }
  return (
    <Sheet title={<UserText text={title} />} onClose={onClose} view={shown}>
      {group && (
        <div class="card__head">
          <Avatar id={chat.id} name={title} size={56} photo={chat.photo} group />
          <PhotoButtons
            hasPhoto={!!chat.photo}
            labels={[t('members.photoAdd'), t('members.photoChange'), t('members.photoRemove')]}
            onSet={(photo) => setGroupPhoto(chat.id, photo)}
            onError={setPhotoError}
          />
        </div>
      )}
      {photoError && (
        <p class="form__error sheet__note" role="alert">
          {photoError}
        </p>
      )}
      <button class="btn btn--block" onClick={onGallery}>
        {t('media.gallery')}
      </button>
      {/* as from the chat list's sheet: a chat is muted where people look for it, inside it */}
      {/* a core string: the settings' 'notify' strings come with the screens that load them */}
      <h3 class="section-title">{t('room.notifications')}</h3>
      <div class="stack">
        <MuteChoices id={chat.id} />
      </div>
      <h3 class="section-title">{t('members.title', { count: chat.members.length })}</h3>
      <ul class="list">
        {/* me first, as the members list of every messenger puts you; the others by name */}
        {[...chat.members.filter((p) => p.id === myId), ...sortByName(chat.members.filter((p) => p.id !== myId))].map((p) => (
          <li key={p.id} class="row row--split">
            <button class="row row--open" onClick={() => setViewing(p)}>
              <Avatar id={p.id} name={p.name} size={40} photo={p.photo} />
              <span class="row__body">
                <TaggedTitle name={p.name} tag={p.id === myId ? t('members.you') : undefined} />
                <span class="row__sub">
                  @{p.handle}
                  {group && p.id === chat.owner && <> · {t('members.owner')}</>}
                </span>
              </span>
            </button>
            {owner && p.id !== myId && (
              <button
                class="btn btn--small btn--danger"
                disabled={busy}
                aria-label={t('members.removeNamed', { name: neutral(p.name) })}
                onClick={() => {
                  setError('')
                  setView(p)
                }}
              >
                {t('members.remove')}
              </button>
            )}
          </li>
        ))}
      </ul>
      <p class="form__error" role="alert">
        {error}
      </p>
      <div class="stack">
        {group && (
          <button class="btn btn--block" onClick={() => setView('invite')}>
            {t('members.invite')}
          </button>
        )}
        {group && (
          <button class="btn btn--block" onClick={() => setSharing(true)}>
            {t('invite.groupLink')}
          </button>
        )}
        {group && (
          <button class="btn btn--block" onClick={() => setView('rename')}>
            {t('members.rename')}
          </button>
        )}
        <button
          class="btn btn--block btn--danger"
          disabled={busy}
          onClick={() => {
            setError('')
            setView('leave')
          }}
        >
          {t('members.leave')}
        </button>
      </div>
    </Sheet>
  )
}
