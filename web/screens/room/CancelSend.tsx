// Stops a send: a long video on a slow connection need not be waited out, nor deleted once it is in the chat.
import { IconClose } from '../../components/icons.tsx'
import { t } from '../../app/t.ts'

/** `describedBy`: what it would stop, so that a screen reader tells two of them apart. */
export function CancelSend({ onCancel, describedBy }: { onCancel: () => void; describedBy?: string }) {
  return (
    <button
      type="button"
      class="media-out__cancel"
      aria-label={t('media.cancelSend')}
      aria-describedby={describedBy}
      title={t('media.cancelSend')}
      onClick={onCancel}
    >
      <IconClose />
    </button>
  )
}
