// What can be done with one message: react, reply, copy, forward, delete it on this device, and for my
// own edit or retract (the deletions asked first: neither can be undone). One of mine still waiting to be
// sent is not there for the others yet: it can only be taken back, while it is not on its way.
import { useState } from 'preact/hooks'
import type { MessageView } from '../../models/index.ts'
import { t } from '../../app/t.ts'
import { quotedText } from './quoted.ts'
import { Sheet } from '../../components/Sheet.tsx'
import { Confirm } from '../../components/Confirm.tsx'
import { UserText } from '../../components/UserText.tsx'
import type { Mode } from './Composer.tsx'
import { ReactionPicker } from './reactions.tsx'
import type { Reaction } from '../../../protocol/messages.ts'

interface Props {
  m: MessageView
  mine: boolean
  /** the author's name, for the reply's quote */
  author: string
  onMode: (mode: Mode) => void
  onRetract: () => void
  /** takes back my message waiting to be sent; null when it cannot be (it may be on its way) */
  onWithdraw: (() => void) | null
  /** deletes it on this device only */
  onDeleteHere: () => void
  onReact: (reaction: Reaction | null) => void
  onForward: () => void
  onClose: () => void
}

/** the phone's own share sheet, where the browser has one */
const canShare = typeof navigator !== 'undefined' && typeof navigator.share === 'function'

/**
 * Hands a message to the phone's share sheet: its text, and a photo's, video's or file's bytes when this
 * device has them and the browser takes files (else the caption or the media's name alone).
 */
async function shareOut(m: MessageView): Promise<void> {
  const text = quotedText(m)
  let files: File[] | undefined
  if (m.media) {
    const blob = await import('../../media/blob-url.ts').then((b) => b.blobOf(m.media!.id)).catch(() => null)
    const file = blob
      ? new File([blob], m.media.name ?? `sori-${m.media.id}.${blob.type.split('/')[1] ?? 'bin'}`, { type: blob.type })
      : null
    if (file && navigator.canShare?.({ files: [file] })) files = [file]
  }
  try {
    await navigator.share(files ? { files, ...(m.body ? { text: m.body } : {}) } : { text })
  } catch {
    // the user closed the sheet, or the browser refused: nothing to say
  }
}

export function MessageActions({
  m,
  mine,
  author,
  onMode,
  onRetract,
  onWithdraw,
  onDeleteHere,
  onReact,
  onForward,
  onClose,
}: Props) {
  // every action closes the sheet
  const then = (fn: () => void) => () => {
    fn()
    onClose()
  }
  // a photo or file without a caption is quoted by what it is
  const text = quotedText(m)
  const reply = then(() => onMode({ kind: 'reply', id: m.id, name: author, mine, text }))
  const copy = then(() => void navigator.clipboard?.writeText(m.body))
  const forward = then(onForward)
  const share = then(() => void shareOut(m))
  const edit = then(() => onMode({ kind: 'edit', id: m.id, page: m.page, text: m.body }))
  const [confirming, setConfirming] = useState<'retract' | 'here' | null>(null)
  // a reaction, an edit or a deletion of a message the server does not have would name one it never gets
  const waiting = mine && m.state === 'waiting'
  if (confirming) {
    const [action, question, done] =
      confirming === 'retract'
        ? [t('room.retract'), t('room.retractConfirm'), onRetract]
        : [t('room.deleteHere'), t('room.deleteHereConfirm'), onDeleteHere]
    return (
      <Sheet title={action} onClose={onClose} view={confirming}>
        <p class="sheet__quote">{m.retracted ? t('room.retracted') : <UserText text={text} />}</p>
        <Confirm text={question} action={action} onConfirm={then(done)} onCancel={onClose} />
      </Sheet>
    )
  }
  return (
    <Sheet title={t('room.actions')} onClose={onClose} view="actions">
      <p class="sheet__quote">{m.retracted ? t('room.retracted') : <UserText text={text} />}</p>
      {!m.retracted && !waiting && <ReactionPicker m={m} onReact={(r) => then(() => onReact(r))()} />}
      <div class="stack">
        {!m.retracted && (
          <button class="btn btn--block" onClick={reply}>
            {t('room.reply')}
          </button>
        )}
        {!m.retracted && m.body && (
          <button class="btn btn--block" onClick={copy}>
            {t('room.copy')}
          </button>
        )}
        {!m.retracted && (
          <button class="btn btn--block" onClick={forward}>
            {t('room.forward')}
          </button>
        )}
        {!m.retracted && canShare && (m.body || m.media) && (
          <button class="btn btn--block" onClick={share}>
            {t('room.share')}
          </button>
        )}
        {mine && !waiting && !m.retracted && !m.media && !m.link && (
          <button class="btn btn--block" onClick={edit}>
            {t('room.edit')}
          </button>
        )}
        {waiting && onWithdraw && (
          <button class="btn btn--block btn--danger" onClick={then(onWithdraw)}>
            {t('media.cancelSend')}
          </button>
        )}
        {!waiting && (
          <button class="btn btn--block btn--danger" onClick={() => setConfirming('here')}>
            {t('room.deleteHere')}
          </button>
        )}
        {mine && !waiting && !m.retracted && (
          <button class="btn btn--block btn--danger" onClick={() => setConfirming('retract')}>
            {t('room.retract')}
          </button>
        )}
      </div>
    </Sheet>
  )
}
