// What an invite link (#/invite/<token>) brings the user to: a group, with Join, or a person, with
// Add. Nothing happens until they choose; after joining, the chat opens.
import { useEffect, useState } from 'preact/hooks'
import type { InvitePreview } from '../../../protocol/api.ts'
import { acceptInvite, previewInvite } from '../../models/invites.ts'
import { arrive, back, INVITE_TOKEN_RE } from '../../app/router.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { ApiFailure } from '../../account/api.ts'
import { Avatar } from '../../components/Avatar.tsx'
import { isolate, UserText } from '../../components/UserText.tsx'

export default function Invite({ token }: { token: string }) {
  const [preview, setPreview] = useState<InvitePreview | null>(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    // a token mistyped or cut short (an address opened by hand) is no link: said at once, nothing asked
    if (!INVITE_TOKEN_RE.test(token)) return setError(t('invite.unknown'))
    previewInvite(token).then(setPreview, (e: unknown) =>
      setError(e && typeof e === 'object' && 'status' in e && e.status === 404 ? t('invite.unknown') : errorText(e)),
    )
  }, [token])

  async function accept() {
    setBusy(true)
    setError('')
    try {
      const convId = await acceptInvite(token)
      if (convId) arrive('chat', convId)
      else arrive('friends')
    } catch (e) {
      // (the group's owner removed me meanwhile: the link cannot bring me back)
      setError(e instanceof ApiFailure && e.status === 403 && group ? t('invite.removed') : errorText(e))
      setBusy(false)
    }
  }

  const group = preview?.group
  return (
    <section class="screen" aria-labelledby="invite-title">
      <header class="topbar">
        <h1 class="topbar__title" id="invite-title">
          {t('invite.title')}
        </h1>
      </header>
      <div class="screen__scroll invite">
        {!preview && !error && <p class="muted">{t('app.loading')}</p>}
        {preview && group && (
          <div class="invite__card">
            <Avatar id={group.id} name={group.title || '#'} size={72} photo={group.photo} group invite={token} />
            <UserText class="invite__name" text={group.title} />
            <p class="muted">{t('members.title', { count: group.members })}</p>
            <p>{t('invite.fromGroup', { name: isolate(preview.from.name) })}</p>
            {preview.removed && <p role="status">{t('invite.removed')}</p>}
          </div>
        )}
        {preview && !group && (
          <div class="invite__card">
            <Avatar id={preview.from.id} name={preview.from.name} size={72} photo={preview.from.photo} />
            <UserText class="invite__name" text={preview.from.name} />
            <p class="muted">@{preview.from.handle}</p>
            <p>{preview.done ? t('invite.alreadyFriend') : t('invite.addAsk')}</p>
          </div>
        )}
        <p class="form__error" role="alert">
          {error}
        </p>
        <div class="stack">
          {preview && !preview.removed && (group || !preview.done) && (
            <button class="btn btn--primary btn--block" disabled={busy} onClick={() => void accept()}>
              {group ? t(preview.done ? 'invite.open' : 'invite.join') : t('invite.add')}
            </button>
          )}
          <button class="btn btn--block" onClick={() => back('chats')}>
            {preview?.done && !group ? t('app.close') : t('app.cancel')}
          </button>
        </div>
      </div>
    </section>
  )
}
