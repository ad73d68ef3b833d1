// The share sheet of an invite link: a group's (from its members sheet) or my friend link (Friends).
// It shows my working link, or makes one: the QR code, the link with a copy button, until when it
// works, and a button that turns it off.
import { useEffect, useState } from 'preact/hooks'
import type { InviteKind, InviteLink } from '../../../protocol/api.ts'
import { inviteLinkFor, inviteUrl, newInviteLink, revokeInviteLink } from '../../models/invites.ts'
import { t } from '../../app/t.ts'
import { errorText } from '../../app/errors.ts'
import { formatLongDate } from '../../i18n/format.ts'
import { Sheet } from '../../components/Sheet.tsx'
import { QrCode } from './QrCode.tsx'

export function InviteSheet({ kind, convId, onClose }: { kind: InviteKind; convId?: string; onClose: () => void }) {
  return (
    <Sheet title={t(kind === 'group' ? 'invite.groupLink' : 'invite.friendLink')} onClose={onClose}>
      <InviteBody kind={kind} convId={convId} />
    </Sheet>
  )
}

/** The sheet's content, for a sheet that shows other things before it (a group's members sheet). */
export function InviteBody({ kind, convId }: { kind: InviteKind; convId?: string }) {
  const [link, setLink] = useState<InviteLink | 'off' | null>(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)
  const [copied, setCopied] = useState(false)

  useEffect(() => {
    inviteLinkFor(kind, convId).then(setLink, (e: unknown) => setError(errorText(e)))
  }, [kind, convId])

  async function run(fn: () => Promise<void>) {
    setBusy(true)
    setError('')
    try {
      await fn()
    } catch (e) {
      setError(errorText(e))
    } finally {
      setBusy(false)
    }
  }

  const url = link && link !== 'off' ? inviteUrl(link.token) : ''
  return (
    <>
      {link === null && !error && <p class="muted">{t('app.loading')}</p>}
      {link === 'off' && <p>{t('invite.off')}</p>}
      {link && link !== 'off' && (
        <>
          <p class="muted">{t(kind === 'group' ? 'invite.hintGroup' : 'invite.hintFriend')}</p>
          <QrCode text={url} label={t('invite.qr')} />
          <label class="field">
            <span class="field__label">{t('invite.link')}</span>
            <input name="invite-link" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
          </label>
          <p class="muted">{t('invite.until', { date: formatLongDate(link.expires) })}</p>
        </>
      )}
      <p class="form__error" role="alert">
        {error}
      </p>
      <div class="stack">
        {link && link !== 'off' && (
          <button
            class="btn btn--primary btn--block"
            onClick={() =>
              void run(async () => {
                await navigator.clipboard.writeText(url)
                setCopied(true)
              })
            }
          >
            {copied ? t('invite.copied') : t('invite.copy')}
          </button>
        )}
        {link && link !== 'off' && (
          <button
            class="btn btn--block btn--danger"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await revokeInviteLink(link.token)
                setCopied(false)
                setLink('off')
              })
            }
          >
            {t('invite.revoke')}
          </button>
        )}
        {link === 'off' && (
          <button
            class="btn btn--primary btn--block"
            disabled={busy}
            onClick={() => void run(async () => setLink(await newInviteLink(kind, convId)))}
          >
            {t('invite.newLink')}
          </button>
        )}
      </div>
    </>
  )
}
